// Helpers shared by the tasks: seeded parameters, batch order, chunked evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { permutation, uniformArray } from '../rng.js';

/**
 * A trainable variable holding `init()`. A variable shares its initial tensor's buffer, so that
 * tensor must be disposed or the buffer outlives the variable: `tidy` disposes it and keeps the
 * variable (tidy never disposes variables).
 */
export function variableOf(init: () => tf.Tensor, name?: string): tf.Variable {
  return tf.tidy(() => tf.variable(init(), true, name));
}

/** A Glorot-uniform variable with a seeded generator (biases: zeros). */
export function glorot(shape: number[], seed: number, name?: string): tf.Variable {
  const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : shape[0];
  const fanOut = shape[shape.length - 1];
  const n = shape.reduce((a, b) => a * b, 1);
  return variableOf(() => tf.tensor(uniformArray(n, seed, Math.sqrt(6 / (fanIn + fanOut))), shape), name);
}

export function zeros(shape: number[], name?: string): tf.Variable {
  return variableOf(() => tf.zeros(shape), name);
}

/**
 * Row indices (into 0..n-1) of validation batch `step`, for the validation-probe variants: {@link batchOrder} with a
 * seed of its own, so the validation order is not the training order's.
 */
export function validationOrder(n: number, batch: number, seed: number): (step: number) => Int32Array {
  return batchOrder(n, batch, seed + VALIDATION_SEED);
}

/** Offset of a run's validation-batch seeds from its training-batch seeds (the validation-probe variants). */
export const VALIDATION_SEED = 500_009;

/** Row indices (into 0..n-1) of training batch `step`: a fresh seeded permutation per epoch. */
export function batchOrder(n: number, batch: number, seed: number): (step: number) => Int32Array {
  const perms = new Map<number, Int32Array>();
  const perm = (epoch: number) => {
    let p = perms.get(epoch);
    if (!p) {
      p = permutation(n, seed * 7919 + epoch * 104729 + 17);
      perms.set(epoch, p);
      perms.delete(epoch - 2);
    }
    return p;
  };
  const perEpoch = Math.max(1, Math.floor(n / batch));
  const size = Math.min(batch, n);
  return (step) => {
    const epoch = Math.floor(step / perEpoch);
    const start = (step % perEpoch) * size;
    return perm(epoch).slice(start, start + size);
  };
}

/** Rows `idx` of a row-major array of rows of `length` entries, in that order. */
export function gatherRows<T extends Int32Array | Float32Array>(rows: T, length: number, idx: ArrayLike<number>): T {
  const out = new (rows.constructor as new (n: number) => T)(idx.length * length);
  for (let r = 0; r < idx.length; r++) out.set(rows.subarray(idx[r] * length, (idx[r] + 1) * length), r * length);
  return out;
}

/** Sums `f(start, end)` over chunks of n rows (to bound memory), returning per-key means weighted by rows. */
export function chunked(
  n: number,
  chunk: number,
  f: (start: number, end: number) => Record<string, number>,
): Record<string, number> {
  const sums: Record<string, number> = {};
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    for (const [k, v] of Object.entries(f(s, e))) sums[k] = (sums[k] ?? 0) + v * (e - s);
  }
  for (const k of Object.keys(sums)) sums[k] /= n;
  return sums;
}

/** Cross-entropy and accuracy of logits against integer labels, as JS numbers. */
export function classify(logits: tf.Tensor2D, labels: Int32Array, classes: number): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const y = tf.tensor1d(labels, 'int32');
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits);
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
    return { loss: loss.dataSync()[0], accuracy: acc.dataSync()[0] };
  });
}
