import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MissingDataError } from '../../bench/data/paths.js';
import { TASKS, type TaskInstance, type TaskSpec } from '../../bench/tasks/index.js';
import { setupBackend } from '../../src/backend/index.js';
import { AdamW } from '../../src/index.js';

// These use the installed data sets (scripts/install-data.sh) and skip without them, as in CI.
// The benchmark's own backend (wasm): the cpu backend takes minutes for the LSTM and the ResNet.
before(async () => {
  await setupBackend({ backend: 'wasm' });
});

const HELD_OUT = ['letters-mlp', 'imdb-embed', 'austen-lstm', 'fashion-resnet', 'imdb-gru'];

/** Runs AdamW steps on the given batches; asserts the tensor count stays flat. */
function train(m: TaskInstance, steps: number, lr: number): number[] {
  const opt = new AdamW({ lr });
  const out: number[] = [];
  let count = -1;
  for (let s = 0; s < steps; s++) {
    const b = m.batch(s);
    const l = tf.tidy(() => opt.minimize(() => b.loss(), true, m.vars) as tf.Scalar);
    out.push(l.dataSync()[0]);
    l.dispose();
    b.dispose();
    if (s === 1) count = tf.memory().numTensors;
    if (s > 1) assert.equal(tf.memory().numTensors, count, `tensors after step ${s}`);
  }
  opt.dispose();
  return out;
}

/** The task's model, or null when its data is not installed. */
function tryCreate(t: TaskSpec): TaskInstance | string {
  try {
    return t.create(0);
  } catch (e) {
    if (e instanceof MissingDataError) return e.message;
    throw e;
  }
}

describe('the held-out and the 0.4 development tasks train on their real data (skipped when it is not installed)', () => {
  for (const name of [...HELD_OUT, 'moby-lstm', 'brown-genre']) {
    const task = TASKS.find((t) => t.name === name) as TaskSpec;
    test(`${name}: AdamW lr 1e-3 lowers the loss of a fixed training batch in 10 steps`, (t) => {
      const m = tryCreate(task);
      if (typeof m === 'string') return t.skip(`data not installed: ${m}`);
      const probe = m.batch(0);
      const at = () => tf.tidy(() => probe.loss().dataSync()[0]);
      const start = at();
      const losses = train(m, 10, 1e-3);
      const end = at();
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      assert.ok(end < start, `loss of batch 0: ${start} → ${end}`);
      const val = m.evaluate('val');
      for (const k of [task.metric.name, ...(task.secondaryMetrics ?? []).map((x) => x.name)])
        assert.ok(Number.isFinite(val[k]), `${name}: validation ${k} = ${val[k]}`);
      probe.dispose();
      m.dispose();
    });
  }

  for (const name of ['austen-lstm', 'imdb-gru', 'moby-lstm']) {
    test(`${name}: the compiled model.fit loss of a batch equals the task closure on it`, async (t) => {
      const task = TASKS.find((x) => x.name === name) as TaskSpec;
      const m = tryCreate(task);
      if (typeof m === 'string') return t.skip(`data not installed: ${m}`);
      const layers = m.layers;
      assert.ok(layers, `${name} exposes its tfjs-layers model`);
      layers.model.compile({ optimizer: new AdamW({ lr: 1e-3 }), loss: layers.loss });
      const { x, y } = layers.batch(3);
      const compiled = layers.model.evaluate(x, y) as tf.Scalar;
      const b = m.batch(3);
      const closure = tf.tidy(() => b.loss().dataSync()[0]);
      assert.ok(
        Math.abs(compiled.dataSync()[0] - closure) <= 1e-5 * closure,
        `${compiled.dataSync()[0]} vs ${closure}`,
      );
      const h = await layers.model.fit(x, y, { epochs: 3, batchSize: task.batchSize, shuffle: false, verbose: 0 });
      const losses = h.history.loss as number[];
      assert.ok(losses[2] < losses[0], `model.fit losses ${losses}`);
      tf.dispose([x, y, compiled]);
      b.dispose();
      m.dispose();
    });
  }
});

describe('every task has a validation batch for the validation-probe variants (skipped without its data)', () => {
  for (const task of TASKS) {
    test(`${task.name}: validationBatch(step) is the training objective on validation data, the same for a step and freed on dispose`, (t) => {
      const m = tryCreate(task);
      if (typeof m === 'string') return t.skip(`data not installed: ${m}`);
      assert.ok(m.validationBatch, `${task.name} has validationBatch`);
      const before = tf.memory().numTensors;
      const lossOf = (b: { loss(): tf.Scalar; dispose(): void }) => {
        const v = tf.tidy(() => b.loss().dataSync()[0]);
        b.dispose();
        return v;
      };
      const first = lossOf(m.validationBatch(0));
      const again = lossOf(m.validationBatch(0));
      const train = lossOf(m.batch(0));
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      assert.ok(Number.isFinite(first), `validation loss ${first}`);
      assert.equal(again, first, 'the same step gives the same validation batch');
      // Full-batch breast cancer has one validation batch (the whole split); every other task draws a new one per step.
      if (task.batchSize > 0) assert.notEqual(lossOf(m.validationBatch(1)), first, 'step 1 has another batch');
      assert.notEqual(first, train, 'validation data is not the training batch');
      m.dispose();
    });
  }
});
