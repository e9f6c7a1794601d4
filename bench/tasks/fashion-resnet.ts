// Held-out. Fashion-MNIST with a small residual network built as a functional tfjs-layers model:
// stem conv 3×3×8 stride 2 (→ 14×14) + BatchNorm + ReLU; a residual block of two conv 3×3×8 + BN
// with an identity shortcut; a downsampling block (conv 3×3×16 stride 2, conv 3×3×16, BN) with a
// 1×1 stride-2 projection shortcut (→ 7×7×16); global average pooling; dense 10. Seven weight
// layers deep, 5 BatchNorms. Trained on 10,000 images drawn by the split seed from the official
// training set (validation 5,000 more), tested on the official 10,000. Shares its data with the
// development task fashion-cnn (the only harder image set that npm or Debian ship), not its model.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadFashionMnist } from '../data/mnist.js';
import { seededSplit, takeEntries, takeRows } from '../data/split.js';
import { batchOrder, chunked, classify, validationOrder } from './common.js';
import type { TaskSpec } from './types.js';

const TRAIN = 10000;
const VAL = 5000;

/** The residual network: images [B, side, side, 1] → logits [B, 10]. Initialisers seeded. */
export function smallResnet(seed: number, width = 8, side = 28): tfl.LayersModel {
  let k = 0;
  const conv = (filters: number, kernel: number, strides: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: kernel,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seed * 100 + ++k }),
    });
  const bn = () => tfl.layers.batchNormalization({ axis: -1 });
  const relu = () => tfl.layers.activation({ activation: 'relu' });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) => layer.apply(x) as tfl.SymbolicTensor;
  const input = tfl.input({ shape: [side, side, 1] });
  const stem = apply(relu(), apply(bn(), apply(conv(width, 3, 2), input)));
  // Block 1: identity shortcut.
  let h = apply(relu(), apply(bn(), apply(conv(width, 3, 1), stem)));
  h = apply(bn(), apply(conv(width, 3, 1), h));
  const block1 = apply(relu(), tfl.layers.add().apply([h, stem]) as tfl.SymbolicTensor);
  // Block 2: stride 2 and twice the width, projection shortcut.
  h = apply(relu(), apply(bn(), apply(conv(2 * width, 3, 2), block1)));
  h = apply(bn(), apply(conv(2 * width, 3, 1), h));
  const shortcut = apply(conv(2 * width, 1, 2), block1);
  const block2 = apply(relu(), tfl.layers.add().apply([h, shortcut]) as tfl.SymbolicTensor);
  const pooled = apply(tfl.layers.globalAveragePooling2d({}), block2);
  const logits = apply(
    tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + ++k }) }),
    pooled,
  );
  return tfl.model({ inputs: input, outputs: logits });
}

export const fashionResnet: TaskSpec = {
  name: 'fashion-resnet',
  family: 'image',
  description:
    'Fashion-MNIST, functional tfjs-layers ResNet (stem + 2 residual blocks, BatchNorm, widths 8/16), batch 64',
  data: 'Debian dataset-fashion-mnist (scripts/install-data.sh)',
  splitSeed: 2025,
  batchSize: 32,
  steps: { quick: 100, full: 400 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 4,
  npmData: false,
  split: 'held-out',
  testSize: 10000,
  create(seed) {
    const data = loadFashionMnist();
    const split = seededSplit(data.train.n, this.splitSeed, VAL / data.train.n, 0);
    const trainIdx = split.train.slice(0, TRAIN);
    const x = takeRows(data.train.x, 784, trainIdx);
    const y = takeEntries(data.train.y, trainIdx);
    const sets = {
      val: { x: takeRows(data.train.x, 784, split.val), y: takeEntries(data.train.y, split.val) },
      test: { x: data.test.x, y: data.test.y },
    };
    const model = smallResnet(seed);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const images = (flat: Float32Array, n: number) => tf.tensor4d(flat, [n, 28, 28, 1]);
    const order = batchOrder(trainIdx.length, this.batchSize, seed);
    const valOrder = validationOrder(split.val.length, this.batchSize, seed);
    // BatchNorm's moving statistics change on every training-mode forward, as under model.fit.
    const batchOf = (part: { x: Float32Array; y: Int32Array }, idx: Int32Array) => {
      const xb = images(takeRows(part.x, 784, idx), idx.length);
      const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(part.y, idx), 'int32'), 10));
      return {
        loss: () => tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor2D) as tf.Scalar,
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
            classify(
              model.apply(images(s.x.subarray(a * 784, c * 784), c - a), { training: false }) as tf.Tensor2D,
              s.y.subarray(a, c),
              10,
            ),
          ),
        );
      },
      dispose: () => model.dispose(),
    };
  },
};
