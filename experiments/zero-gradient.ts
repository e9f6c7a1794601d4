// Whether the gradient shows hidden units dying before the loss does (docs/algorithm.md, the pilots after §28): along
// GeN-SGD runs with calibrationDivisor W (the task's full budget as the horizon, no validation reports), the fraction
// of the gradient's coordinates that are exactly zero on a fixed probe batch at a few steps, the applied lr and, at
// the end, the test metric. A ReLU unit that is dead on every example of the batch zeroes its whole column of the
// kernel before it and its row of the one after; an embedding row of a token the batch lacks is zero too, so what
// matters is the change from step 0, not the level.
// Usage: npx tsx experiments/zero-gradient.ts [tasks] [divisors] [seeds]
//   defaults: brown-genre,fashion-cnn  1,3  0,1,2
import * as tf from '@tensorflow/tfjs-core';
import { findTask } from '../bench/tasks/index.js';
import type { TaskInstance } from '../bench/tasks/types.js';
import { setupBackend } from '../src/backend/index.js';
import { GeN, SGDW } from '../src/index.js';
import { stepOnTask } from './task-step.js';

const [tasksText = 'brown-genre,fashion-cnn', divisorsText = '1,3', seedsText = '0,1,2'] = process.argv.slice(2);
const tasks = tasksText.split(',').map((name) => {
  const task = findTask(name);
  if (!task) {
    process.stderr.write(`zero-gradient.ts: unknown task '${name}'\n`);
    process.exit(2);
  }
  return task;
});
const listOf = (text: string, what: string, ok: (x: number) => boolean) =>
  text.split(',').map((v) => {
    const x = Number(v);
    if (!ok(x)) {
      process.stderr.write(`zero-gradient.ts: ${what} must be comma-separated; got '${text}'\n`);
      process.exit(2);
    }
    return x;
  });
const divisors = listOf(divisorsText, 'divisors (numbers >= 1)', (x) => Number.isFinite(x) && x >= 1);
const seeds = listOf(seedsText, 'seeds (whole numbers >= 0)', (x) => Number.isInteger(x) && x >= 0);
await setupBackend();

// The probe batch lies outside the training order's first steps, so every run and step is measured on the same data.
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
