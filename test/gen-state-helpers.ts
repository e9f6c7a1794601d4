// What the GeN state tests share: a run restored from another's getWeights, and a load of a state entry whose
// numbers a test edited.
import assert from 'node:assert/strict';
import type * as tf from '@tensorflow/tfjs-core';
import type { GeN } from '../src/index.js';
import { decodeFloat64, encodeFloat64 } from '../src/tfjs/state-codec.js';
import { assertBitIdentical, values } from './helpers.js';
import { mixedShapes, type ProblemInstance } from './problems.js';

/** A fresh GeN from `make` restored from `opt`'s getWeights, on a fresh mixed-shapes problem at `p`'s weights. */
export async function restoredRun(
  opt: GeN,
  p: ProblemInstance,
  make: () => GeN,
): Promise<{ opt: GeN; p: ProblemInstance }> {
  const saved = await opt.getWeights();
  const copy = make();
  const q = mixedShapes().make();
  q.vars.forEach((v, i) => v.assign(p.vars[i]));
  await copy.setWeights(saved);
  return { opt: copy, p: q };
}

/**
 * Loads `opt`'s weights into a fresh optimizer from `make`, with the numbers of its `gen/state` entry replaced by
 * `edit`'s; resolves to 'accepted' or the error's message. The fresh optimizer is disposed either way.
 */
export async function loadEditedState(
  opt: tf.Optimizer,
  make: () => tf.Optimizer,
  edit: (numbers: number[]) => number[],
): Promise<string> {
  const original = await opt.getWeights();
  const state = original.findIndex((w) => w.name.startsWith('gen/state'));
  const edited = encodeFloat64(edit(decodeFloat64(original[state].tensor)));
  const fresh = make();
  try {
    await fresh.setWeights(original.map((w, i) => (i === state ? { name: w.name, tensor: edited } : w)));
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  } finally {
    edited.dispose();
    fresh.dispose();
  }
}

/** Steps both runs `steps` times and asserts that every step's diagnostics are the same. */
export function assertSameSteps(a: GeN, pa: ProblemInstance, b: GeN, pb: ProblemInstance, steps: number): void {
  for (let s = 0; s < steps; s++) {
    a.minimize(pa.loss);
    b.minimize(pb.loss);
    assert.deepEqual(b.lastStep, a.lastStep, `step ${s} after the restore`);
  }
}

/**
 * Restores `a` into a fresh GeN from `make` ({@link restoredRun}), asserts that both hold the same controller state,
 * runs `check` on the two, steps both `steps` times with the same diagnostics ({@link assertSameSteps}) and asserts
 * bit-identical weights; disposes both optimizers and both problems.
 */
export async function assertRestoredRunContinues(
  a: GeN,
  pa: ProblemInstance,
  make: () => GeN,
  steps: number,
  check: (restored: GeN) => void = () => {},
): Promise<void> {
  const { opt: b, p: pb } = await restoredRun(a, pa, make);
  try {
    assert.deepEqual(b.controllerState, a.controllerState);
    check(b);
    assertSameSteps(a, pa, b, pb, steps);
    assertBitIdentical(values(pb.vars), values(pa.vars), 'weights');
  } finally {
    [a, b].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  }
}
