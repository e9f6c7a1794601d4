import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, DirectionalOptimizer, GeN, SGDW, type StepInfo } from '../src/index.js';
import { useCpu } from './helpers.js';

before(useCpu);

/** A base whose direction is D = s·g: s = −1 is gradient descent, s = +1 goes uphill, s = 0 stands still. */
class Scaled extends DirectionalOptimizer {
  constructor(private readonly s: number) {
    super();
  }
  protected get directionScale() {
    return 1;
  }
  override getConfig() {
    return {};
  }
  computeDirection(_v: tf.Variable[], g: tf.Tensor[]) {
    return g.map((t) => tf.mul(t, this.s));
  }
}

const variable = (values: number[]) => tf.variable(tf.tensor1d(values), true, `v_${Math.random()}`);
const step = (opt: GeN, w: tf.Variable, f: () => tf.Tensor) => {
  opt.minimize(f as () => tf.Scalar, false, [w]);
  return opt.lastStep as StepInfo;
};

describe('GeN failure modes', () => {
  test('a loss closure returning a non-scalar gets a TypeError that says so', () => {
    const w = variable([1, 2]);
    const opt = new GeN(new SGDW());
    assert.throws(
      () => opt.minimize(() => tf.mul(w, 2) as unknown as tf.Scalar, false, [w]),
      /GeN: the loss closure must return a float32 scalar tf.Tensor \(rank 0, e.g. tf.mean\(...\)\); got a float32 tensor of shape \[2\]/,
    );
  });

  test('a NaN loss writes nothing into the weights and reports nonfinite', () => {
    const w = variable([1, 2]);
    const opt = new GeN(new SGDW());
    const info = step(opt, w, () => tf.mul(tf.sum(w), NaN));
    assert.equal(info.reason, 'nonfinite');
    assert.equal(info.appliedLr, 0);
    assert.deepEqual(Array.from(w.dataSync()), [1, 2]);
  });

  test('an infinite gradient writes nothing into the weights and leaves the base state alone', async () => {
    const w = variable([0, 4]);
    const base = new AdamW();
    const opt = new GeN(base);
    const info = step(opt, w, () => tf.sum(tf.sqrt(tf.abs(w)))); // d√|w|/dw = ∞ at 0
    assert.equal(info.reason, 'nonfinite');
    assert.deepEqual(Array.from(w.dataSync()), [0, 4]);
    assert.equal(base.iterations, 0);
  });

  test('a probe that lands where the loss is NaN skips the update and halves the lr', () => {
    const w = variable([0.5]);
    const opt = new GeN(new Scaled(-1), { initialLr: 1, calibrate: false, slope: 'fitted' });
    // L = −log(1 − w): finite at 0.5, NaN past 1; of the probes at ±lr, one goes to w = 0.5 + 2 > 1.
    const info = step(opt, w, () => tf.neg(tf.sum(tf.log(tf.sub(1, w)))));
    assert.equal(info.reason, 'nonfinite');
    assert.equal(info.smoothedLr, 0.5);
    assert.deepEqual(Array.from(w.dataSync()), [0.5]);
  });

  test('a concave fit going downhill is rejected as nonconvex, and the lr grows so the next probes look further', () => {
    const w = variable([1, -1]);
    const opt = new GeN(new Scaled(-1), { initialLr: 0.1, calibrate: false });
    const info = step(opt, w, () => tf.neg(tf.sum(tf.square(w))));
    assert.equal(info.reason, 'nonconvex');
    assert.ok(Math.abs(info.smoothedLr - 0.1 * (0.9 + 0.1 * 2)) < 1e-9, `lr ${info.smoothedLr}`);
  });

  test('a concave fit going uphill (towards a hilltop) is rejected as nonconvex and the lr backs off', () => {
    const w = variable([1, -1]);
    const opt = new GeN(new Scaled(+1), { initialLr: 0.1, calibrate: false });
    const info = step(opt, w, () => tf.neg(tf.sum(tf.square(w))));
    assert.equal(info.reason, 'nonconvex');
    assert.ok(info.smoothedLr < 0.1, `lr ${info.smoothedLr}`);
  });

  test("with negativeCurvature 'reject' the same concave fit backs the lr off (0.3's rule)", () => {
    const w = variable([1, -1]);
    const opt = new GeN(new Scaled(-1), { initialLr: 0.1, calibrate: false, negativeCurvature: 'reject' });
    const info = step(opt, w, () => tf.neg(tf.sum(tf.square(w))));
    assert.equal(info.reason, 'nonconvex');
    assert.ok(info.smoothedLr < 0.1);
  });

  test('an uphill base direction is rejected as not_descent', () => {
    const w = variable([1, -1]);
    const opt = new GeN(new Scaled(+1), { initialLr: 0.1, calibrate: false });
    assert.equal(step(opt, w, () => tf.sum(tf.square(w))).reason, 'not_descent');
  });

  test('a zero direction is insignificant, and the weights stay bit-identical', () => {
    const w = variable([0.1, 0.7, -3]);
    const before = Array.from(w.dataSync());
    const opt = new GeN(new Scaled(0), { calibrate: false });
    assert.equal(step(opt, w, () => tf.sum(tf.square(w))).reason, 'insignificant');
    assert.deepEqual(Array.from(w.dataSync()), before);
  });

  test('applyGradients without a closure takes a base step and reports no_closure', () => {
    const w = variable([1, 1]);
    const opt = new GeN(new SGDW(), { initialLr: 0.25 });
    opt.applyGradients({ [w.name]: tf.tensor1d([1, -2]) });
    assert.equal(opt.lastStep!.reason, 'no_closure');
    assert.deepEqual(Array.from(w.dataSync()), [0.75, 1.5]);
    assert.equal(opt.appliedStepSize, 0.25);
  });

  test('onStep receives every step and the library writes nothing to the console', () => {
    const w = variable([1, -1]);
    const seen: StepInfo[] = [];
    const log = console.log,
      warn = console.warn;
    let printed = 0;
    console.log = console.warn = () => {
      printed++;
    };
    try {
      const opt = new GeN(new SGDW(), { onStep: (i) => seen.push(i), every: 2, calibrate: false });
      for (let i = 0; i < 4; i++) step(opt, w, () => tf.sum(tf.square(w)));
    } finally {
      console.log = log;
      console.warn = warn;
    }
    assert.deepEqual(
      seen.map((s) => [s.step, s.refit]),
      [
        [0, true],
        [1, false],
        [2, true],
        [3, false],
      ],
    );
    assert.equal(seen[1].reason, 'skipped');
    assert.equal(printed, 0);
  });
});

describe('GeN serialization', () => {
  test('model.save with includeOptimizer and loadLayersModel restore GeN, its base and its state', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    const opt = new GeN(new AdamW({ weightDecay: 0.05 }), { every: 3, horizon: { steps: 100, shape: 'cosine' } });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    await m.fit(x, y, { epochs: 5, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const restored = loaded.optimizer as GeN;
    assert.equal(restored.getClassName(), 'GeN');
    assert.equal(restored.base.getClassName(), 'AdamW');
    assert.deepEqual(restored.options.horizon, { steps: 100, shape: 'cosine', start: 0, on: 'step', warmUp: 0 });
    assert.equal((restored.base as AdamW).options.weightDecay, 0.05);
    assert.deepEqual(restored.controllerState, opt.controllerState);
    tf.dispose([x, y]);
  });
});
