// GeN's applied lr against the tuned best configuration's, per (task, base), with the shares of its refit reasons:
// the table that motivated the 0.8 round's step factor (docs/algorithm.md §15) and that shows, in §16, that the
// reasons do not tell the tasks where a larger lr helps from those where it costs.
//
//   npx tsx experiments/lr-gap.ts [--from docs/results/full.jsonl.gz] [--split development] [--seeds 0,1,2]
//
// Per pair: the tuned best's schedule and peak lr, GeN's median applied lr over the first 80% of each default run
// (before its cooldown), averaged over the seeds, their ratio (tuned ÷ GeN), and the shares of GeN's refits by
// reason (accepted and clipped, not_descent, accepted ok, and the ones that grow the lr: insignificant, nonconvex).
import { readResults, type RunRecord } from '../bench/results.js';
import { summarise } from '../report/analyze.js';
import { experimentFlags } from './args.js';

const flags = experimentFlags('experiments/lr-gap.ts', {
  from: { default: 'docs/results/full.jsonl.gz', help: 'results files, comma-separated', kind: 'strings' },
  split: { default: 'development', help: 'task split', kind: { oneOf: ['development', 'held-out'] } },
  seeds: { default: '0,1,2', help: "seeds of GeN's default runs", kind: 'strings' },
});

const records = flags.from.flatMap((f) => readResults(f));
const seeds = new Set(flags.seeds.map(Number));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${Math.round(100 * x)}%`;

console.log('| pair | tuned best | GeN lr (median, first 80%) | tuned ÷ GeN | clipped | not_descent | ok | grow |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const t of summarise(records).tasks) {
  if (t.split !== flags.split[0]) continue;
  for (const d of t.decisions) {
    const config = d.best?.config;
    if (!config) continue;
    const runs = records.filter(
      (r): r is RunRecord =>
        r.kind === 'run' &&
        r.task === t.task &&
        r.optimizer === `gen-${d.base}` &&
        r.phase !== 'robustness' &&
        seeds.has(r.seed),
    );
    if (runs.length === 0) continue;
    const lr = mean(runs.map((r) => median(r.curve.lr.slice(0, Math.floor(0.8 * r.curve.lr.length)))));
    const share = (names: string[]) =>
      mean(
        runs.map((r) => {
          const reasons = Object.entries(r.reasons ?? {}).filter(([k]) => k !== 'skipped');
          const refits = reasons.reduce((a, [, v]) => a + v, 0);
          return reasons.filter(([k]) => names.includes(k)).reduce((a, [, v]) => a + v, 0) / refits;
        }),
      );
    const peak = Number(config.lr);
    console.log(
      `| ${t.task}, ${d.base} | ${String(config.schedule)} ${peak} | ${lr.toPrecision(2)} | ${(peak / lr).toPrecision(2)} | ` +
        `${pct(share(['clipped']))} | ${pct(share(['not_descent']))} | ${pct(share(['ok']))} | ${pct(share(['insignificant', 'nonconvex']))} |`,
    );
  }
}
