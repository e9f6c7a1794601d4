import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

test('the cpu backend computes', async () => {
  await tf.setBackend('cpu');
  assert.equal(tf.add(1, 2).dataSync()[0], 3);
});
