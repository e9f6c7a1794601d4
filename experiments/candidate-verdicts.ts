// GeN variants against the best-tuned grid of their base, per task, by the report's own rules
// (report/analyze.ts: within 0.5 points of accuracy or 1% relative; a task decides when the grid's best
// and median differ by more than twice the seed noise). Prints a Markdown table of the given variants.
// Usage: npx tsx experiments/candidate-verdicts.ts --from a.jsonl,b.jsonl.gz --variants gen-adamw,gen-adamw-grow [--tasks t1,t2]
import { readResults } from '../bench/results.js';
import { fmtStat, fmtValue, summarise } from '../report/analyze.js';
import { experimentFlags } from './args.js';

const flags = experimentFlags('experiments/candidate-verdicts.ts', {
  from: { default: '', help: 'results files, comma-separated (.jsonl or .jsonl.gz)', kind: 'strings' },
  variants: { default: 'gen-adamw,gen-sgd', help: 'GeN registry entries to compare, comma-separated', kind: 'strings' },
  tasks: { default: '', help: 'tasks to show (default: every task in the results)', kind: 'strings' },
});
const records = flags.from.flatMap((f) => readResults(f));
const summary = summarise(records);
const variants = flags.variants;
const tasks = flags.tasks;
const within = new Map<string, [number, number]>();
console.log(`| task (split) | base | best tuned | decides | ${variants.join(' | ')} |`);
console.log(`|---|---|---|---|${variants.map(() => '---|').join('')}`);
for (const t of summary.tasks) {
  if (tasks.length > 0 && !tasks.includes(t.task)) continue;
  for (const d of t.decisions) {
    const cells = variants
      .filter((v) => v.includes(`-${d.base}`))
      .map((v) => {
        const c = t.comparisons.find((x) => x.gen.optimizer === v && x.best.base === d.base);
        const e = c?.gen ?? t.entries.find((x) => x.optimizer === v);
        if (!e) return '–';
        const ok = c?.within ?? false;
        if (d.decides) {
          const [w, n] = within.get(v) ?? [0, 0];
          within.set(v, [w + (ok ? 1 : 0), n + 1]);
        }
        return `${ok ? '**' : ''}${fmtStat(e.stat, t.metric)}${ok ? '**' : ''}`;
      });
    if (cells.length === 0) continue;
    const best = d.best ? `${fmtStat(d.best.stat, t.metric)}` : '–';
    const padded = variants.map((v) => (v.includes(`-${d.base}`) ? cells.shift() : ''));
    console.log(
      `| ${t.task} (${t.split ?? '?'}) | ${d.base} | ${best} | ${d.decides === null ? '?' : d.decides ? 'yes' : 'no'} (spread ${d.best ? fmtValue(d.spread, t.metric) : '–'}) | ${padded.join(' | ')} |`,
    );
  }
}
console.log(
  `| within target on deciding pairs | | | | ${variants
    .map((v) => {
      const [w, n] = within.get(v) ?? [0, 0];
      return `${w} of ${n}`;
    })
    .join(' | ')} |`,
);
