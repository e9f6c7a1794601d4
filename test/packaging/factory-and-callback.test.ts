import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, gen, GeN, reasonKey, SGDW, STEP_REASONS, StepLogger, type StepInfo } from '../../src/index.js';
import { normals, useCpu } from '../helpers.js';

before(useCpu);

describe('gen: a tf.train-style factory', () => {
  test('gen.adamw(base, options) is GeN over AdamW with those options', () => {
    const opt = gen.adamw({ weightDecay: 0.05, decayMask: 'matrices' }, { every: 2 });
    assert.ok(opt instanceof GeN);
    assert.ok(opt.base instanceof AdamW);
    assert.equal((opt.base as AdamW).options.weightDecay, 0.05);
    assert.equal((opt.base as AdamW).options.decayMask, 'matrices');
    assert.equal(opt.options.every, 2);
    opt.dispose();
  });

  test('gen.sgd() steps bit-identically to new GeN(new SGDW())', () => {
    const run = (opt: GeN) => {
      const w = tf.variable(tf.tensor1d([1, -2, 3]));
      const target = tf.tensor1d([0.5, 0.5, 0.5]);
      for (let i = 0; i < 6; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
      const out = Array.from(w.dataSync());
      tf.dispose([w, target]);
      opt.dispose();
      return out;
    };
    assert.deepEqual(run(gen.sgd({ momentum: 0.9 })), run(new GeN(new SGDW({ momentum: 0.9 }))));
  });

  test('gen.wrap takes any tf.Optimizer and refuses what GeN refuses', () => {
    const opt = gen.wrap(tf.train.adam());
    assert.ok(opt instanceof GeN);
    opt.dispose();
    assert.throws(() => gen.wrap(gen.sgd()), TypeError);
  });
});

const N = 16;
function fitData() {
  const x = tf.tensor2d(normals(N * 3, 5), [N, 3]);
  const y = tf.tidy(() => tf.matMul(x, tf.tensor2d([1, -2, 0.5], [3, 1])));
  return { x, y };
}
function model(optimizer: tf.Optimizer) {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

describe('StepLogger: GeN step sizes and reasons in model.fit history', () => {
  test("history.history.lr holds the lr applied at each epoch's last step; reason counts are that epoch's", async () => {
    const steps: StepInfo[] = [];
    const opt = new GeN(new SGDW(), { onStep: (s) => steps.push(s) });
    const m = model(opt);
    const { x, y } = fitData();
    // 16 rows in batches of 8: two steps per epoch.
    const history = await m.fit(x, y, {
      epochs: 4,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
      callbacks: [new StepLogger()],
    });
    assert.equal(steps.length, 8);
    assert.deepEqual(
      history.history.lr,
      [1, 3, 5, 7].map((i) => steps[i].appliedLr),
    );
    for (const reason of STEP_REASONS) {
      const perEpoch = [0, 1, 2, 3].map((e) => steps.slice(2 * e, 2 * e + 2).filter((s) => s.reason === reason).length);
      assert.deepEqual(history.history[reasonKey(reason)], perEpoch, reason);
    }
    assert.deepEqual(
      [0, 1, 2, 3].map((e) => STEP_REASONS.reduce((n, r) => n + (history.history[reasonKey(r)][e] as number), 0)),
      [2, 2, 2, 2],
    );
    m.dispose();
    opt.dispose();
    tf.dispose([x, y]);
  });

  test('for other optimizers lr is appliedStepSize (this library) or learningRate (tfjs), with no reason keys', async () => {
    for (const [opt, lr] of [
      [new SGDW({ lr: 0.05 }), 0.05],
      [tf.train.sgd(0.02), 0.02],
    ] as const) {
      const m = model(opt);
      const { x, y } = fitData();
      const history = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new StepLogger()] });
      assert.deepEqual(history.history.lr, [lr, lr]);
      assert.equal(reasonKey('ok') in history.history, false);
      m.dispose();
      opt.dispose();
      tf.dispose([x, y]);
    }
  });

  test('fitting with the logger leaks no tensors', async () => {
    const opt = gen.adamw();
    const m = model(opt);
    const { x, y } = fitData();
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [new StepLogger()] });
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new StepLogger()] });
    assert.equal(tf.memory().numTensors, before);
    m.dispose();
    opt.dispose();
    tf.dispose([x, y]);
  });
});
