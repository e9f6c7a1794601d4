import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  DAdaptAdam,
  DAdaptSGD,
  DoG,
  LDoG,
  Prodigy,
  ScheduleFreeAdamW,
  SLS,
  registerPeerOptimizers,
} from '../../src/peers/index.js';
import { useCpu } from '../helpers.js';

before(useCpu);
registerPeerOptimizers();

const makers: [string, () => tf.Optimizer][] = [
  ['Prodigy', () => new Prodigy({ dCoef: 0.5, beta3: 0.99 })],
  ['DAdaptAdam', () => new DAdaptAdam({ growthRate: 1.02 })],
  ['DAdaptSGD', () => new DAdaptSGD({ momentum: 0.5 })],
  ['DoG', () => new DoG({ repsRel: 1e-4 })],
  ['LDoG', () => new LDoG({ averageGamma: 4 })],
  ['ScheduleFreeAdamW', () => new ScheduleFreeAdamW({ warmupSteps: 10 })],
  ['SLS', () => new SLS({ nBatchesPerEpoch: 100 })],
];

describe('the peers’ configs', () => {
  for (const [name, make] of makers) {
    test(`${name} rebuilds an equal optimizer from its config after a JSON round trip (as model.save writes it)`, () => {
      const opt = make();
      const json = JSON.parse(JSON.stringify(opt.getConfig())) as tf.serialization.ConfigDict;
      const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[name];
      const copy = fromConfig(cls, json) as tf.Optimizer;
      assert.equal(copy.getClassName(), name);
      assert.deepEqual(copy.getConfig(), opt.getConfig());
      opt.dispose();
      copy.dispose();
    });
  }
});

describe('zero gradients', () => {
  const zeroLoss = (v: tf.Variable) => () => tf.tidy(() => tf.mul(tf.sum(v), 0) as tf.Scalar);

  for (const [name, make] of [
    ['Prodigy', () => new Prodigy()],
    ['DAdaptAdam', () => new DAdaptAdam()],
    ['DAdaptSGD', () => new DAdaptSGD()],
  ] as [string, () => Prodigy | DAdaptAdam | DAdaptSGD][]) {
    test(`${name} takes no step and keeps d while every gradient so far is zero`, () => {
      // The reference returns early when ‖s‖ = 0 (Prodigy, DAdaptAdam) and would divide by
      // ‖g₀‖ = 0 (DAdaptSGD); here the weights stay, d stays d₀ and nothing is NaN.
      const v = tf.variable(tf.tensor1d([1, -2]));
      const opt = make();
      for (let k = 0; k < 3; k++) opt.minimize(zeroLoss(v), false, [v]);
      assert.deepEqual(Array.from(v.dataSync()), [1, -2]);
      assert.equal(opt.d, 1e-6);
      opt.dispose();
      v.dispose();
    });
  }
});

describe('setWeights', () => {
  test('rejects weights that do not come from the same optimizer class', async () => {
    const v = tf.variable(tf.tensor1d([1, -2]));
    const a = new DoG();
    a.minimize(() => tf.tidy(() => tf.sum(tf.square(v)) as tf.Scalar), false, [v]);
    const saved = await a.getWeights();
    await assert.rejects(
      new Prodigy().setWeights(saved),
      /Prodigy\.setWeights: expected the weights of Prodigy\.getWeights\(\) \(an entry 'Prodigy\/state\/v2' with 5 numbers\); got entries 'DoG\/state\/v2'/,
    );
    tf.dispose(saved.filter((w) => w.name === 'iter' || w.name.endsWith('/state')).map((w) => w.tensor));
    a.dispose();
    v.dispose();
  });
});
