// GeN-AdamW with warmUp = 1, 3, 10 on the full benchmark budgets: the test metric and the lr at
// 10/30/60/100% of each run (docs/algorithm.md §6, "Warm-up").
//   scripts/install-data.sh && npx tsx experiments/warm-up.ts [tasks] [seeds]
// defaults: moby-char,movielens-mf,fashion-cnn,mnist-mlp and seed 0 (the doc's table adds seed 1
// for Moby Dick and Fashion-MNIST: `... experiments/warm-up.ts moby-char,fashion-cnn 1`).
import { runOne } from '../bench/runner.js';
import { findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN } from '../src/index.js';

const backend = (await setupBackend()).backend;
const tasks = (process.argv[2] ?? 'moby-char,movielens-mf,fashion-cnn,mnist-mlp').split(',');
const seeds = (process.argv[3] ?? '0').split(',').map(Number);
for (const name of tasks) {
  const task = findTask(name);
  if (!task) throw new Error(`unknown task '${name}'`);
  for (const seed of seeds) {
    for (const warmUp of [1, 3, 10]) {
      const r = runOne({
        task,
        seed,
        steps: task.steps.full,
        mode: 'full',
        phase: 'experiment',
        backend,
        versions: {},
        opt: {
          optimizer: 'gen-adamw',
          kind: 'gen',
          base: 'adamw',
          label: `warmUp ${warmUp}`,
          config: { warmUp },
          build: () => new GeN(new AdamW(), { calibrationDivisor: warmUp }),
        },
      });
      const lr = r.curve.lr;
      const at = [0.1, 0.3, 0.6, 1].map((f) =>
        lr[Math.min(lr.length - 1, Math.floor(f * (lr.length - 1)))].toExponential(1),
      );
      console.log(
        `${name} seed ${seed} warmUp ${String(warmUp).padStart(2)}: ${r.metric.name} ${r.value.toPrecision(4)}; lr at 10/30/60/100% ${at.join(' ')} (${(r.wallMs / 1000).toFixed(0)} s)`,
      );
    }
  }
}
