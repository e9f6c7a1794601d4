// The benchmark architectures, sized by parameters so the tests can build tiny copies:
// MLP, CNN with max-pooling, char LSTM / GRU, a small causal transformer written with
// matMul + softmax + layer norm, and matrix factorisation. Weights and data are drawn from a
// seeded generator, so two backends build identical models.
import * as tf from '@tensorflow/tfjs';
import { uniformArray } from '../../src/core/rng.js';

/** A model ready to train: its trainable variables and a loss over a fixed batch. */
export interface Model {
  name: string;
  vars: tf.Variable[];
  loss(): tf.Scalar;
  dispose(): void;
}

function uniform(n: number, seed: number, scale: number): Float32Array {
  return uniformArray(n, seed, scale);
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const randT = (shape: number[], seed: number, scale = 1) => tf.tensor(uniform(size(shape), seed, scale), shape);
const ints = (shape: number[], max: number, seed: number) =>
  tf.tensor(
    Array.from(uniform(size(shape), seed, 1), (v) => Math.min(max - 1, Math.floor(((v + 1) / 2) * max))),
    shape,
    'int32',
  );

/** Glorot-like seeded variable. */
function param(shape: number[], seed: number, name: string): tf.Variable {
  const fanIn = shape.length > 1 ? size(shape.slice(0, -1)) : shape[0];
  const fanOut = shape[shape.length - 1];
  return tf.tidy(() => tf.variable(randT(shape, seed, Math.sqrt(6 / (fanIn + fanOut))), true, name));
}

/** Wraps a tfjs-layers model: seeded weights, softmax cross-entropy on fixed data. */
function layersModel(name: string, model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor, seed: number): Model {
  const weights = model.getWeights().map((w, i) =>
    tf.tidy(() => {
      const fanIn = w.shape.length > 1 ? size(w.shape.slice(0, -1)) : w.shape[0];
      return randT(w.shape, seed + i, Math.sqrt(3 / fanIn));
    }),
  );
  model.setWeights(weights); // copies into the layers' variables
  tf.dispose(weights);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    name,
    vars,
    loss: () =>
      tf.tidy(() => {
        const logits = model.apply(x) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }),
    dispose: () => {
      model.dispose();
      tf.dispose([x, labels]);
    },
  };
}

export function mlp(o = { inputs: 784, hidden: 256, classes: 10, batch: 128 }): Model {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [o.inputs], units: o.hidden, activation: 'relu' }),
      tf.layers.dense({ units: o.hidden, activation: 'relu' }),
      tf.layers.dense({ units: o.classes }),
    ],
  });
  const x = randT([o.batch, o.inputs], 1);
  const labels = tf.tidy(() => tf.oneHot(ints([o.batch], o.classes, 2) as tf.Tensor1D, o.classes));
  return layersModel('MLP', model, x, labels, 10);
}

export function cnn(o = { size: 28, c1: 32, c2: 64, dense: 128, classes: 10, batch: 64 }): Model {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [o.size, o.size, 1], filters: o.c1, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: o.c2, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: o.dense, activation: 'relu' }),
      tf.layers.dense({ units: o.classes }),
    ],
  });
  const x = randT([o.batch, o.size, o.size, 1], 3);
  const labels = tf.tidy(() => tf.oneHot(ints([o.batch], o.classes, 4) as tf.Tensor1D, o.classes));
  return layersModel('CNN', model, x, labels, 20);
}

/** Char-level RNN language model: embedding → 2 recurrent layers → dense over the vocabulary. */
export function charRnn(
  o = { vocab: 65, embed: 64, hidden: 128, batch: 32, seq: 64, cell: 'lstm' as 'lstm' | 'gru' },
): Model {
  const rnn = (cfg: { units: number; returnSequences: boolean }) =>
    o.cell === 'lstm' ? tf.layers.lstm(cfg) : tf.layers.gru(cfg);
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: o.vocab, outputDim: o.embed, inputLength: o.seq }),
      rnn({ units: o.hidden, returnSequences: true }),
      rnn({ units: o.hidden, returnSequences: true }),
      tf.layers.dense({ units: o.vocab }),
    ],
  });
  const x = ints([o.batch, o.seq], o.vocab, 5);
  const labels = tf.tidy(() => tf.oneHot(ints([o.batch, o.seq], o.vocab, 6), o.vocab));
  return layersModel(o.cell === 'lstm' ? 'LSTM' : 'GRU', model, x, labels, 30);
}

function layerNorm(x: tf.Tensor, gain: tf.Variable, bias: tf.Variable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

/** Pre-LN causal transformer language model, attention written with matMul + softmax. */
export function transformer(o = { vocab: 65, d: 128, heads: 4, ff: 512, blocks: 2, batch: 16, seq: 64 }): Model {
  const vars: tf.Variable[] = [];
  let seed = 100;
  const p = (shape: number[], name: string) => {
    const v = param(shape, seed++, name);
    vars.push(v);
    return v;
  };
  const c = (shape: number[], value: number, name: string) => {
    const v = tf.tidy(() => tf.variable(tf.fill(shape, value), true, name));
    vars.push(v);
    return v;
  };
  const tok = p([o.vocab, o.d], 'tok');
  const pos = p([o.seq, o.d], 'pos');
  const blocks = Array.from({ length: o.blocks }, (_, b) => ({
    g1: c([o.d], 1, `g1_${b}`),
    b1: c([o.d], 0, `b1_${b}`),
    wqkv: p([o.d, 3 * o.d], `wqkv_${b}`),
    wo: p([o.d, o.d], `wo_${b}`),
    g2: c([o.d], 1, `g2_${b}`),
    b2: c([o.d], 0, `b2_${b}`),
    w1: p([o.d, o.ff], `w1_${b}`),
    c1: c([o.ff], 0, `c1_${b}`),
    w2: p([o.ff, o.d], `w2_${b}`),
    c2: c([o.d], 0, `c2_${b}`),
  }));
  const gf = c([o.d], 1, 'gf');
  const bf = c([o.d], 0, 'bf');
  const head = p([o.d, o.vocab], 'head');
  const ids = ints([o.batch, o.seq], o.vocab, 7);
  const targets = tf.tidy(() => tf.oneHot(ints([o.batch * o.seq], o.vocab, 8) as tf.Tensor1D, o.vocab));
  // Additive causal mask: 0 on and below the diagonal, −1e9 above.
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([o.seq, o.seq]), -1, 0)), -1e9));
  const dh = o.d / o.heads;
  const rows = o.batch * o.seq;
  const splitHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [o.batch, o.seq, o.heads, dh]), [0, 2, 1, 3]);

  const loss = () =>
    tf.tidy(() => {
      let h = tf.reshape(tf.add(tf.gather(tok, ids), pos), [rows, o.d]);
      for (const k of blocks) {
        const qkv = tf.matMul(layerNorm(h, k.g1, k.b1), k.wqkv);
        const [q, kk, v] = tf.split(qkv, 3, 1).map(splitHeads);
        const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, kk, false, true), 1 / Math.sqrt(dh)), mask));
        const ctx = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [rows, o.d]);
        h = tf.add(h, tf.matMul(ctx, k.wo));
        const f = tf.relu(tf.add(tf.matMul(layerNorm(h, k.g2, k.b2), k.w1), k.c1));
        h = tf.add(h, tf.add(tf.matMul(f, k.w2), k.c2));
      }
      const logits = tf.matMul(layerNorm(h, gf, bf), head);
      return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    });
  return { name: 'transformer', vars, loss, dispose: () => tf.dispose([...vars, ids, targets, mask]) };
}

/** Matrix factorisation: rating ≈ ⟨u_user, v_item⟩ + b_user + b_item, squared error. */
export function matrixFactorisation(o = { users: 1000, items: 1700, dim: 32, ratings: 4096 }): Model {
  const u = param([o.users, o.dim], 200, 'users');
  const v = param([o.items, o.dim], 201, 'items');
  const bu = tf.tidy(() => tf.variable(tf.zeros([o.users]), true, 'user_bias'));
  const bv = tf.tidy(() => tf.variable(tf.zeros([o.items]), true, 'item_bias'));
  const users = ints([o.ratings], o.users, 9);
  const items = ints([o.ratings], o.items, 10);
  const ratings = tf.tidy(() => tf.add(tf.mul(randT([o.ratings], 11), 2), 3));
  const loss = () =>
    tf.tidy(() => {
      const pred = tf.add(
        tf.add(tf.sum(tf.mul(tf.gather(u, users), tf.gather(v, items)), 1), tf.gather(bu, users)),
        tf.gather(bv, items),
      );
      return tf.losses.meanSquaredError(ratings, pred) as tf.Scalar;
    });
  return {
    name: 'matrix factorisation',
    vars: [u, v, bu, bv],
    loss,
    dispose: () => tf.dispose([u, v, bu, bv, users, items, ratings]),
  };
}

/** The models the backend benchmark and the profiler time, by the name they print, at their benchmark sizes. */
export const BENCHMARK_MODELS: Readonly<Record<string, () => Model>> = {
  MLP: () => mlp(),
  CNN: () => cnn(),
  LSTM: () => charRnn(),
  transformer: () => transformer(),
};
