// Whether the gradient shows hidden units dying before the loss does (docs/algorithm.md, the pilots after §28): along
// GeN-SGD runs with calibrationDivisor W (the task's full budget as the horizon, no validation reports), the fraction
// of the gradient's coordinates that are exactly zero on a fixed probe batch at a few steps, the applied lr and, at
// the end, the test metric. A ReLU unit that is dead on every example of the batch zeroes its whole column of the
// kernel before it and its row of the one after; an embedding row of a token the batch lacks is zero too, so what
// matters is the change from step 0, not the level.
//   npx tsx experiments/zero-gradient.ts [--tasks brown-genre,fashion-cnn] [--divisors 1,3] [--seeds 0,1,2]
import * as tf from '@tensorflow/tfjs-core';
import { TASKS, findTask } from '../bench/tasks/index.js';
import type { TaskInstance } from '../bench/tasks/types.js';
import { setupBackend } from '../src/backend/index.js';
import { GeN, SGDW } from '../src/index.js';
import { experimentFlags } from './args.js';
import { stepOnTask } from './task-step.js';

const flags = experimentFlags('experiments/zero-gradient.ts', {
  tasks: { default: 'brown-genre,fashion-cnn', help: 'benchmark tasks', kind: { oneOf: TASKS.map((t) => t.name) } },
  divisors: { default: '1,3', help: 'calibration divisors W', kind: 'numbers' },
  seeds: { default: '0,1,2', help: 'run seeds', kind: 'numbers' },
});
const tasks = flags.tasks.map((name) => findTask(name)!);
const { divisors, seeds } = flags;
await setupBackend();

// One fixed batch index for every checkpoint of every run, so the fractions compare the same data.
const PROBE_BATCH = 10_000;
const CHECKPOINTS = [0, 2, 5, 10, 20, 50, 100, 200];

/** Fraction of all trainable coordinates whose gradient on the probe batch is exactly zero. */
function zeroFraction(model: TaskInstance): number {
  const batch = model.batch(PROBE_BATCH);
  try {
    const { value, grads } = tf.variableGrads(() => batch.loss(), model.vars);
    const [zeros, total] = tf.tidy(() => {
      const gs = Object.values(grads);
      const z = gs.map((g) => tf.sum(tf.cast(tf.equal(g, 0), 'float32')).dataSync()[0]);
      return [z.reduce((p, q) => p + q, 0), gs.reduce((p, g) => p + g.size, 0)];
    });
    value.dispose();
    tf.dispose(grads);
    return zeros / total;
  } finally {
    batch.dispose();
  }
}

for (const task of tasks) {
  for (const calibrationDivisor of divisors) {
    for (const seed of seeds) {
      const model = task.create(seed);
      const steps = task.steps.full;
      const opt = new GeN(new SGDW({ momentum: 0.9 }), { horizon: { steps }, calibrationDivisor });
      const cells: string[] = [];
      for (let s = 0; s <= steps; s++) {
        if (CHECKPOINTS.includes(s)) {
          const lr = opt.lastStep?.appliedLr ?? NaN;
          cells.push(`${s}: ${(100 * zeroFraction(model)).toFixed(1)}% (lr ${lr.toPrecision(2)})`);
        }
        if (s < steps) stepOnTask(opt, model, s);
      }
      const test = model.evaluate('test')[task.metric.name];
      const shown = task.metric.format === 'percent' ? `${(100 * test).toFixed(2)}%` : test.toPrecision(4);
      console.log(`${task.name} W ${calibrationDivisor} seed ${seed} | ${cells.join(' | ')} | test ${shown}`);
      opt.dispose();
      model.dispose();
    }
  }
}
