import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { normalArray } from '../src/core/rng.js';

/** Tests of the tfjs layer run on the `cpu` backend: exact reference kernels, tiny tensors only. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** The `wasm` backend with this project's kernels, as `setupBackend` gives it (loaded only when used). */
export async function useWasm(): Promise<void> {
  const { setupBackend } = await import('../src/backend/index.js');
  await setupBackend({ backend: 'wasm' });
  assert.equal(tf.getBackend(), 'wasm');
}

/** |actual − expected| ≤ rel·max(|expected|, floor), with a message naming both. */
export function assertClose(actual: number, expected: number, rel: number, what = '', floor = 1e-30): void {
  const err = Math.abs(actual - expected);
  assert.ok(
    err <= rel * Math.max(Math.abs(expected), floor),
    `${what} ${actual} vs ${expected} (rel err ${err / Math.abs(expected)})`,
  );
}

/** Copies of the values of some tensors, as plain arrays. */
export function values(ts: tf.Tensor[]): Float32Array[] {
  return ts.map((t) => Float32Array.from(t.dataSync() as Float32Array));
}

/** Asserts two lists of arrays are bit-identical. */
export function assertBitIdentical(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.equal(a.length, b.length, `${what}: count`);
  a.forEach((x, i) => assert.deepEqual(Array.from(x), Array.from(b[i]), `${what}[${i}]`));
}

/** Standard-normal test data: the core's seeded generator (`normalArray`, Box–Muller over mulberry32). */
export function normals(n: number, seed: number): Float32Array {
  return normalArray(n, seed);
}
