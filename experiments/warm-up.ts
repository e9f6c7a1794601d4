// GeN with calibrationDivisor = 1, 3, 10 on the full benchmark budgets: the test metric, the lr at
// 10/30/60/100% of each run and its median over the first 80% (docs/algorithm.md §6, "Warm-up", with AdamW; §28's
// pilot with SGD-momentum, plain and bias-corrected), recorded in results/experiments/warm-up.jsonl and printed from
// there (one line per run, then a table).
//   scripts/install-data.sh && npx tsx experiments/warm-up.ts [--tasks a,b] [--seeds 0] [--steps N]
//     [--bases adamw,sgd,sgd-bias-corrected] [--divisors 1,3,10] [--min-calibration-steps 2]
// defaults: moby-char,movielens-mf,fashion-cnn,mnist-mlp, seed 0, AdamW, W = 1, 3, 10, minCalibrationSteps 2 (every
// W runs with every minCalibrationSteps given) and each task's full budget
// (the doc's table adds seed 1 for Moby Dick and Fashion-MNIST: `... experiments/warm-up.ts --tasks
// moby-char,fashion-cnn --seeds 1`); --steps overrides the budget (for a short check that the script runs).
import { runOne } from '../bench/runner.js';
import { TASKS, findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { experimentFlags } from './args.js';
import { ExperimentLog, markdownTable, num } from './store.js';

const BASES = ['adamw', 'sgd', 'sgd-bias-corrected'] as const;
type Base = (typeof BASES)[number];
const baseOptimizer = (base: Base) =>
  base === 'adamw' ? new AdamW() : new SGDW({ momentum: 0.9, biasCorrection: base === 'sgd-bias-corrected' });
const flags = experimentFlags('experiments/warm-up.ts', {
  tasks: {
    default: 'moby-char,movielens-mf,fashion-cnn,mnist-mlp',
    help: 'benchmark tasks',
    kind: { oneOf: TASKS.map((t) => t.name) },
  },
  seeds: { default: '0', help: 'run seeds', kind: 'numbers' },
  steps: { default: '', help: "steps per run (default: each task's full budget)", kind: 'int?' },
  bases: { default: 'adamw', help: 'base optimizers', kind: { oneOf: BASES } },
  divisors: { default: '1,3,10', help: 'calibration divisors W', kind: 'numbers' },
  'min-calibration-steps': { default: '2', help: 'minCalibrationSteps values', kind: 'ints' },
});
// Each run's calibration settings: every W with every minCalibrationSteps N.
const VARIANTS = flags.divisors.flatMap((w) => flags['min-calibration-steps'].map((n) => ({ w, n })));
const variantName = ({ w, n }: { w: number; n: number }) =>
  flags['min-calibration-steps'].length === 1 && n === 2 ? `W = ${w}` : `W = ${w}, N = ${n}`;
const bases = flags.bases as Base[];
const backend = (await setupBackend()).backend;
const log = new ExperimentLog('warm-up', backend);
const stepsOf = (task: string) => flags.steps ?? findTask(task)!.steps.full;
// AdamW's records keep the label and config they had before the base was a flag, and every record with the
// default minCalibrationSteps (2) the ones it had before that was.
const configOf = (task: string, seed: number, calibrationDivisor: number, base: Base, minCalibrationSteps: number) => ({
  task,
  seed,
  calibrationDivisor,
  steps: stepsOf(task),
  ...(base === 'adamw' ? {} : { base }),
  ...(minCalibrationSteps === 2 ? {} : { minCalibrationSteps }),
});
const labelOf = (task: string, seed: number, calibrationDivisor: number, base: Base, minCalibrationSteps: number) =>
  `${task} seed ${seed} calibrationDivisor ${calibrationDivisor}${base === 'adamw' ? '' : ` base ${base}`}${
    minCalibrationSteps === 2 ? '' : ` minCalibrationSteps ${minCalibrationSteps}`
  }`;
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

for (const name of flags.tasks) {
  const task = findTask(name)!;
  for (const base of bases) {
    for (const seed of flags.seeds) {
      for (const { w: calibrationDivisor, n: minCalibrationSteps } of VARIANTS) {
        const r = await runOne({
          task,
          seed,
          steps: stepsOf(name),
          mode: 'full',
          phase: 'experiment',
          backend,
          versions: {},
          opt: {
            optimizer: base === 'adamw' ? 'gen-adamw' : 'gen-sgd',
            kind: 'gen',
            base: base === 'adamw' ? 'adamw' : 'sgd',
            label: `calibrationDivisor ${calibrationDivisor}, minCalibrationSteps ${minCalibrationSteps}`,
            config: { calibrationDivisor, minCalibrationSteps },
            build: () => new GeN(baseOptimizer(base), { calibrationDivisor, minCalibrationSteps }),
          },
        });
        const { lr, step } = r.curve;
        const held = lr.filter((x, k) => step[k] <= 0.8 * stepsOf(name) && Number.isFinite(x));
        const label = labelOf(name, seed, calibrationDivisor, base, minCalibrationSteps);
        const config = configOf(name, seed, calibrationDivisor, base, minCalibrationSteps);
        log.append(label, config, {
          [r.metric.name]: r.value,
          lrAt10_30_60_100pc: [0.1, 0.3, 0.6, 1].map(
            (f) => lr[Math.min(lr.length - 1, Math.floor(f * (lr.length - 1)))],
          ),
          medianLrFirst80pc: median(held),
          wallSeconds: r.wallMs / 1000,
        });
        const m = log.latest(label, config)!.metrics;
        console.log(
          `${name} ${base} seed ${seed} calibrationDivisor ${String(calibrationDivisor).padStart(2)} minCalibrationSteps ${minCalibrationSteps}: ${task.metric.name} ${num(m[task.metric.name] as number).toPrecision(4)}; lr at 10/30/60/100% ${(m.lrAt10_30_60_100pc as number[]).map((x) => num(x).toExponential(1)).join(' ')}; median over the first 80% ${num(m.medianLrFirst80pc as number).toExponential(2)} (${(m.wallSeconds as number).toFixed(0)} s)`,
        );
      }
    }
  }
}

// Rows: task, base and metric; columns: W (and N); cells: the test metric of each seed, read back from the results file.
const rows = flags.tasks.flatMap((name) =>
  bases.map((base) => {
    const metric = findTask(name)!.metric;
    const cell = ({ w: calibrationDivisor, n: minCalibrationSteps }: { w: number; n: number }) =>
      flags.seeds
        .map((seed) => {
          const label = labelOf(name, seed, calibrationDivisor, base, minCalibrationSteps);
          const config = configOf(name, seed, calibrationDivisor, base, minCalibrationSteps);
          const v = num(log.metric(label, config, metric.name) as number);
          return metric.format === 'percent' ? `${(100 * v).toFixed(2)}%` : v.toPrecision(3);
        })
        .join(' / ');
    return [`${name}, ${base}, ${metric.name} (seed ${flags.seeds.join(' / ')})`, ...VARIANTS.map(cell)];
  }),
);
console.log(`\n${markdownTable(['task', ...VARIANTS.map(variantName)], rows)}`);
console.log(`(records: ${log.shownPath})`);
