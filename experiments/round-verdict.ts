// The decision rules of a defaults round (docs/algorithm.md §11), applied to a candidate against the
// default. Records: `--from` are the default's (a later file replaces an earlier record of the same run
// key); the candidate's are the same with `--with`'s records replacing theirs by key (a candidate run
// under the default's registry names, from a commit that changes the default), or, with `--candidate`
// names, the runs of those registry entries.
//
// 1. Default runs: per deciding (task, base) pair of the split, the mean test metric over `--seeds`, its
//    shortfall from the tuned best in units of the target (0.5 points of accuracy, else 1% of the best; 0
//    within target), whether a pair the default has within target falls out of it by more than twice
//    the tuned best's seed sd (0.5's condition), and whether any pair's mean falls by more than that (0.6's,
//    docs/algorithm.md §12). The tuned best and "decides" are the report's (report/analyze.ts).
//    With `--paired yes` the default side is the candidate runs' own `valueTrain` (the metric at the trained
//    weights, where the candidate evaluates elsewhere: docs/algorithm.md §13), and each is checked against the
//    `--from` record of the same default run (equal wherever the trajectory is unchanged).
// 2. Initial-lr runs (with --lr0): per (task, base) pair of the split, the five lr0 runs' range in target
//    units (within the lr0 goal when ≤ 1), and the runs worse than the grid's median configuration. A --candidate
//    entry's lr0 runs are those of `<candidate>-lr0` (one configuration per lr, seed 0).
// Usage: npx tsx experiments/round-verdict.ts --from a.jsonl,b.jsonl.gz [--with c.jsonl]
//          [--candidate gen-adamw-x,gen-sgd-x] [--seeds 0,1] [--split development] [--lr0]
import { readResults, type ResultRecord, type RunRecord } from '../bench/results.js';
import { summarise, type TaskSummary } from '../report/analyze.js';
import { experimentFlags } from './args.js';

const flags = experimentFlags('experiments/round-verdict.ts', {
  from: { default: '', help: "the default's results files, comma-separated (.jsonl or .jsonl.gz)", kind: 'strings' },
  with: { default: '', help: "the candidate's runs, replacing the default's of the same key", kind: 'strings' },
  default: { default: 'gen-adamw,gen-sgd', help: 'the default registry entries, one per base', kind: 'strings' },
  candidate: { default: '', help: 'the candidate registry entries (default: the default names)', kind: 'strings' },
  seeds: { default: '0,1', help: 'seeds to average (default runs)', kind: 'strings' },
  split: { default: 'development', help: 'task split to judge on', kind: { oneOf: ['development', 'held-out'] } },
  lr0: { default: 'no', help: 'also the initial-lr table', kind: { oneOf: ['yes', 'no'] } },
  paired: {
    default: 'no',
    help: "yes: the default side is the candidate runs' own valueTrain (metric at the trained weights)",
    kind: { oneOf: ['yes', 'no'] },
  },
});

const byKey = (files: readonly string[], start: ResultRecord[] = []) => {
  const m = new Map<string, ResultRecord>();
  for (const r of [...start, ...files.flatMap((f) => readResults(f))]) m.set(r.key, r);
  return [...m.values()];
};
const defaultSide = byKey(flags.from);
const candidateSide = flags.with.length > 0 ? byKey(flags.with, defaultSide) : defaultSide;
const candidateNames = flags.candidate.length > 0 ? flags.candidate : flags.default;
const seeds = new Set(flags.seeds.map(Number));
const summary = summarise(defaultSide);
const runs = (records: ResultRecord[]) => records.filter((r): r is RunRecord => r.kind === 'run');
const candidateRuns = runs(candidateSide);
/** The candidate's own runs under the default's name, valued at their trained weights. */
const pairedRuns = () =>
  candidateRuns
    .filter((r) => candidateNames.includes(r.optimizer) && r.valueTrain !== undefined)
    .map((r) => ({ ...r, optimizer: flags.default[candidateNames.indexOf(r.optimizer)], value: r.valueTrain! }));
const defaultRuns = flags.paired[0] === 'yes' ? pairedRuns() : runs(defaultSide);
if (flags.paired[0] === 'yes') {
  const recorded = runs(defaultSide);
  const differ = defaultRuns.filter((r) => {
    const same = recorded.find(
      (q) => q.task === r.task && q.optimizer === r.optimizer && q.seed === r.seed && q.phase === r.phase,
    );
    return same === undefined || !Object.is(same.value, r.value);
  });
  console.log(
    `Trained-weights metric of the ${defaultRuns.length} candidate runs against the --from records of the same run: ` +
      `${defaultRuns.length - differ.length} equal${differ.length === 0 ? '' : `; differ: ${differ.map((r) => `${r.task} ${r.optimizer} seed ${r.seed}`).join(', ')}`}\n`,
  );
}

const isAccuracy = (t: TaskSummary) => t.metric.name === 'accuracy';
/** The target's allowance: 0.5 points of accuracy, else 1% of the tuned best. */
const allowance = (t: TaskSummary, best: number) => (isAccuracy(t) ? 0.005 : 0.01 * Math.abs(best));
const fmt = (t: TaskSummary, v: number) => (isAccuracy(t) ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4));

function meanOf(records: RunRecord[], task: string, optimizer: string): { mean: number; n: number } {
  const values = records
    .filter((r) => r.task === task && r.optimizer === optimizer && seeds.has(r.seed) && r.phase !== 'robustness')
    .map((r) => (r.diverged ? NaN : r.value));
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length };
}

const shortfall = (t: TaskSummary, value: number, best: number) => {
  if (!Number.isFinite(value)) return Infinity;
  const gap = t.metric.higherIsBetter ? best - value : value - best;
  return gap <= allowance(t, best) ? 0 : gap / allowance(t, best);
};

const tasks = summary.tasks.filter((t) => t.split === flags.split[0]);
const totals = {
  def: { within: 0, short: 0 },
  cand: { within: 0, short: 0 },
  pairs: 0,
  broken: [] as string[],
  fallen: [] as string[],
};
console.log(`Default runs (mean over seeds ${flags.seeds.join(', ')}; shortfall in target units, 0 = within target)\n`);
console.log(
  `| pair | best tuned | ${flags.default.join(' / ')} | shortfall | ${candidateNames.join(' / ')} | shortfall | |`,
);
console.log('|---|---|---|---:|---|---:|---|');
for (const t of tasks) {
  for (const d of t.decisions) {
    if (!d.decides || !d.best) continue;
    const i = flags.default.findIndex((v) => new RegExp(`-${d.base}(-|$)`).test(v));
    if (i < 0 || candidateNames[i] === undefined) continue;
    const best = d.best.stat.mean;
    const def = meanOf(defaultRuns, t.task, flags.default[i]);
    const cand = meanOf(candidateRuns, t.task, candidateNames[i]);
    const sd = shortfall(t, def.mean, best);
    const sc = shortfall(t, cand.mean, best);
    totals.pairs++;
    if (sd === 0) totals.def.within++;
    if (sc === 0) totals.cand.within++;
    totals.def.short += sd;
    totals.cand.short += sc;
    const drop = t.metric.higherIsBetter ? def.mean - cand.mean : cand.mean - def.mean;
    // 0.5's condition: a pair within target falls out of it by more than 2 sd; 0.6's: any deciding pair's mean falls
    // by more than 2 sd, within target or not.
    const fallen = drop > 2 * d.best.stat.sd;
    const broken = sd === 0 && sc > 0 && fallen;
    if (broken) totals.broken.push(`${t.task} ${d.base}`);
    if (fallen)
      totals.fallen.push(
        `${t.task} ${d.base} (${fmt(t, def.mean)} → ${fmt(t, cand.mean)}, 2 sd = ${fmt(t, 2 * d.best.stat.sd).replace('%', ' pts')})`,
      );
    const cell = (m: { mean: number; n: number }, s: number) => `${fmt(t, m.mean)} (n=${m.n})${s === 0 ? ' ✓' : ''}`;
    console.log(
      `| ${t.task}, ${d.base} | ${fmt(t, best)} | ${cell(def, sd)} | ${sd.toFixed(2)} | ${cell(cand, sc)} | ${sc.toFixed(2)} |${broken ? ' falls out' : fallen ? ' falls' : ''} |`,
    );
  }
}
const n = totals.pairs;
console.log(
  `\nwithin target: default ${totals.def.within} of ${n}, candidate ${totals.cand.within} of ${n}; mean shortfall: ` +
    `default ${(totals.def.short / n).toFixed(3)}, candidate ${(totals.cand.short / n).toFixed(3)}; falls out of target ` +
    `by more than 2 × seed sd: ${totals.broken.length === 0 ? 'none' : totals.broken.join(', ')}; any mean falls by more ` +
    `than 2 × seed sd: ${totals.fallen.length === 0 ? 'none' : totals.fallen.join(', ')}`,
);

if (flags.lr0[0] === 'yes') {
  console.log(
    '\nInitial-lr runs (seed 0; range = max − min of the five in target units; ✗ = worse than the grid median)\n',
  );
  console.log('| pair | grid median | default: lr0 1e-5 … 1e-1 | range | candidate: lr0 1e-5 … 1e-1 | range |');
  console.log('|---|---|---|---:|---|---:|');
  const lr0 = { def: { within: 0, range: 0, collapses: 0 }, cand: { within: 0, range: 0, collapses: 0 }, pairs: 0 };
  for (const t of tasks) {
    for (const d of t.decisions) {
      if (!d.best || !d.median) continue;
      const median = d.median.stat.mean;
      // A candidate named with --candidate has its lr0 runs under `<candidate>-lr0` (bench/optimizers.ts, lr0Entry).
      const named = flags.candidate.length > 0 ? `${candidateNames[flags.default.indexOf(`gen-${d.base}`)]}-lr0` : null;
      const side = (records: RunRecord[], name: string | null = null) => {
        const rs = records
          .filter((r) =>
            name === null
              ? r.task === t.task && r.phase === 'robustness' && r.optimizer === `gen-${d.base}-lr0`
              : r.task === t.task && r.seed === 0 && r.optimizer === name,
          )
          .sort((a, b) => Number(a.config.lr) - Number(b.config.lr));
        const values = rs.map((r) => (r.diverged ? NaN : r.value));
        const range = (Math.max(...values) - Math.min(...values)) / allowance(t, d.best!.stat.mean);
        const worse = (v: number) => !Number.isFinite(v) || (t.metric.higherIsBetter ? v < median : v > median);
        const cells = values.map((v) => `${fmt(t, v)}${worse(v) ? ' ✗' : ''}`).join(', ');
        return {
          range: Number.isFinite(range) ? range : Infinity,
          cells,
          collapses: values.filter(worse).length,
          n: values.length,
        };
      };
      const a = side(defaultRuns);
      const b = side(candidateRuns, named);
      if (a.n === 0) continue;
      lr0.pairs++;
      lr0.def.within += a.range <= 1 ? 1 : 0;
      lr0.cand.within += b.range <= 1 ? 1 : 0;
      lr0.def.range += a.range;
      lr0.cand.range += b.range;
      lr0.def.collapses += a.collapses;
      lr0.cand.collapses += b.collapses;
      console.log(
        `| ${t.task}, ${d.base} | ${fmt(t, median)} | ${a.cells} | ${a.range.toFixed(2)} | ${b.cells} | ${b.range.toFixed(2)} |`,
      );
    }
  }
  console.log(
    `\nlr0 runs within 1 target unit of each other: default ${lr0.def.within} of ${lr0.pairs} pairs, candidate ` +
      `${lr0.cand.within}; summed range: default ${lr0.def.range.toFixed(2)}, candidate ${lr0.cand.range.toFixed(2)}; ` +
      `runs worse than the grid median: default ${lr0.def.collapses}, candidate ${lr0.cand.collapses}`,
  );
}
