// Which benchmark runs `calibrationRefits` changes (docs/algorithm.md §12): every GeN configuration of the suite
// (defaults and anytime mode, seeds 0–2; the initial-lr runs, seed 0) is stepped through its calibration on the run's
// own batches, under the options of the commit it runs on, and the script prints the extra fits each calibration step
// took. A run whose calibration took none makes exactly the steps it makes with `calibrationRefits: 0`, since extra
// fits happen only while calibrating; the others are the runs the option can change. Custom-loop tasks step as the
// runner does (`batch(step)`, `minimize`); `model.fit` tasks are fitted on their first MAX_STEPS batches, so GeN learns
// that run length: the applied lr is then the same as in the full run for the first 80% of those steps (the cooldown
// horizon), and a calibration longer than that is printed "uncertain" and counted as changed.
// Usage: npx tsx experiments/refit-check.ts [--tasks a,b] > refit-check.md
import * as tf from '@tensorflow/tfjs-core';
import type { TaskInstance } from '../bench/tasks/types.js';
import { setupBackend } from '../src/backend/index.js';
import { GeN } from '../src/index.js';
import { fitSteps } from '../bench/runner.js';
import { experimentFlags } from './args.js';
import { suiteGenRuns } from './gen-runs.js';
import { stepOnTask } from './task-step.js';

/** Calibration lasts at most 25 steps (MAX_CALIBRATION_STEPS). */
const MAX_STEPS = 25;

const flags = experimentFlags('experiments/refit-check.ts', {
  tasks: { default: '', help: 'tasks (default: every task of the suite)', kind: 'strings' },
});
await setupBackend();

/** The calibration steps of one run: extra fits and applied lr per step. */
async function calibration(
  model: TaskInstance,
  opt: GeN,
  batchSize: number,
): Promise<{ fits: number[]; lrs: number[] }> {
  const fits: number[] = [];
  const lrs: number[] = [];
  const record = () => {
    const s = opt.lastStep!;
    if (s.calibrating) {
      fits.push(s.calibrationRefits);
      lrs.push(s.appliedLr);
    }
    return opt.controllerState.calibrating;
  };
  if (model.layers) {
    await fitSteps(model.layers, opt, MAX_STEPS, batchSize, () => {}, record);
  } else {
    for (let step = 0; step < MAX_STEPS; step++) {
      stepOnTask(opt, model, step);
      if (!record()) break;
    }
  }
  return { fits, lrs };
}

const noNextBatch = (): tf.Scalar => {
  throw new Error('refit-check: no configuration here probes the next batch');
};

console.log(
  '| task | optimizer | config | seed | calibration steps | extra fits per step | applied lr per step | changed? |',
);
console.log('|---|---|---|---|---:|---|---|---|');
for (const { task, cfg, seed } of suiteGenRuns(flags.tasks)) {
  const model = task.create(seed);
  const opt = cfg.build({
    totalSteps: task.steps.full,
    fit: model.layers !== undefined,
    nextBatchLoss: noNextBatch,
  });
  if (!(opt instanceof GeN)) throw new Error(`${cfg.optimizer} is not GeN`);
  const { fits, lrs } = await calibration(model, opt, task.batchSize);
  const uncertain = model.layers !== undefined && fits.length > 0.8 * MAX_STEPS;
  const changed = fits.some((k) => k > 0) || uncertain;
  console.log(
    `| ${task.name} | ${cfg.optimizer} | ${JSON.stringify(cfg.config)} | ${seed} | ${fits.length} | ${fits.join(' ')} | ${lrs.map((v) => v.toPrecision(2)).join(' ')} | ${uncertain ? '**uncertain**' : changed ? '**changed**' : 'same'} |`,
  );
  opt.dispose();
  model.dispose();
}
