// The validation loss against the training loss along GeN's runs with validation reports, per (task, base): the
// table that motivated the 1.0 round's step-factor gate (docs/algorithm.md §19).
//
//   npx tsx experiments/generalisation-gap.ts [--from docs/results/validation-decay.jsonl.gz]
//       [--optimizer valdecay-p3,…] [--split development]
//
// For each run of gen-adamw-<suffix> and gen-sgd-<suffix>, at the reports nearest to 10%, 25%, 50% and 75% of
// the run: the reported validation loss ÷ the mean training loss of the logged steps within 5% of the run around it.
// Only reports before the run's first decay count (until then the run is GeN's default run, step for step); the
// mean over the seeds, '–' where every seed had decayed by then.
import { readResults, type RunRecord } from '../bench/results.js';
import { experimentFlags } from './args.js';

const flags = experimentFlags('experiments/generalisation-gap.ts', {
  from: { default: 'docs/results/validation-decay.jsonl.gz', help: 'results files, comma-separated', kind: 'strings' },
  optimizer: {
    default: 'valdecay-p3',
    help: 'the GeN entry suffixes whose runs report, comma-separated',
    kind: 'strings',
  },
  split: { default: 'development', help: 'task split', kind: { oneOf: ['development', 'held-out'] } },
});

const FRACTIONS = [0.1, 0.25, 0.5, 0.75];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const names = new Set(flags.optimizer.flatMap((o) => ['adamw', 'sgd'].map((b) => `gen-${b}-${o}`)));
const runs = flags.from
  .flatMap((f) => readResults(f))
  .filter((r): r is RunRecord => r.kind === 'run' && names.has(r.optimizer) && r.taskSplit === flags.split[0]);
if (runs.length === 0) {
  process.stderr.write(
    `no ${flags.split[0]} runs of ${[...names].join(', ')} with validation reports in ${flags.from}\n`,
  );
  process.exit(1);
}

/** The ratio at each fraction of the run, or null where the run had decayed by then. */
function ratios(r: RunRecord): (number | null)[] {
  const reports = r.validationReports ?? [];
  const curve = r.curve!;
  return FRACTIONS.map((f) => {
    const at = reports.reduce((p, q) => (Math.abs(q.step - f * r.steps) < Math.abs(p.step - f * r.steps) ? q : p));
    const before = reports.filter((q) => q.step < at.step);
    if (before.some((q) => q.decayed) || (at.scale < 1 && !at.decayed)) return null;
    const near = curve.step.flatMap((s, i) => (Math.abs(s - at.step) <= 0.05 * r.steps ? [curve.loss[i]] : []));
    return at.loss / mean(near);
  });
}

const pairs = new Map<string, (number | null)[][]>();
for (const r of runs) {
  const key = `${r.task}, ${r.base}`;
  pairs.set(key, [...(pairs.get(key) ?? []), ratios(r)]);
}
console.log(
  `| pair | validation ÷ training loss at ${FRACTIONS.map((f) => `${100 * f}%`).join(' / ')} of the run | seeds |`,
);
console.log('|---|---|---:|');
for (const [key, rows] of pairs) {
  const cells = FRACTIONS.map((_, i) => {
    const xs = rows.map((row) => row[i]).filter((x): x is number => x !== null);
    return xs.length > 0 ? mean(xs).toFixed(2) : '–';
  });
  console.log(`| ${key} | ${cells.join(' / ')} | ${rows.length} |`);
}
