// Non-finite numbers never reach the weights: the one guarded update (src/tfjs/params.ts) refuses a
// step whose result is NaN or ±∞, and GeN reports it as `nonfinite` and backs off.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../../src/index.js';
import { addScaled } from '../../src/tfjs/params.js';
import { useCpu } from '../helpers.js';

before(useCpu);

const finite = (v: tf.Tensor) => Array.from(v.dataSync()).every(Number.isFinite);
const name = () => `w_${Math.random()}`;

describe('the guarded update', () => {
  test('writes w + s·D when every entry is finite', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, name());
    const d = tf.tensor1d([0.5, -1]);
    assert.equal(addScaled([w], [d], 2), true);
    assert.deepEqual(Array.from(w.dataSync()), [2, 0]);
    tf.dispose([w, d]);
  });

  test('writes nothing when one entry would be NaN, and says so', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, name());
    const d = tf.tensor1d([0.5, NaN]);
    assert.equal(addScaled([w], [d], 1), false);
    assert.deepEqual(Array.from(w.dataSync()), [1, 2]);
    tf.dispose([w, d]);
  });

  test('writes nothing when an entry would overflow float32', () => {
    const w = tf.variable(tf.tensor1d([3e38, 1]), true, name());
    const d = tf.tensor1d([1, 1]);
    assert.equal(addScaled([w], [d], 1e38), false);
    assert.deepEqual(Array.from(w.dataSync()), [Math.fround(3e38), 1]);
    tf.dispose([w, d]);
  });

  test('leaves no tensor behind either way', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, name());
    const d = tf.tensor1d([1, NaN]);
    const n = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) addScaled([w], [d], i % 2 ? 1 : 0);
    assert.equal(tf.memory().numTensors, n);
    tf.dispose([w, d]);
  });
});

describe('GeN never writes a non-finite weight', () => {
  test('AdamW with epsilon 0 on a weight whose gradient is exactly 0 (0/0 in the direction)', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, name());
    const opt = new GeN(new AdamW({ epsilon: 0, weightDecay: 0 }));
    const reasons = new Set<string>();
    for (let i = 0; i < 10; i++) {
      opt.minimize(() => tf.sum(tf.square(tf.sub(tf.slice(w, 0, 1), 3))), false, [w]);
      reasons.add(opt.lastStep!.reason);
      assert.ok(finite(w), `step ${i}: ${Array.from(w.dataSync())}`);
    }
    assert.ok(reasons.has('nonfinite'), `the refused update is reported: ${[...reasons]}`);
    assert.equal(w.dataSync()[1], 2, 'the weight with no gradient is untouched');
    opt.dispose();
    w.dispose();
  });

  test('a linear loss, whose curvature is 0 and whose lr grows without bound, never reaches ∞', () => {
    const w = tf.variable(tf.tensor1d([1, -1, 0.5]), true, name());
    const n = tf.memory().numTensors;
    const opt = new GeN(new SGDW());
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      opt.minimize(() => tf.sum(w), false, [w]);
      if (opt.lastStep!.reason === 'nonfinite') refused++;
      assert.ok(finite(w), `step ${i}`);
    }
    assert.ok(refused > 0, 'the overflowing updates were refused, not written');
    opt.dispose();
    assert.equal(tf.memory().numTensors, n, 'no tensor left behind after dispose');
    w.dispose();
  });

  test('AdamW and SGDW on their own skip a non-finite update and count it', () => {
    const w = tf.variable(tf.tensor1d([3e38, 1]), true, name());
    const sgd = new SGDW({ lr: 10 });
    sgd.minimize(() => tf.mul(tf.sum(w), -1e38), false, [w]); // 3e38 + 10·1e38 overflows
    assert.equal(sgd.skippedSteps, 1);
    assert.deepEqual(Array.from(w.dataSync()), [Math.fround(3e38), 1]);
    const adam = new AdamW({ epsilon: 0, weightDecay: 0 });
    adam.minimize(() => tf.sum(tf.square(tf.slice(w, 0, 1))), false, [w]); // 0/0 for the second weight
    assert.equal(adam.skippedSteps, 1);
    assert.ok(finite(w));
    sgd.dispose();
    adam.dispose();
    w.dispose();
  });
});
