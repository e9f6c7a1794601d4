// Character-level LSTM language models meant to be trained with `model.fit` (see `LayersTraining`):
// embedding 32, one LSTM layer of 128 units over a context of 16 characters, a softmax over the
// characters at every position. `batch(step).loss()` is the same categorical cross-entropy through
// `model.apply` in training mode. The text is cut into 2,000-character chunks assigned 90/5/5 to
// train/validation/test by the split seed; evaluation on 512 fixed windows of each (8,192 predicted
// characters). Metric: perplexity per character. One factory serves every corpus, so the tasks differ
// only in their text and split seed.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CharCorpus } from '../data/moby-dick.js';
import { seededSplit } from '../data/split.js';
import { mulberry32 } from '../rng.js';
import { VALIDATION_SEED } from './common.js';
import { seededEmbedding, seededGlorot } from './layers.js';
import type { TaskSpec } from './types.js';

export const CHAR_CHUNK = 2000;
const T = 16;
const EMBED = 32;
const UNITS = 128;
const EVAL_WINDOWS = 512;
const EVAL_BATCH = 128;

/** Start offsets of `count` windows of context+1 characters, each inside one of the given chunks. */
export function chunkWindows(chunks: Int32Array, count: number, seed: number, context = T): Int32Array {
  const rand = mulberry32(seed);
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++)
    out[k] = chunks[Math.floor(rand() * chunks.length)] * CHAR_CHUNK + Math.floor(rand() * (CHAR_CHUNK - context - 1));
  return out;
}

/** The character-LSTM: ids [B, T] → next-character probabilities [B, T, V]. Initialisers seeded. */
export function charLstm(vocab: number, seed: number, context = T, units = UNITS): tfl.LayersModel {
  const glorot = (k: number) => seededGlorot(seed, k);
  return tfl.sequential({
    layers: [
      seededEmbedding(vocab, EMBED, context, seed),
      // Glorot rather than Keras' orthogonal recurrent initializer: tfjs' orthogonal one warns on
      // the console for matrices of more than 2,000 entries.
      tfl.layers.lstm({ units, returnSequences: true, kernelInitializer: glorot(2), recurrentInitializer: glorot(3) }),
      tfl.layers.dense({ units: vocab, activation: 'softmax', kernelInitializer: glorot(4) }),
    ],
  });
}

/** What distinguishes one character-LSTM task from another. */
export interface CharLstmTaskInfo extends Pick<TaskSpec, 'name' | 'data' | 'splitSeed' | 'npmData' | 'split'> {
  /** The corpus, e.g. "Jane Austen" (for the description). */
  corpusName: string;
  /** Loads the text as character ids (called once per process). */
  load(): CharCorpus;
}

/** A character-LSTM task on one corpus: batch 64, 300 steps (quick 100). */
export function charLstmTask(info: CharLstmTaskInfo): TaskSpec {
  let corpus: CharCorpus | null = null;
  return {
    name: info.name,
    family: 'language',
    description: `${info.corpusName} characters, tfjs-layers LSTM ${UNITS} (embedding ${EMBED}, context ${T}) for model.fit, batch 64`,
    data: info.data,
    splitSeed: info.splitSeed,
    batchSize: 64,
    steps: { quick: 100, full: 300 },
    metric: { name: 'perplexity', higherIsBetter: false, format: 'number' },
    evals: 4,
    npmData: info.npmData,
    split: info.split,
    testSize: EVAL_WINDOWS,
    create(seed) {
      corpus ??= info.load();
      const { ids, vocab } = corpus;
      const V = vocab.length;
      const split = seededSplit(Math.floor(ids.length / CHAR_CHUNK), this.splitSeed, 0.05, 0.05);
      const model = charLstm(V, seed);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const tensors = (starts: Int32Array) => {
        const x = new Float32Array(starts.length * T);
        const y = new Int32Array(starts.length * T);
        starts.forEach((s, r) => {
          x.set(ids.subarray(s, s + T), r * T);
          y.set(ids.subarray(s + 1, s + T + 1), r * T);
        });
        return {
          x: tf.tensor2d(x, [starts.length, T]),
          y: tf.tidy(() => tf.oneHot(tf.tensor2d(y, [starts.length, T], 'int32'), V)),
        };
      };
      const lossOf = (x: tf.Tensor, y: tf.Tensor, training: boolean) =>
        tf.mean(tfl.metrics.categoricalCrossentropy(y, model.apply(x, { training }) as tf.Tensor)) as tf.Scalar;
      const sets = {
        val: tensors(chunkWindows(split.val, EVAL_WINDOWS, this.splitSeed + 1)),
        test: tensors(chunkWindows(split.test, EVAL_WINDOWS, this.splitSeed + 2)),
      };
      const batchSize = this.batchSize;
      const trainBatch = (step: number) => tensors(chunkWindows(split.train, batchSize, seed * 1_000_003 + step));
      return {
        vars,
        batch(step) {
          const b = trainBatch(step);
          return { loss: () => lossOf(b.x, b.y, true), dispose: () => tf.dispose([b.x, b.y]) };
        },
        validationBatch(step) {
          // Windows of the validation chunks, drawn per step like the training ones, with a seed of their own.
          const b = tensors(chunkWindows(split.val, batchSize, seed * 1_000_003 + step + VALIDATION_SEED));
          return { loss: () => lossOf(b.x, b.y, true), dispose: () => tf.dispose([b.x, b.y]) };
        },
        evaluate(which) {
          const s = sets[which];
          let total = 0;
          for (let r = 0; r < EVAL_WINDOWS; r += EVAL_BATCH)
            total += tf.tidy(
              () =>
                lossOf(
                  tf.slice(s.x, [r, 0], [EVAL_BATCH, T]),
                  tf.slice(s.y, [r, 0, 0], [EVAL_BATCH, T, V]),
                  false,
                ).dataSync()[0],
            );
          const loss = total / (EVAL_WINDOWS / EVAL_BATCH);
          return { loss, perplexity: Math.exp(loss), bitsPerChar: loss / Math.LN2 };
        },
        layers: { model, loss: 'categoricalCrossentropy', batch: trainBatch },
        dispose: () => {
          model.dispose();
          tf.dispose([sets.val.x, sets.val.y, sets.test.x, sets.test.y]);
        },
      };
    },
  };
}
