// Contracts every optimizer of the library keeps, one named test per former failure: class identity,
// the bases GeN refuses, options that are not a plain object, a round trip through its own weights,
// and model.save + loadLayersModel.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, GeN, SGDW } from '../../src/index.js';
import { DoG, Prodigy } from '../../src/peers/index.js';
import { assertBitIdentical, useCpu, values } from '../helpers.js';
import { genEntries, PEERS } from '../reliability/optimizers.js';

before(useCpu);

type Make = () => tf.Optimizer;
/** Every optimizer of the library, and GeN over our two bases and over tf.train.adam (the reliability suite's list). */
const OWN: [string, Make][] = [
  ...PEERS,
  ...genEntries().filter((e) =>
    ['GeN over AdamW', 'GeN over SGDW momentum', 'GeN over tf.train.adam'].includes(e.name),
  ),
].map((e) => [e.name, e.make]);

describe('class identity', () => {
  test('instanceof follows the prototype chain, not tf.Optimizer duck typing', () => {
    const adam = new AdamW();
    const gen = new GeN(new SGDW());
    assert.equal(adam instanceof GeN, false);
    assert.equal(new SGDW() instanceof AdamW, false);
    assert.equal(new Prodigy() instanceof DoG, false);
    assert.equal(gen instanceof GeN, true);
    assert.equal(adam instanceof AdamW, true);
    class MyGeN extends GeN {}
    assert.equal(new MyGeN(new AdamW()) instanceof GeN, true);
    assert.equal(adam instanceof tf.Optimizer, true, "tf.Optimizer's own check is left as tfjs has it");
  });
});

describe('bases GeN refuses', () => {
  // The peers: every entry of OWN that is neither a base nor a GeN.
  const adaptive = OWN.filter(([name]) => !/^(AdamW|SGDW|GeN )/.test(name));
  test('the list of refused bases covers all eight peers', () => assert.equal(adaptive.length, 8));
  for (const [name, make] of adaptive) {
    test(`${name}, which sets its own step size, with a message that says what to use`, () => {
      assert.throws(
        () => new GeN(make()),
        (e: Error) =>
          e instanceof TypeError &&
          e.message.startsWith(`GeN: ${name} sets its own step size`) &&
          e.message.includes('new AdamW()'),
      );
    });
  }
  test('a GeN', () => {
    assert.throws(() => new GeN(new GeN(new AdamW())), /GeN: the base optimizer is already a GeN/);
  });
  test('something that is not an optimizer', () => {
    assert.throws(() => new GeN({} as tf.Optimizer), /GeN: the base optimizer must be a tf.Optimizer/);
  });
});

describe('options that are not a plain object are refused by name', () => {
  const bad: [string, unknown][] = [
    ['null', null],
    ['a Map', new Map([['initialLr', 0.1]])],
    ['an array', [1]],
    ['a class instance', new Date()],
  ];
  for (const [what, options] of bad) {
    test(`${what}`, () => {
      assert.throws(() => new GeN(new AdamW(), options as never), /GeN: options must be a plain object/);
      assert.throws(() => new AdamW(options as never), /AdamW: options must be a plain object/);
      assert.throws(() => new Prodigy(options as never), /Prodigy: options must be a plain object/);
    });
  }
  test('a GeN option renamed in 0.2.0 says its new name', () => {
    assert.throws(() => new GeN(new AdamW(), { lr: 0.1 } as never), /'lr' was renamed to 'initialLr'/);
  });
});

describe('the loss closure', () => {
  test('an int32 loss gets a TypeError that names its dtype', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, `w_${Math.random()}`);
    const opt = new GeN(new AdamW());
    assert.throws(
      () => opt.minimize(() => tf.scalar(1, 'int32') as tf.Scalar, false, [w]),
      /GeN: the loss closure must return a float32 scalar .* got a int32 tensor of shape \[\]/,
    );
    opt.dispose();
    w.dispose();
  });
});

/** A small least-squares problem on two variables of different shapes. */
function problem() {
  const w = tf.variable(tf.tensor2d([0.3, -0.2, 0.5, 0.1], [2, 2]), true, `w_${Math.random()}`);
  const b = tf.variable(tf.tensor1d([0.1, -0.1]), true, `b_${Math.random()}`);
  const x = tf.tensor2d([1, 2, -1, 0.5, 0.3, -0.7, 2, 1], [4, 2]);
  const y = tf.tensor2d([1, 0, 0, 1, 0.5, 0.5, -1, 2], [4, 2]);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar;
  return { vars: [w, b], loss, dispose: () => tf.dispose([w, b, x, y]) };
}

describe('setWeights(getWeights()) on the optimizer itself', () => {
  for (const [name, make] of OWN) {
    test(`${name} continues bit-identically after restoring its own weights`, async () => {
      const a = problem();
      const b = problem();
      const oa = make();
      const ob = make();
      for (let i = 0; i < 6; i++) {
        oa.minimize(a.loss, false, a.vars);
        ob.minimize(b.loss, false, b.vars);
      }
      await ob.setWeights(await ob.getWeights());
      const n = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        oa.minimize(a.loss, false, a.vars);
        ob.minimize(b.loss, false, b.vars);
      }
      assertBitIdentical(values(a.vars), values(b.vars), name);
      assert.equal(tf.memory().numTensors, n, 'tensor count flat after the round trip');
      oa.dispose();
      ob.dispose();
      a.dispose();
      b.dispose();
    });
  }
});

describe('model.save with includeOptimizer, then tf.loadLayersModel', () => {
  for (const [name, make] of OWN.filter(([n]) => n !== 'GeN over tf.train.adam' && n !== 'SLS')) {
    test(`${name} comes back with its class and config`, async () => {
      const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
      const opt = make();
      m.compile({ optimizer: opt, loss: 'meanSquaredError' });
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const y = tf.tensor2d([1, 2, 3], [3, 1]);
      await m.fit(x, y, { epochs: 3, verbose: 0 });
      let saved: tf.io.ModelArtifacts | undefined;
      await m.save(
        tf.io.withSaveHandler(async (art) => {
          saved = art;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
        { includeOptimizer: true },
      );
      const back = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
      assert.equal(back.optimizer.getClassName(), opt.getClassName());
      assert.deepEqual(back.optimizer.getConfig(), opt.getConfig());
      tf.dispose([x, y]);
      back.dispose();
      m.dispose();
    });
  }
});

describe('bad state is refused with a message that names it', () => {
  test('a GeN state whose lr is negative', async () => {
    const opt = new GeN(new AdamW());
    const p = problem();
    opt.minimize(p.loss, false, p.vars);
    const weights = await opt.getWeights();
    const state = weights.find((w) => w.name.startsWith('gen/state'))!;
    const f64 = new Float64Array(new Int32Array(state.tensor.dataSync() as Int32Array).buffer);
    f64[1] = -1;
    const bad = weights.map((w) =>
      w === state ? { name: w.name, tensor: tf.tensor1d(new Int32Array(f64.buffer), 'int32') } : w,
    );
    await assert.rejects(opt.setWeights(bad), /GeN.setWeights: the saved state has lr = -1, which is out of range/);
    opt.dispose();
    p.dispose();
  });
  test("another optimizer's state", async () => {
    const sgd = new GeN(new SGDW());
    await assert.rejects(sgd.setWeights(await new AdamW().getWeights()), /GeN.setWeights: expected the weights/);
    await assert.rejects(
      new Prodigy().setWeights(await new DoG().getWeights()),
      /Prodigy.setWeights: expected the weights of Prodigy.getWeights\(\) .* got entries 'DoG\/state\/v2'/,
    );
  });
});
