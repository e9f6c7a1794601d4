// End to end: each benchmark architecture (tiny copies) trains on wasm — its loss falls over a
// few steps — and its first-step loss and gradients match the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charRnn, cnn, matrixFactorisation, mlp, transformer, type Model } from '../../bench/backend/models.js';
import { bothBackends, REL_TOL, relError, tf } from './helpers.js';

const tiny: Record<string, () => Model> = {
  MLP: () => mlp({ inputs: 20, hidden: 16, classes: 5, batch: 8 }),
  'CNN with max-pooling': () => cnn({ size: 10, c1: 4, c2: 6, dense: 12, classes: 5, batch: 4 }),
  'char LSTM': () => charRnn({ vocab: 11, embed: 6, hidden: 8, batch: 3, seq: 5, cell: 'lstm' }),
  'char GRU': () => charRnn({ vocab: 11, embed: 6, hidden: 8, batch: 3, seq: 5, cell: 'gru' }),
  'embedding + tiny transformer': () => transformer({ vocab: 11, d: 8, heads: 2, ff: 16, blocks: 2, batch: 2, seq: 6 }),
  'matrix factorisation': () => matrixFactorisation({ users: 9, items: 13, dim: 4, ratings: 40 }),
};

/** Loss and gradients (one flat array per variable) of a fresh model on the active backend. */
function firstStep(build: () => Model): Float32Array[] {
  const model = build();
  const { value, grads } = tf.variableGrads(model.loss, model.vars);
  const out = [
    Float32Array.of(value.dataSync()[0]),
    ...model.vars.map((v) => Float32Array.from(grads[v.name].dataSync())),
  ];
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

/** Losses over `steps` Adam steps on the active backend. */
function train(build: () => Model, steps: number): number[] {
  const model = build();
  const opt = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = opt.minimize(model.loss, true, model.vars) as tf.Scalar;
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  opt.dispose();
  model.dispose();
  return losses;
}

for (const [name, build] of Object.entries(tiny)) {
  test(`${name}: first-step loss and gradients on wasm match cpu, and the loss falls over 5 steps`, async () => {
    await bothBackends();
    await tf.setBackend('cpu');
    const cpu = firstStep(build);
    await tf.setBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const wasm = firstStep(build);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
    assert.equal(wasm.length, cpu.length);
    for (const [i, w] of wasm.entries()) {
      const err = relError(w, cpu[i]);
      assert.ok(err <= REL_TOL, `${i === 0 ? 'loss' : `gradient ${i - 1}`}: relative error ${err} > ${REL_TOL}`);
    }
    const losses = train(build, 5);
    assert.ok(losses[4] < losses[0], `loss went ${losses.map((l) => l.toFixed(4)).join(' → ')}`);
  });
}
