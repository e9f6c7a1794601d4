import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from './types.js';

/**
 * The one codec for an optimizer's host-side state (step counts, learning rates, running sums:
 * float64 numbers), shared by GeN and the peers. tfjs has no float64 dtype and a float32 learning
 * rate would change the continuation of a restored run, so the numbers travel as int32 words, two
 * per number, in a named tensor `<name>/v<version>`.
 *
 * Version 2 (gen-optim 0.2) has the layout of version 1 (0.1, unversioned name `<name>`), so both
 * are read; a later layout change bumps {@link STATE_VERSION} and migrates here.
 */
export const STATE_VERSION = 2;

/** float64 numbers as an int32 tensor (two words per number), bit-exact. */
export function encodeFloat64(values: readonly number[]): tf.Tensor1D {
  const f64 = Float64Array.from(values);
  return tf.tensor1d(new Int32Array(f64.buffer), 'int32');
}

/** Inverse of {@link encodeFloat64}. */
export function decodeFloat64(t: tf.Tensor): number[] {
  if (t.dtype !== 'int32' || t.rank !== 1 || t.size % 2 !== 0) {
    throw new Error(`expected an int32 vector of an even length, got a ${t.dtype} tensor of shape [${t.shape}]`);
  }
  const words = Int32Array.from(t.dataSync() as Int32Array);
  return Array.from(new Float64Array(words.buffer));
}

/** The named tensor carrying host-side state under `name` (e.g. `gen/state`, `SLS/state`). */
export function stateEntry(name: string, values: readonly number[]): NamedTensor {
  return { name: `${name}/v${STATE_VERSION}`, tensor: encodeFloat64(values) };
}

/**
 * Reads the state written by {@link stateEntry} (or by gen-optim 0.1) from a weight list.
 * @throws {Error} naming what is missing or wrong: no such entry, an undecodable tensor, or fewer
 *   than `minLength` numbers.
 */
export function readStateEntry(
  owner: string,
  weights: readonly NamedTensor[],
  name: string,
  minLength: number,
): number[] {
  const entry = weights.find((w) => w.name === `${name}/v${STATE_VERSION}`) ?? weights.find((w) => w.name === name);
  const expected = `the weights of ${owner}.getWeights() (an entry '${name}/v${STATE_VERSION}' with ${minLength} numbers)`;
  if (entry == null) {
    const got = weights.length === 0 ? 'an empty list' : `entries ${weights.map((w) => `'${w.name}'`).join(', ')}`;
    throw new Error(`${owner}.setWeights: expected ${expected}; got ${got}.`);
  }
  let values: number[];
  try {
    values = decodeFloat64(entry.tensor);
  } catch (e) {
    throw new Error(`${owner}.setWeights: expected ${expected}; '${entry.name}' is ${(e as Error).message}.`);
  }
  if (values.length < minLength) {
    throw new Error(`${owner}.setWeights: expected ${expected}; '${entry.name}' holds ${values.length}.`);
  }
  return values;
}
