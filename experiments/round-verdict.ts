// The decision rule of a defaults round (docs/algorithm.md §11), applied to a candidate against the
// default: per deciding (development task, base) pair, the mean test metric over the given seeds, its
// shortfall from the tuned best in units of the target (0.5 points of accuracy, else 1% of the best; 0
// within target), and whether a pair the default has within target falls out of it by more than twice
// the tuned best's seed sd. The tuned best and "decides" are the report's (report/analyze.ts).
// Usage: npx tsx experiments/round-verdict.ts --from a.jsonl,b.jsonl.gz --default gen-adamw,gen-sgd
//          --candidate gen-adamw-geometric,gen-sgd-geometric [--seeds 0,1] [--split development]
import { readResults, type RunRecord } from '../bench/results.js';
import { summarise } from '../report/analyze.js';
import { experimentFlags } from './args.js';

const flags = experimentFlags('experiments/round-verdict.ts', {
  from: { default: '', help: 'results files, comma-separated (.jsonl or .jsonl.gz)', kind: 'strings' },
  default: { default: 'gen-adamw,gen-sgd', help: 'the default registry entries, one per base', kind: 'strings' },
  candidate: { default: '', help: 'the candidate registry entries, in the same base order', kind: 'strings' },
  seeds: { default: '0,1', help: 'seeds to average', kind: 'strings' },
  split: { default: 'development', help: 'task split to judge on', kind: { oneOf: ['development', 'held-out'] } },
});
const all = flags.from.flatMap((f) => readResults(f));
const records = all.filter((r): r is RunRecord => r.kind === 'run');
const seeds = new Set(flags.seeds.map(Number));
const summary = summarise(all);

/** Mean test metric of an optimizer's default-config runs on a task over the chosen seeds (NaN if none). */
function meanOf(task: string, optimizer: string): { mean: number; n: number; values: number[] } {
  const runs = records.filter(
    (r) =>
      r.task === task &&
      r.optimizer === optimizer &&
      seeds.has(r.seed) &&
      (r.config as { lr0?: unknown } | null)?.lr0 === undefined,
  );
  const values = runs.map((r) => (r.diverged ? NaN : r.value));
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length, values };
}

const shortfall = (value: number, best: number, higher: boolean, accuracy: boolean) => {
  if (!Number.isFinite(value)) return Infinity;
  const gap = higher ? best - value : value - best;
  const allowance = accuracy ? 0.005 : 0.01 * Math.abs(best);
  return gap <= allowance ? 0 : gap / allowance;
};

const rows: string[] = [];
const totals = { def: { within: 0, short: 0 }, cand: { within: 0, short: 0 }, pairs: 0, broken: [] as string[] };
for (const t of summary.tasks) {
  if (t.split !== flags.split[0]) continue;
  for (const d of t.decisions) {
    if (!d.decides || !d.best) continue;
    const i = flags.default.findIndex((v) => v.endsWith(`-${d.base}`));
    if (i < 0 || flags.candidate[i] === undefined) continue;
    const accuracy = t.metric.name === 'accuracy';
    const best = d.best.stat.mean;
    const def = meanOf(t.task, flags.default[i]);
    const cand = meanOf(t.task, flags.candidate[i]);
    const sd = shortfall(def.mean, best, t.metric.higherIsBetter, accuracy);
    const sc = shortfall(cand.mean, best, t.metric.higherIsBetter, accuracy);
    totals.pairs++;
    if (sd === 0) totals.def.within++;
    if (sc === 0) totals.cand.within++;
    totals.def.short += sd;
    totals.cand.short += sc;
    const drop = t.metric.higherIsBetter ? def.mean - cand.mean : cand.mean - def.mean;
    const broken = sd === 0 && sc > 0 && drop > 2 * d.best.stat.sd;
    if (broken) totals.broken.push(`${t.task} ${d.base}`);
    const f = (m: { mean: number; n: number }) => `${accuracy ? (m.mean * 100).toFixed(2) + '%' : m.mean.toPrecision(4)} (n=${m.n})`;
    rows.push(
      `| ${t.task}, ${d.base} | ${accuracy ? (best * 100).toFixed(2) + '%' : best.toPrecision(4)} | ${f(def)}${sd === 0 ? ' ✓' : ''} | ${sd.toFixed(2)} | ${f(cand)}${sc === 0 ? ' ✓' : ''} | ${sc.toFixed(2)} |${broken ? ' falls out |' : ' |'}`,
    );
  }
}
console.log(`| pair | best tuned | ${flags.default.join(' / ')} | shortfall | ${flags.candidate.join(' / ')} | shortfall | |`);
console.log('|---|---|---|---:|---|---:|---|');
for (const r of rows) console.log(r);
const n = totals.pairs;
console.log(
  `\nwithin target: default ${totals.def.within} of ${n}, candidate ${totals.cand.within} of ${n}; mean shortfall (target units): default ${(totals.def.short / n).toFixed(3)}, candidate ${(totals.cand.short / n).toFixed(3)}`,
);
const better =
  totals.cand.within > totals.def.within ||
  (totals.cand.within === totals.def.within && totals.cand.short < totals.def.short);
console.log(
  `falls out of target by more than 2 × seed sd: ${totals.broken.length === 0 ? 'none' : totals.broken.join(', ')}\n` +
    `verdict (docs/algorithm.md §11): ${better && totals.broken.length === 0 ? 'adopt the candidate' : 'keep the default'}`,
);
