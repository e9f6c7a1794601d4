// GeN-AdamW with calibrationDivisor = 1, 3, 10 on the full benchmark budgets: the test metric and the lr at
// 10/30/60/100% of each run (docs/algorithm.md §6, "Warm-up"), recorded in
// results/experiments/warm-up.jsonl and printed from there (one line per run, then a table).
//   scripts/install-data.sh && npx tsx experiments/warm-up.ts [--tasks a,b] [--seeds 0] [--steps N]
// defaults: moby-char,movielens-mf,fashion-cnn,mnist-mlp, seed 0 and each task's full budget (the doc's
// table adds seed 1 for Moby Dick and Fashion-MNIST: `... experiments/warm-up.ts --tasks moby-char,fashion-cnn
// --seeds 1`); --steps overrides the budget (for a short check that the script runs).
import { runOne } from '../bench/runner.js';
import { TASKS, findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN } from '../src/index.js';
import { experimentFlags } from './args.js';
import { ExperimentLog, markdownTable, num } from './store.js';

const WARM_UPS = [1, 3, 10];
const flags = experimentFlags('experiments/warm-up.ts', {
  tasks: {
    default: 'moby-char,movielens-mf,fashion-cnn,mnist-mlp',
    help: 'benchmark tasks',
    kind: { oneOf: TASKS.map((t) => t.name) },
  },
  seeds: { default: '0', help: 'run seeds', kind: 'numbers' },
  steps: { default: '', help: "steps per run (default: each task's full budget)", kind: 'int?' },
});
const backend = (await setupBackend()).backend;
const log = new ExperimentLog('warm-up', backend);
const stepsOf = (task: string) => flags.steps ?? findTask(task)!.steps.full;
const configOf = (task: string, seed: number, calibrationDivisor: number) => ({
  task,
  seed,
  calibrationDivisor,
  steps: stepsOf(task),
});
const labelOf = (task: string, seed: number, calibrationDivisor: number) =>
  `${task} seed ${seed} calibrationDivisor ${calibrationDivisor}`;

for (const name of flags.tasks) {
  const task = findTask(name)!;
  for (const seed of flags.seeds) {
    for (const calibrationDivisor of WARM_UPS) {
      const r = await runOne({
        task,
        seed,
        steps: stepsOf(name),
        mode: 'full',
        phase: 'experiment',
        backend,
        versions: {},
        opt: {
          optimizer: 'gen-adamw',
          kind: 'gen',
          base: 'adamw',
          label: `calibrationDivisor ${calibrationDivisor}`,
          config: { calibrationDivisor },
          build: () => new GeN(new AdamW(), { calibrationDivisor: calibrationDivisor }),
        },
      });
      const lr = r.curve.lr;
      log.append(labelOf(name, seed, calibrationDivisor), configOf(name, seed, calibrationDivisor), {
        [r.metric.name]: r.value,
        lrAt10_30_60_100pc: [0.1, 0.3, 0.6, 1].map((f) => lr[Math.min(lr.length - 1, Math.floor(f * (lr.length - 1)))]),
        wallSeconds: r.wallMs / 1000,
      });
      const m = log.latest(labelOf(name, seed, calibrationDivisor), configOf(name, seed, calibrationDivisor))!.metrics;
      console.log(
        `${name} seed ${seed} calibrationDivisor ${String(calibrationDivisor).padStart(2)}: ${task.metric.name} ${num(m[task.metric.name] as number).toPrecision(4)}; lr at 10/30/60/100% ${(m.lrAt10_30_60_100pc as number[]).map((x) => num(x).toExponential(1)).join(' ')} (${(m.wallSeconds as number).toFixed(0)} s)`,
      );
    }
  }
}

// Rows: task and metric; columns: W; cells: the test metric of each seed, read back from the results file.
const rows = flags.tasks.map((name) => {
  const metric = findTask(name)!.metric;
  const cell = (calibrationDivisor: number) =>
    flags.seeds
      .map((seed) => {
        const v = num(
          log.metric(
            labelOf(name, seed, calibrationDivisor),
            configOf(name, seed, calibrationDivisor),
            metric.name,
          ) as number,
        );
        return metric.format === 'percent' ? `${(100 * v).toFixed(2)}%` : v.toPrecision(3);
      })
      .join(' / ');
  return [`${name}, ${metric.name} (seed ${flags.seeds.join(' / ')})`, ...WARM_UPS.map(cell)];
});
console.log(`\n${markdownTable(['task', ...WARM_UPS.map((w) => `W = ${w}`)], rows)}`);
console.log(`(records: ${log.shownPath})`);
