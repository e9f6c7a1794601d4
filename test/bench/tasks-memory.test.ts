import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MissingDataError } from '../../bench/data/paths.js';
import { TASKS } from '../../bench/tasks/index.js';
import { useCpu } from '../helpers.js';

before(useCpu);

// A variable shares its initial tensor's buffer: an initial tensor left undisposed kept every run's weights alive
// for the rest of the benchmark process (2–7 tensors per run, up to 166k weights each, before variableOf).
for (const task of TASKS) {
  test(`${task.name}: a model and its batches leave no tensor behind when disposed (skipped without its data)`, (t) => {
    const once = () => {
      const model = task.create(0);
      for (const batch of [model.batch(0), model.validationBatch?.(0)]) batch?.dispose();
      model.dispose();
    };
    try {
      once(); // the first instance may load and cache the task's data
    } catch (e) {
      if (e instanceof MissingDataError) return t.skip(`data not installed: ${e.message}`);
      throw e;
    }
    const before = tf.memory().numTensors;
    const variables = Object.keys(tf.engine().registeredVariables).length;
    once();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(Object.keys(tf.engine().registeredVariables).length, variables);
  });
}
