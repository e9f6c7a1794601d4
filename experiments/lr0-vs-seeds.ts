// Does GeN's initial lr matter more than its seed? Per (task, base) pair, the five initial-lr runs of the defaults
// (`gen-<base>-lr0`, lr0 1e-5 … 1e-1, seed 0) against the spread of the default runs over seeds (`gen-<base>`,
// `--seeds`): if the lr0 made no difference beyond what a change of seed makes, the five would scatter like five seed
// runs, whose expected range is 2.326 σ (the mean range of five normal draws; σ estimated from the seed runs, so a
// rough yardstick with three seeds). A pair's lr0 range above 2.326 σ says the initial lr matters more than the seed.
// The stricter goal (all five within 1 target unit) is round-verdict.ts's lr0 table.
//
//   npx tsx experiments/lr0-vs-seeds.ts --from docs/results/full.jsonl.gz [--seeds 0,1,2]
import { readResults, type ResultRecord, type RunRecord } from '../bench/results.js';
import { summarise } from '../report/analyze.js';
import { experimentFlags } from './args.js';

/** E[max − min] of five independent standard normal draws. */
const RANGE_OF_FIVE = 2.326;

const flags = experimentFlags('experiments/lr0-vs-seeds.ts', {
  from: {
    default: '',
    help: 'results files, comma-separated (.jsonl or .jsonl.gz); later records replace earlier',
    kind: 'strings',
  },
  seeds: { default: '0,1,2', help: 'seeds of the default runs', kind: 'strings' },
});

const byKey = new Map<string, ResultRecord>();
for (const r of flags.from.flatMap((f) => readResults(f))) byKey.set(r.key, r);
const records = [...byKey.values()];
const runs = records.filter((r): r is RunRecord => r.kind === 'run' && !r.diverged);
const seeds = new Set(flags.seeds.map(Number));
const summary = summarise(records);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

console.log(
  '| task (split) | base | seed runs: mean ± sd (n) | lr0 runs: min – max | lr0 range ÷ σ | lr0 matters more than the seed |',
);
console.log('|---|---|---|---|---:|---|');
let pairs = 0;
let within = 0;
for (const t of summary.tasks) {
  const pct = t.metric.name === 'accuracy';
  const f = (v: number) => (pct ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4));
  for (const base of ['adamw', 'sgd']) {
    const seedRuns = runs
      .filter(
        (r) => r.task === t.task && r.optimizer === `gen-${base}` && r.phase !== 'robustness' && seeds.has(r.seed),
      )
      .map((r) => r.value);
    const lr0Runs = runs.filter((r) => r.task === t.task && r.optimizer === `gen-${base}-lr0`).map((r) => r.value);
    if (seedRuns.length < 2 || lr0Runs.length < 2) continue;
    const sigma = sd(seedRuns);
    const range = Math.max(...lr0Runs) - Math.min(...lr0Runs);
    const ratio = range / sigma;
    const more = ratio > RANGE_OF_FIVE;
    pairs++;
    if (!more) within++;
    console.log(
      `| ${t.task} (${t.split ?? '?'}) | ${base} | ${f(mean(seedRuns))} ± ${pct ? (sigma * 100).toFixed(2) : sigma.toPrecision(2)} (${seedRuns.length}) | ` +
        `${f(Math.min(...lr0Runs))} – ${f(Math.max(...lr0Runs))} (${lr0Runs.length}) | ${Number.isFinite(ratio) ? ratio.toFixed(1) : '∞'} | ${more ? 'yes' : 'no'} |`,
    );
  }
}
console.log(
  `\nThe initial lr's effect is within what a change of seed does (lr0 range ≤ ${RANGE_OF_FIVE} σ) on ${within} of ${pairs} pairs.`,
);
