import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, DirectionalOptimizer, GeN, SGDW } from '../src/index.js';
import { normals, useCpu } from './helpers.js';
import { HORIZON_SHAPE, horizonFactor } from '../src/core/index.js';
import { fitDatasetSteps, fitSteps } from '../src/tfjs/layers-hook.js';

before(useCpu);

const N = 64,
  FEATURES = 8,
  CLASSES = 3;
function data() {
  const x = tf.tensor2d(normals(N * FEATURES, 21), [N, FEATURES]);
  const labels = tf.tidy(() =>
    tf.argMax(tf.matMul(x, tf.tensor2d(normals(FEATURES * CLASSES, 22), [FEATURES, CLASSES])), 1),
  );
  const y = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), CLASSES), 'float32');
  labels.dispose();
  return { x, y };
}

function model(dropout: number, seed = 1) {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      inputShape: [FEATURES],
      units: 16,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    }),
  );
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.activation({ activation: 'relu' }));
  m.add(tfl.layers.dropout({ rate: dropout }));
  m.add(
    tfl.layers.dense({
      units: CLASSES,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return m;
}

const movingStats = (m: tfl.LayersModel) =>
  m.layers[1]
    .getWeights()
    .slice(2)
    .map((t) => Array.from(t.dataSync()));

describe('GeN through model.fit and trainOnBatch', () => {
  test('model.fit trains a model with BatchNormalization, Dropout and an accuracy metric', async () => {
    const { x, y } = data();
    const m = model(0.2);
    m.compile({ optimizer: new GeN(new AdamW()), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const before = m.evaluate(x, y) as tf.Scalar[];
    const loss0 = before[0].dataSync()[0];
    const history = await m.fit(x, y, { epochs: 6, batchSize: 16, shuffle: false, verbose: 0 });
    assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'loss']);
    assert.equal(history.history.loss.length, 6);
    assert.equal(history.history.acc.length, 6);
    const after = m.evaluate(x, y) as tf.Scalar[];
    assert.ok(after[0].dataSync()[0] < 0.8 * loss0, `loss ${loss0} → ${after[0].dataSync()[0]}`);
    tf.dispose([x, y, ...before, ...after]);
    m.dispose();
  });

  test('the moving statistics after a GeN step equal those after one plain training step', async () => {
    const { x, y } = data();
    const withGen = model(0);
    const plain = model(0);
    plain.setWeights(withGen.getWeights());
    withGen.compile({
      optimizer: new GeN(new SGDW(), { every: 1, probes: [-2, -1, 0, 1, 2] }),
      loss: 'categoricalCrossentropy',
    });
    plain.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await withGen.trainOnBatch(x, y);
    await plain.trainOnBatch(x, y);
    assert.deepEqual(movingStats(withGen), movingStats(plain));
    assert.notDeepEqual(movingStats(withGen)[0], new Array(16).fill(0), 'the statistics did move');
    tf.dispose([x, y]);
  });

  test('trainOnBatch returns exactly [loss, accuracy] on refit steps', async () => {
    const { x, y } = data();
    const m = model(0.3);
    const opt = new GeN(new AdamW(), { every: 1 });
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    for (let i = 0; i < 3; i++) {
      const out = await m.trainOnBatch(x, y);
      assert.ok(Array.isArray(out) && out.length === 2, `got ${JSON.stringify(out)}`);
      assert.equal(opt.lastStep!.refit, true);
    }
    tf.dispose([x, y]);
  });

  test('the tensor count stays flat over 200 steps of trainOnBatch and fit', async () => {
    const { x, y } = data();
    const m = model(0.2);
    m.compile({
      optimizer: new GeN(new AdamW(), { every: 2 }),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    for (let i = 0; i < 10; i++) await m.trainOnBatch(x, y);
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 190; i++) await m.trainOnBatch(x, y);
    assert.equal(tf.memory().numTensors, settled, 'trainOnBatch');
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const afterOneFit = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    assert.equal(tf.memory().numTensors, afterOneFit, 'fit');
    tf.dispose([x, y]);
  });

  test('the probe passes of one step see the same dropout masks as its gradient pass', () => {
    // With a zero direction every probe evaluates the same weights: equal losses mean equal masks.
    class Still extends DirectionalOptimizer {
      protected get directionScale() {
        return 1;
      }
      override getConfig() {
        return {};
      }
      computeDirection(variables: tf.Variable[]) {
        return variables.map((v) => tf.zerosLike(v));
      }
    }
    const { x, y } = data();
    const m = model(0.5);
    const opt = new GeN(new Still(), { every: 1, probes: [-2, -1, 0, 1, 2], calibrate: false, slope: 'fitted' });
    const loss = () =>
      tf.mean(tfl.metrics.categoricalCrossentropy(y, m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
    tf.tidy(() => {
      opt.minimize(loss);
    });
    const losses = opt.lastStep!.probeLosses;
    assert.ok(
      losses.every((l) => l === losses[2]),
      `probe losses ${losses.join(', ')}`,
    );
    tf.dispose([x, y]);
  });
});

describe("GeN learns the run length from model.fit (horizon 'auto')", () => {
  const fitted = async (
    options: ConstructorParameters<typeof GeN>[1],
    fits: Parameters<tfl.LayersModel['fit']>[2][],
  ) => {
    const { x, y } = data();
    const m = model(0);
    const seen: { step: number; appliedLr: number; smoothedLr: number }[] = [];
    const opt = new GeN(new AdamW(), { ...options, onStep: (i) => seen.push(i) });
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    const horizons = [];
    for (const args of fits) {
      await m.fit(x, y, { shuffle: false, verbose: 0, ...args });
      horizons.push(opt.horizon);
    }
    tf.dispose([x, y]);
    m.dispose();
    return { horizons, seen };
  };

  test('epochs × ⌈examples / batchSize⌉ steps from the step the fit starts at, with the linear shape', async () => {
    const { horizons, seen } = await fitted({}, [
      { epochs: 3, batchSize: 16 },
      { epochs: 1, batchSize: 32 },
    ]);
    assert.deepEqual(horizons[0], { steps: 12, shape: HORIZON_SHAPE, start: 0, on: 'step', warmUp: 0 });
    assert.deepEqual(horizons[1], { steps: 2, shape: HORIZON_SHAPE, start: 12, on: 'step', warmUp: 0 });
    assert.equal(seen.length, 14);
    // The last step of the first fit is applied with s(11/12) of the smoothed lr it started from.
    const s = horizonFactor(11, { steps: 12, shape: HORIZON_SHAPE });
    assert.ok(s < 1);
    assert.ok(Math.abs(seen[11].appliedLr - seen[10].smoothedLr * s) < 1e-12 * seen[10].smoothedLr);
  });

  test('validationSplit and initialEpoch shorten the run; fitSteps and fitDatasetSteps say so', () => {
    const x = { shape: [100, 3] };
    assert.equal(fitSteps(x, { batchSize: 10, epochs: 4, validationSplit: 0.2 }), 32);
    assert.equal(fitSteps(x, { batchSize: 32, epochs: 5, initialEpoch: 2 }), 12);
    assert.equal(fitSteps([x], {}), 4);
    assert.ok(Number.isNaN(fitSteps({}, {})));
    assert.equal(fitDatasetSteps({ epochs: 3, batchesPerEpoch: 7 }), 21);
    assert.ok(Number.isNaN(fitDatasetSteps({ epochs: 3 })));
  });

  test('horizon null and an explicit horizon are left as they are', async () => {
    const none = await fitted({ horizon: null }, [{ epochs: 2, batchSize: 16 }]);
    assert.equal(none.horizons[0], null);
    const given = await fitted({ horizon: { steps: 50, shape: 'cosine' } }, [{ epochs: 2, batchSize: 16 }]);
    assert.deepEqual(given.horizons[0], { steps: 50, shape: 'cosine', start: 0, on: 'step', warmUp: 0 });
  });
});
