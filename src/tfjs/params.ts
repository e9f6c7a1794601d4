import * as tf from '@tensorflow/tfjs-core';
import { plusScaled, plusScaledChecked } from './fused-ops.js';

/**
 * Every write of trainable weights in the library goes through this module: snapshots that cost
 * no copy, bit-exact restores, and the one guarded update w ← w + s·D.
 */

/**
 * Zero-copy references to the variables' current values. `Variable.assign` swaps the buffer a
 * variable points to and never mutates one, so these stay valid (and bit-exact) across later
 * assignments. The caller disposes them, or hands them to {@link restore}.
 */
export function snapshot(variables: readonly tf.Variable[]): tf.Tensor[] {
  return variables.map((v) => tf.keep(tf.reshape(v, v.shape)));
}

/** Puts a {@link snapshot} back, bit-exactly, and disposes it. */
export function restore(variables: readonly tf.Variable[], saved: tf.Tensor[]): void {
  variables.forEach((v, i) => v.assign(saved[i]));
  tf.dispose(saved);
}

/** Sets every variable to origin + x·D (to the origin itself, bit-exactly, when x is 0). */
export function assignAlong(
  variables: readonly tf.Variable[],
  origin: readonly tf.Tensor[],
  directions: readonly tf.Tensor[],
  x: number,
): void {
  tf.tidy(() => variables.forEach((v, i) => v.assign(x === 0 ? origin[i] : plusScaled(origin[i], directions[i], x))));
}

/**
 * One readback that tells whether every entry of every tensor is finite: Σ sum(t) is NaN or ±∞ as
 * soon as one entry is. It is also ±∞ when finite entries are so large that their float32 sum
 * overflows (|Σ| > 3.4e38), which counts as not finite: weights that large are a dead run already.
 * One reduction per tensor, not two (`sum(0·t)` would be exact but costs twice: ~0.5 ms against
 * ~0.25 ms per step on the benchmark's MNIST MLP).
 */
export function allFinite(tensors: readonly tf.Tensor[]): boolean {
  if (tensors.length === 0) return true;
  const check = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(t))));
  const value = check.dataSync()[0];
  check.dispose();
  return Number.isFinite(value);
}

/** Whether every check of {@link plusScaledChecked} is 0 (none NaN): one readback. */
function checkedFinite(checks: readonly tf.Scalar[]): boolean {
  const sum = tf.addN(checks as tf.Scalar[]);
  const value = sum.dataSync()[0];
  sum.dispose();
  return Number.isFinite(value);
}

/**
 * The guarded update w ← w + s·D. The new values are computed first; if any of them is NaN or
 * ±∞ (a NaN direction, or an overflow of float32), nothing is written and false is returned, so
 * that non-finite numbers never reach the weights. Where the backend fuses t + s·D
 * ({@link plusScaledChecked}) the test comes from the same pass and is exact; elsewhere it is
 * {@link allFinite}'s, which also refuses finite weights whose float32 sum overflows.
 */
export function addScaled(variables: readonly tf.Variable[], directions: readonly tf.Tensor[], s: number): boolean {
  const { next, checks } = tf.tidy(() => {
    const computed = variables.map((v, i) => plusScaledChecked(v, directions[i], s));
    return { next: computed.map(([y]) => y), checks: computed.flatMap(([, check]) => (check === null ? [] : [check])) };
  });
  const exact = checks.length > 0 && checks.length === next.length;
  const finite = Number.isFinite(s) && (exact ? checkedFinite(checks) : allFinite(next));
  tf.dispose(checks);
  if (finite) variables.forEach((v, i) => v.assign(next[i]));
  tf.dispose(next);
  return finite;
}

/**
 * t + λ·w, or t itself when λ is 0: coupled weight decay on a gradient (g + λw, the L2 penalty's
 * gradient), and decoupled decay added to an update direction (u + λw) alike.
 */
export function plusDecay(t: tf.Tensor, w: tf.Tensor, lambda: number): tf.Tensor {
  return lambda > 0 ? tf.add(t, tf.mul(w, lambda)) : t;
}
