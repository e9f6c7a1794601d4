// One optimizer step on a benchmark task's batch `step`, in a custom loop: the experiments' shared loop body.
import * as tf from '@tensorflow/tfjs-core';
import type { TaskInstance } from '../bench/tasks/types.js';

/** Steps `opt` on `model.batch(step)` and returns the loss before the step; every tensor is disposed. */
export function stepOnTask(opt: tf.Optimizer, model: TaskInstance, step: number): number {
  const batch = model.batch(step);
  try {
    const lossT = tf.tidy(() => opt.minimize(() => batch.loss(), true, model.vars) as tf.Scalar);
    const loss = lossT.dataSync()[0];
    lossT.dispose();
    return loss;
  } finally {
    batch.dispose();
  }
}
