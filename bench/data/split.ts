// Seeded train/validation/test splits and standardisation of feature matrices.
import { permutation } from '../rng.js';

/** Index sets of a split. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/**
 * Splits 0..n-1 into train/validation/test by a seeded permutation. `val` and `test` are
 * fractions of n (rounded); the rest is train.
 * @throws {RangeError} fractions outside [0, 1) or summing to 1 or more.
 */
export function seededSplit(n: number, seed: number, val: number, test: number): Split {
  if (!(val >= 0 && test >= 0 && val + test < 1))
    throw new RangeError(`seededSplit: val (${val}) and test (${test}) must be >= 0 with val + test < 1`);
  const p = permutation(n, seed);
  const nVal = Math.round(n * val);
  const nTest = Math.round(n * test);
  return { test: p.slice(0, nTest), val: p.slice(nTest, nTest + nVal), train: p.slice(nTest + nVal) };
}

/** Rows `idx` of a row-major matrix with `d` columns. */
export function takeRows(x: Float32Array, d: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i] * d, idx[i] * d + d), i * d);
  return out;
}

/** Entries `idx` of a vector. */
export function takeEntries<T extends Float32Array | Int32Array>(y: T, idx: ArrayLike<number>): T {
  const out = new (y.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}

/** Column means and standard deviations of the rows `idx` (for standardising with train statistics). */
export function columnStats(
  x: Float32Array,
  d: number,
  idx: ArrayLike<number>,
): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < d; j++) mean[j] += x[idx[i] * d + j];
  for (let j = 0; j < d; j++) mean[j] /= idx.length;
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < d; j++) sd[j] += (x[idx[i] * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / idx.length) || 1;
  return { mean, sd };
}

/** Standardises a row-major matrix in place with the given statistics. */
export function standardise(x: Float32Array, d: number, s: { mean: Float64Array; sd: Float64Array }): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - s.mean[i % d]) / s.sd[i % d];
  return x;
}
