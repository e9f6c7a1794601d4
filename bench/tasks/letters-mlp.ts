// Held-out. UCI Letter Recognition (20,000 × 16 integer features, 26 classes), MLP 16-128-128-26
// (ReLU), softmax cross-entropy, batch 128. Split 60/20/20 by the split seed (4,000 test rows:
// accuracy resolves to 0.025 points); features standardised with training statistics.
import * as tf from '@tensorflow/tfjs-core';
import { loadLetterRecognition } from '../data/letters.js';
import { columnStats, seededSplit, standardise, takeEntries, takeRows } from '../data/split.js';
import { batchOrder, chunked, classify, glorot, validationOrder, zeros } from './common.js';
import type { TaskSpec } from './types.js';

const ROWS = 20000;
const HOLD = 0.2;
const HIDDEN = 128;

export const lettersMlp: TaskSpec = {
  name: 'letters-mlp',
  family: 'tabular',
  description: `Letter Recognition (20,000×16, 26 classes), MLP 16-${HIDDEN}-${HIDDEN}-26 (ReLU), batch 128`,
  data: 'Debian r-cran-mlbench LetterRecognition.rda (scripts/install-data.sh; UCI data, CC BY 4.0)',
  splitSeed: 2025,
  batchSize: 128,
  steps: { quick: 400, full: 2000 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 5,
  npmData: false,
  split: 'held-out',
  testSize: Math.round(ROWS * HOLD),
  create(seed) {
    const data = loadLetterRecognition();
    if (data.n !== ROWS) throw new Error(`letters-mlp: expected ${ROWS} rows, got ${data.n}`);
    const classes = data.classes.length;
    const split = seededSplit(data.n, this.splitSeed, HOLD, HOLD);
    const x = standardise(Float32Array.from(data.x), data.d, columnStats(data.x, data.d, split.train));
    const part = (idx: Int32Array) => ({ x: takeRows(x, data.d, idx), y: takeEntries(data.y, idx) });
    const train = part(split.train);
    const sets = { val: part(split.val), test: part(split.test) };
    const w1 = glorot([data.d, HIDDEN], seed * 10 + 1);
    const b1 = zeros([HIDDEN]);
    const w2 = glorot([HIDDEN, HIDDEN], seed * 10 + 2);
    const b2 = zeros([HIDDEN]);
    const w3 = glorot([HIDDEN, classes], seed * 10 + 3);
    const b3 = zeros([classes]);
    const vars = [w1, b1, w2, b2, w3, b3];
    const logits = (xb: tf.Tensor2D) =>
      tf.add(
        tf.matMul(tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xb, w1), b1)), w2), b2)), w3),
        b3,
      ) as tf.Tensor2D;
    const order = batchOrder(split.train.length, this.batchSize, seed);
    const valOrder = validationOrder(sets.val.y.length, this.batchSize, seed);
    const batchOf = (part: { x: Float32Array; y: Int32Array }, idx: Int32Array) => {
      const xb = tf.tensor2d(takeRows(part.x, data.d, idx), [idx.length, data.d]);
      const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(part.y, idx), 'int32'), classes));
      return {
        loss: () => tf.losses.softmaxCrossEntropy(yb, logits(xb)) as tf.Scalar,
        dispose: () => tf.dispose([xb, yb]),
      };
    };
    return {
      vars,
      batch: (step) => batchOf(train, order(step)),
      validationBatch: (step) => batchOf(sets.val, valOrder(step)),
      evaluate(which) {
        const s = sets[which];
        return chunked(s.y.length, 2000, (a, b) =>
          tf.tidy(() =>
            classify(
              logits(tf.tensor2d(s.x.subarray(a * data.d, b * data.d), [b - a, data.d])),
              s.y.subarray(a, b),
              classes,
            ),
          ),
        );
      },
      dispose: () => tf.dispose(vars),
    };
  },
};
