// Fashion-MNIST, small CNN: conv 3×3×8 → maxpool 2 → conv 3×3×16 → maxpool 2 → dense 10.
// Training on a 20,000-image subset (split seed), validation 5,000, test the official 10,000.
import * as tf from '@tensorflow/tfjs-core';
import { loadFashionMnist } from '../data/mnist.js';
import { seededSplit, takeEntries, takeRows } from '../data/split.js';
import { batchOrder, chunked, classify, glorot, validationOrder, zeros } from './common.js';
import type { TaskSpec } from './types.js';

export const fashionCnn: TaskSpec = {
  name: 'fashion-cnn',
  family: 'image',
  description: 'Fashion-MNIST, CNN conv8-pool-conv16-pool-dense10, batch 64, 20k training images',
  data: 'Debian dataset-fashion-mnist (scripts/install-data.sh)',
  splitSeed: 2024,
  batchSize: 64,
  steps: { quick: 150, full: 600 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 4,
  npmData: false,
  split: 'development',
  testSize: 10000,
  create(seed) {
    const data = loadFashionMnist();
    const split = seededSplit(data.train.n, this.splitSeed, 5000 / 60000, 35000 / 60000); // the "test" part is unused
    const x = takeRows(data.train.x, 784, split.train);
    const y = takeEntries(data.train.y, split.train);
    const sets = {
      val: { x: takeRows(data.train.x, 784, split.val), y: takeEntries(data.train.y, split.val) },
      test: { x: data.test.x, y: data.test.y },
    };
    const k1 = glorot([3, 3, 1, 8], seed * 10 + 1);
    const c1 = zeros([8]);
    const k2 = glorot([3, 3, 8, 16], seed * 10 + 2);
    const c2 = zeros([16]);
    const w = glorot([7 * 7 * 16, 10], seed * 10 + 3);
    const b = zeros([10]);
    const logits = (xb: tf.Tensor2D) => {
      const img = tf.reshape(xb, [xb.shape[0], 28, 28, 1]) as tf.Tensor4D;
      const h1 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(img, k1 as tf.Tensor4D, 1, 'same'), c1)) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      const h2 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(h1, k2 as tf.Tensor4D, 1, 'same'), c2)) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      return tf.add(tf.matMul(tf.reshape(h2, [xb.shape[0], 7 * 7 * 16]), w), b) as tf.Tensor2D;
    };
    const order = batchOrder(split.train.length, this.batchSize, seed);
    const valOrder = validationOrder(split.val.length, this.batchSize, seed);
    const vars = [k1, c1, k2, c2, w, b];
    const batchOf = (part: { x: Float32Array; y: Int32Array }, idx: Int32Array) => {
      const xb = tf.tensor2d(takeRows(part.x, 784, idx), [idx.length, 784]);
      const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(part.y, idx), 'int32'), 10));
      return {
        loss: () => tf.losses.softmaxCrossEntropy(yb, logits(xb)) as tf.Scalar,
        dispose: () => tf.dispose([xb, yb]),
      };
    };
    return {
      vars,
      batch: (step) => batchOf({ x, y }, order(step)),
      validationBatch: (step) => batchOf(sets.val, valOrder(step)),
      evaluate(which) {
        const s = sets[which];
        return chunked(s.y.length, 1000, (a, c) =>
          tf.tidy(() =>
            classify(logits(tf.tensor2d(s.x.subarray(a * 784, c * 784), [c - a, 784])), s.y.subarray(a, c), 10),
          ),
        );
      },
      dispose: () => tf.dispose(vars),
    };
  },
};
