// SGDW's `biasCorrection`: the momentum direction divided by its start-up factor, so that a constant gradient
// gives the steady-state direction g/(1 − μ) from the first step (heavy-ball and Nesterov), and the step count
// that sets the factor survives a save and restore.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { SGDW, type SGDWOptions } from '../src/index.js';
import { assertClose, useCpu } from './helpers.js';

before(useCpu);

const G = [0.5, -2, 3];

/** The directions of `steps` steps under the constant gradient G, as plain numbers. */
function directions(opt: SGDW, steps: number): number[][] {
  const w = tf.variable(tf.tensor1d([1, 1, 1]));
  const g = tf.tensor1d(G);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const [d] = opt.computeDirection([w], [g]);
    out.push(Array.from(d.dataSync()));
    d.dispose();
  }
  w.dispose();
  g.dispose();
  return out;
}

function expectEvery(ds: number[][], expected: (t: number, k: number) => number, what: string) {
  ds.forEach((d, i) => d.forEach((v, k) => assertClose(v, expected(i + 1, k), 1e-6, `${what}, step ${i + 1}`)));
}

describe('SGDW biasCorrection', () => {
  const mu = 0.9;
  for (const nesterov of [false, true]) {
    const kind = nesterov ? 'Nesterov' : 'heavy-ball';
    test(`${kind}: a constant gradient gives −g/(1 − μ) from the first step`, () => {
      const opt = new SGDW({ momentum: mu, nesterov, biasCorrection: true });
      expectEvery(directions(opt, 6), (_t, k) => -G[k] / (1 - mu), kind);
      opt.dispose();
    });
    test(`${kind}: without it the direction grows geometrically to −g/(1 − μ)`, () => {
      const opt = new SGDW({ momentum: mu, nesterov });
      const growth = (t: number) => (1 - mu ** (nesterov ? t + 1 : t)) / (1 - mu);
      expectEvery(directions(opt, 6), (t, k) => -G[k] * growth(t), kind);
      opt.dispose();
    });
  }

  test('changes nothing without momentum, and weight decay is not divided', () => {
    const plain = new SGDW({ biasCorrection: true, weightDecay: 0.1 });
    expectEvery(directions(plain, 3), (_t, k) => -(G[k] + 0.1), 'momentum 0');
    plain.dispose();
    const decayed = new SGDW({ momentum: mu, biasCorrection: true, weightDecay: 0.1 });
    expectEvery(directions(decayed, 3), (_t, k) => -(G[k] / (1 - mu) + 0.1), 'momentum 0.9, decay 0.1');
    decayed.dispose();
  });

  test('a restored optimizer continues with the saved step count', async () => {
    const o: Partial<SGDWOptions> = { momentum: mu, biasCorrection: true };
    const first = new SGDW(o);
    directions(first, 2);
    const saved = await first.getWeights();
    const restored = new SGDW(o);
    await restored.setWeights(saved);
    const [dFirst] = directions(first, 1);
    const [dRestored] = directions(restored, 1);
    assert.deepEqual(dRestored, dFirst);
    tf.dispose(saved.map((s) => s.tensor));
    first.dispose();
    restored.dispose();
  });

  test('is validated as a boolean', () => {
    assert.throws(
      () => new SGDW({ biasCorrection: 1 as never }),
      /SGDW: option 'biasCorrection' must be true or false; got 1/,
    );
  });

  test('leaves no tensors behind', () => {
    const opt = new SGDW({ momentum: mu, biasCorrection: true });
    const w = tf.variable(tf.tensor1d([1, 1, 1]));
    const g = tf.tensor1d(G);
    tf.dispose(opt.computeDirection([w], [g]));
    const n = tf.memory().numTensors;
    for (let s = 0; s < 5; s++) tf.dispose(opt.computeDirection([w], [g]));
    assert.equal(tf.memory().numTensors, n);
    opt.dispose();
    tf.dispose([w, g]);
  });
});
