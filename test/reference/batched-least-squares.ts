/**
 * The mini-batch problem of the GeN-vs-reference test: noisy linear least squares over fixed
 * batches that cycle, L_B(w, c) = mean_{i∈B} (xᵢ·w + c − yᵢ)², with a vector w and a scalar c.
 * The data are float32 numbers, used as they are by both sides: tfjs computes in float32, the
 * reference in float64 from the same values.
 *
 * The noise (σ = 0.5) keeps every batch's loss far above float32's resolution, and the batches'
 * minimisers differ, so the probe losses never shrink to rounding level within the run: the
 * comparison measures GeN's rules, not the precision floor of float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { normals } from '../helpers.js';
import type { ReferenceObjective } from './gen-reference.js';

export const FEATURES = 4;
export const BATCH_SIZE = 8;
export const BATCHES = 4;
const NOISE = 0.5;
const W_TRUE = [1, -2, 0.5, 3];
const C_TRUE = 0.7;
/** Initial w ~ N(0, 3²): far enough from the minimiser that GeN calibrates over several steps. */
const INIT_SCALE = 3;

/** The float32 data, one batch after another, and the initial weights [w, c]. */
export function batchedLeastSquaresData(seed: number): { x: Float32Array; y: Float32Array; init: Float32Array[] } {
  const n = BATCHES * BATCH_SIZE;
  const x = normals(n * FEATURES, seed);
  const noise = normals(n, seed + 1);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = C_TRUE + NOISE * noise[i];
    for (let j = 0; j < FEATURES; j++) s += x[i * FEATURES + j] * W_TRUE[j];
    y[i] = s;
  }
  return { x, y, init: [normals(FEATURES, seed + 2).map((v) => v * INIT_SCALE), Float32Array.of(0)] };
}

/** The float64 objective of batch k: loss and gradient from the same float32 data. */
export function referenceBatch(data: { x: Float32Array; y: Float32Array }, k: number): ReferenceObjective {
  const rows = Array.from({ length: BATCH_SIZE }, (_, r) => k * BATCH_SIZE + r);
  const residuals = (w: readonly Float64Array[]) =>
    rows.map((i) => {
      let s = w[1][0] - data.y[i];
      for (let j = 0; j < FEATURES; j++) s += data.x[i * FEATURES + j] * w[0][j];
      return s;
    });
  return {
    loss: (w) => residuals(w).reduce((s, r) => s + r * r, 0) / BATCH_SIZE,
    gradient: (w) => {
      const r = residuals(w);
      const gw = new Float64Array(FEATURES);
      let gc = 0;
      rows.forEach((i, n) => {
        for (let j = 0; j < FEATURES; j++) gw[j] += (2 / BATCH_SIZE) * r[n] * data.x[i * FEATURES + j];
        gc += (2 / BATCH_SIZE) * r[n];
      });
      return [gw, Float64Array.of(gc)];
    },
  };
}

/** The same problem in tfjs: variables [w, c] and the loss closure of each batch. */
export function tfjsBatchedLeastSquares(data: { x: Float32Array; y: Float32Array; init: Float32Array[] }) {
  const xs = Array.from({ length: BATCHES }, (_, k) =>
    tf.tensor2d(data.x.subarray(k * BATCH_SIZE * FEATURES, (k + 1) * BATCH_SIZE * FEATURES), [BATCH_SIZE, FEATURES]),
  );
  const ys = Array.from({ length: BATCHES }, (_, k) =>
    tf.tensor1d(data.y.subarray(k * BATCH_SIZE, (k + 1) * BATCH_SIZE)),
  );
  const w = tf.variable(tf.tensor1d(data.init[0]), true, `lsq_w_${Math.random()}`);
  const c = tf.variable(tf.scalar(data.init[1][0]), true, `lsq_c_${Math.random()}`);
  const loss = (k: number) => () =>
    tf.tidy(
      () =>
        tf.mean(
          tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(xs[k], tf.reshape(w, [FEATURES, 1])), [1]), c), ys[k])),
        ) as tf.Scalar,
    );
  return { vars: [w, c], loss, dispose: () => tf.dispose([...xs, ...ys, w, c]) };
}
