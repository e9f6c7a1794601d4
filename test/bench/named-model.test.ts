import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_NAMES, namedModel } from '../../bench/backend/named-model.js';
import { findTask } from '../../bench/tasks/index.js';
import { useCpu } from '../helpers.js';

before(useCpu);

test('a suite task by name is its seed-0 model on its first training batch', () => {
  const m = namedModel('breast-cancer-logreg');
  const task = findTask('breast-cancer-logreg')!.create(0);
  const batch = task.batch(0);
  try {
    assert.deepEqual(
      m.vars.map((v) => v.shape),
      task.vars.map((v) => v.shape),
    );
    const ours = tf.tidy(() => m.loss().dataSync()[0]);
    const theirs = tf.tidy(() => batch.loss().dataSync()[0]);
    assert.ok(Number.isFinite(ours));
    assert.equal(ours, theirs);
  } finally {
    batch.dispose();
    task.dispose();
    m.dispose();
  }
});

test('disposing a task model frees every tensor it made (beyond the data the task caches once)', () => {
  namedModel('diabetes-mlp').dispose();
  const before = tf.memory().numTensors;
  namedModel('diabetes-mlp').dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('an unknown name is refused with the names there are', () => {
  assert.throws(() => namedModel('mnist'), /unknown model 'mnist'; known: MLP, .*mnist-mlp/);
  assert.ok(MODEL_NAMES.includes('MLP') && MODEL_NAMES.includes('imdb-gru'));
});
