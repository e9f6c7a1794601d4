import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { charLstm } from '../../bench/tasks/char-lstm.js';
import { smallResnet } from '../../bench/tasks/fashion-resnet.js';
import { bagOfEmbeddings } from '../../bench/tasks/imdb-embed.js';
import { embeddingGru, encodeFrontPadded } from '../../bench/tasks/imdb-gru.js';
import { TASKS, type TaskSpec } from '../../bench/tasks/index.js';
import { AdamW } from '../../src/index.js';
import { mulberry32 } from '../../src/core/rng.js';
import { useCpu } from '../helpers.js';

before(useCpu);

const DEVELOPMENT = [
  'mnist-mlp',
  'fashion-cnn',
  'moby-char',
  'movielens-mf',
  'breast-cancer-logreg',
  'diabetes-mlp',
  'moby-lstm',
  'brown-genre',
];
const HELD_OUT = ['letters-mlp', 'imdb-embed', 'austen-lstm', 'fashion-resnet', 'imdb-gru'];

/** Runs `steps` AdamW steps of `loss`, returning the losses; asserts the tensor count stays flat. */
function train(vars: tf.Variable[], loss: (step: number) => tf.Scalar, steps: number, lr: number): number[] {
  const opt = new AdamW({ lr });
  const out: number[] = [];
  let count = -1;
  for (let s = 0; s < steps; s++) {
    const l = tf.tidy(() => opt.minimize(() => loss(s), true, vars) as tf.Scalar);
    out.push(l.dataSync()[0]);
    l.dispose();
    if (s === 1) count = tf.memory().numTensors;
    if (s > 1) assert.equal(tf.memory().numTensors, count, `tensors after step ${s}`);
  }
  opt.dispose();
  return out;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('task specs', () => {
  test('the development and held-out tasks are those docs/algorithm.md §9 and §10 declare', () => {
    assert.deepEqual(
      TASKS.filter((t) => t.split === 'development').map((t) => t.name),
      DEVELOPMENT,
    );
    assert.deepEqual(
      TASKS.filter((t) => t.split === 'held-out').map((t) => t.name),
      HELD_OUT,
    );
  });

  test('every task declares a positive integer test size and a step budget that grows from quick to full', () => {
    for (const t of TASKS) {
      assert.ok(Number.isInteger(t.testSize) && (t.testSize as number) > 0, `${t.name}: testSize ${t.testSize}`);
      assert.ok(t.steps.quick > 0 && t.steps.full > t.steps.quick, `${t.name}: steps ${JSON.stringify(t.steps)}`);
    }
  });

  test('breast cancer is judged on test log-loss, with accuracy kept as a secondary metric', () => {
    const t = TASKS.find((x) => x.name === 'breast-cancer-logreg') as TaskSpec;
    assert.deepEqual(t.metric, { name: 'logLoss', higherIsBetter: false, format: 'number' });
    assert.deepEqual(
      t.secondaryMetrics?.map((m) => m.name),
      ['accuracy'],
    );
    const m = t.create(0);
    const test = m.evaluate('test');
    m.dispose();
    assert.ok(test.logLoss > 0 && Number.isFinite(test.logLoss), `logLoss ${test.logLoss}`);
    assert.equal(test.logLoss, test.loss);
    assert.ok(test.accuracy >= 0 && test.accuracy <= 1);
  });
});

describe('the new models learn on small synthetic data', () => {
  test('the bag-of-embeddings classifier learns which token marks a positive document', () => {
    const n = 32;
    const len = 8;
    const rand = mulberry32(3);
    const ids = new Int32Array(n * len);
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      y[r] = r % 2;
      const words = 2 + Math.floor(rand() * (len - 2));
      for (let t = 0; t < words; t++) ids[r * len + t] = 4 + Math.floor(rand() * 20);
      ids[r * len + Math.floor(rand() * words)] = y[r] ? 2 : 3; // the marker word
    }
    const x = tf.tensor2d(ids, [n, len], 'int32');
    const yt = tf.tensor2d(y, [n, 1]);
    const model = bagOfEmbeddings(24, 1);
    const losses = train(model.vars, () => tf.losses.sigmoidCrossEntropy(yt, model.logits(x)) as tf.Scalar, 30, 3e-2);
    assert.ok(losses.every(Number.isFinite));
    assert.ok(mean(losses.slice(-5)) < 0.5 * mean(losses.slice(0, 5)), `loss ${losses[0]} → ${losses.at(-1)}`);
    tf.dispose([x, yt, ...model.vars]);
  });

  test('the embedding GRU learns, through model.fit, which word at the end of a front-padded text marks a positive one', async () => {
    const n = 32;
    const len = 6;
    const rand = mulberry32(5);
    const ids = new Float32Array(n * len);
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      y[r] = r % 2;
      const words = 2 + Math.floor(rand() * (len - 2));
      for (let t = len - words; t < len; t++) ids[r * len + t] = 4 + Math.floor(rand() * 10);
      ids[r * len + len - 1 - Math.floor(rand() * 2)] = y[r] ? 2 : 3; // the marker, in the last two words
    }
    const x = tf.tensor2d(ids, [n, len]);
    const yt = tf.tensor2d(y, [n, 1]);
    const model = embeddingGru(14, 1, len, 8);
    model.compile({ optimizer: new AdamW({ lr: 3e-2 }), loss: 'binaryCrossentropy' });
    const h = await model.fit(x, yt, { epochs: 40, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = h.history.loss as number[];
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
    tf.dispose([x, yt]);
    model.dispose();
  });

  test('front padding keeps the first tokens of a text and puts them at the end of the row', () => {
    const vocab = new Map([
      ['a', 2],
      ['b', 3],
    ]);
    assert.deepEqual([...encodeFrontPadded(['a', 'b', 'zz'], vocab, 5)], [0, 0, 2, 3, 1]);
    assert.deepEqual([...encodeFrontPadded(['b', 'a', 'a', 'b'], vocab, 3)], [3, 2, 2]);
    assert.deepEqual([...encodeFrontPadded([], vocab, 2)], [0, 0]);
  });

  test('the character LSTM learns a periodic sequence through model.fit', async () => {
    const vocab = 5;
    const T = 8;
    const n = 32;
    const seq = (k: number) => [0, 1, 2, 3, 4, 3, 2, 1][k % 8];
    const x = tf.tensor2d(
      Array.from({ length: n * T }, (_, i) => seq(Math.floor(i / T) + (i % T))),
      [n, T],
    );
    const y = tf.tidy(() =>
      tf.oneHot(
        tf.tensor2d(
          Array.from({ length: n * T }, (_, i) => seq(Math.floor(i / T) + (i % T) + 1)),
          [n, T],
          'int32',
        ),
        vocab,
      ),
    );
    const model = charLstm(vocab, 1, T, 16);
    model.compile({ optimizer: new AdamW({ lr: 2e-2 }), loss: 'categoricalCrossentropy' });
    const closure = tf.tidy(
      () =>
        tf.mean(tfl.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor)).dataSync()[0],
    );
    const evaluated = model.evaluate(x, y) as tf.Scalar;
    assert.ok(Math.abs(closure - evaluated.dataSync()[0]) <= 1e-5 * closure, `${closure} vs compiled loss`);
    const h = await model.fit(x, y, { epochs: 30, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = h.history.loss as number[];
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
    tf.dispose([x, y, evaluated]);
    model.dispose();
  });

  test('the residual network learns bright-top against bright-bottom images and updates its BatchNorm statistics', () => {
    const n = 8;
    const side = 8; // the task's images are 28×28; 8×8 keeps the cpu backend fast
    const rand = mulberry32(4);
    const pixels = new Float32Array(n * side * side);
    const labels = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      labels[r] = r % 2;
      for (let p = 0; p < side * side; p++)
        pixels[r * side * side + p] = 0.3 * rand() + (p < (side * side) / 2 === (labels[r] === 1) ? 0.7 : 0);
    }
    const x = tf.tensor4d(pixels, [n, side, side, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
    const model = smallResnet(1, 8, side);
    const moving = () =>
      model.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.getWeights()[2].dataSync()[0]);
    const before = moving();
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses = train(
      vars,
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar,
      12,
      1e-2,
    );
    assert.ok(losses.every(Number.isFinite));
    assert.ok(mean(losses.slice(-3)) < mean(losses.slice(0, 3)), `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.equal(before.length, 5);
    moving().forEach((v, i) => assert.notEqual(v, before[i], `BatchNorm ${i} moving mean`));
    tf.dispose([x, y]);
    model.dispose();
  });
});
