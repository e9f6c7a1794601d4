import type { NamedTensor } from '../tfjs/types.js';
import * as tf from '@tensorflow/tfjs-core';
import type { Slot } from '../tfjs/slots.js';
import { readStateEntry as readCodecEntry, stateEntry as codecEntry } from '../tfjs/state-codec.js';

/**
 * Helpers shared by the learning-rate-free peers: host-side scalar state that survives
 * getWeights/setWeights bit-exactly, slots that start as a copy of the weights (x₀, z), and
 * one readback for all the scalar reductions of a step.
 */

/** The i-th slot of `slot`, created on first use as a copy of `w` (x₀ in Prodigy, DoG; z in Schedule-Free). */
export function copySlot(slot: Slot, i: number, w: tf.Variable): tf.Variable {
  const before = slot.named().length;
  const s = slot.get(i, w);
  // A fresh slot is filled with zeros; share w's current buffer instead (assign does not copy).
  if (slot.named().length > before) s.assign(w);
  return s;
}

/**
 * Builds scalar tensors inside a tidy and reads them back in one transfer, as float64 numbers.
 * The caller sums them on the host, as the reference implementations do with `.item()`.
 */
export function readScalars(build: () => tf.Scalar[]): number[] {
  const stacked = tf.tidy(() => {
    const parts = build();
    return parts.length > 0 ? tf.stack(parts) : tf.zeros([0]);
  });
  const out = Array.from(stacked.dataSync() as Float32Array);
  stacked.dispose();
  return out;
}

/** The named tensor that carries a peer's host-side float64 state (`<owner>/state`, versioned by the codec). */
export function stateEntry(owner: string, values: readonly number[]): NamedTensor {
  return codecEntry(`${owner}/state`, values);
}

/**
 * The host-side state written by {@link stateEntry}.
 * @throws {Error} the weights do not come from this optimizer's getWeights().
 */
export function readStateEntry(owner: string, weights: NamedTensor[], minLength: number): number[] {
  return readCodecEntry(owner, weights, `${owner}/state`, minLength);
}

/** The slot weights with this suffix (names `<variable>/<suffix>`), in their saved order. */
export function slotEntries(weights: NamedTensor[], suffix: string): NamedTensor[] {
  return weights.filter((w) => w.name.endsWith(`/${suffix}`));
}
