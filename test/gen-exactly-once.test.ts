import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN } from '../src/index.js';
import { assertBitIdentical, normals, useCpu } from './helpers.js';

before(useCpu);

/**
 * A loss linear in w, L = Σ cₜ·w, has the same gradient cₜ whatever w is, so GeN and a plain
 * optimizer fed cₜ through applyGradients see identical gradients although their weights differ.
 */
function gradientSequence(steps: number, n: number) {
  return Array.from({ length: steps }, (_, t) => tf.tensor1d(normals(n, 100 + t)));
}

async function momentsAfter(opt: tf.Optimizer): Promise<Float32Array[]> {
  const weights = await opt.getWeights();
  return weights.map((w) => Float32Array.from(w.tensor.dataSync() as Float32Array));
}

for (const [name, makeBase] of [
  ['tf.train.adam', () => tf.train.adam(0.01)],
  ['AdamW', () => new AdamW({ lr: 0.01 })],
] as const) {
  test(`N steps of GeN over ${name} leave the same moments and step count as N steps of ${name} fed the same gradients`, async () => {
    const n = 7,
      steps = 9;
    const cs = gradientSequence(steps, n);
    const wGen = tf.variable(tf.zeros([n]), true, `w_gen_${name}_${Math.random()}`);
    const wRef = tf.variable(tf.zeros([n]), true, `w_ref_${name}_${Math.random()}`);
    const base = makeBase();
    const gen = new GeN(base, { every: 2 });
    const ref = makeBase();
    for (let t = 0; t < steps; t++) {
      gen.minimize(() => tf.sum(tf.mul(cs[t], wGen)) as tf.Scalar, false, [wGen]);
      ref.applyGradients([{ name: wRef.name, tensor: cs[t] }]);
    }
    const [g, r] = [await momentsAfter(base), await momentsAfter(ref)];
    // getWeights: [iter, m, v]; the slot names differ only by variable name.
    assertBitIdentical(g, r, `${name} state`);
    tf.dispose([...cs, wGen, wRef]);
    gen.dispose();
    ref.dispose();
  });
}
