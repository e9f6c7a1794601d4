// Opt-in threaded wasm in Node: two XNNPACK threads start from real worker files, compute the
// same gradients as cpu, and do not keep the process alive (this file's process must exit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { onWasmAndCpu, rand, REL_TOL, worstRelError } from './helpers.js';

test('setupBackend({ threads: 2 }) runs wasm with two threads and the gradients still match cpu', async () => {
  const report = await setupBackend({ backend: 'wasm', threads: 2 }); // first wasm init of this process
  assert.equal(report.threads, 2);
  assert.equal(report.backend, 'wasm');
  const r = await onWasmAndCpu(() => {
    const x = rand([4, 9, 9, 8], 1) as tf.Tensor4D;
    const f = rand([3, 3, 8, 16], 2) as tf.Tensor4D;
    const w = rand([16, 5], 3);
    return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(tf.mean(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), [1, 2]), c))),
    )([x, f, w]);
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('threads must be an integer from 1 to 8', async () => {
  const allowed = "setupBackend: option 'threads' must be an integer >= 1 and <= 8; got";
  await assert.rejects(setupBackend({ threads: 0 }), { name: 'RangeError', message: `${allowed} 0.` });
  await assert.rejects(setupBackend({ threads: 1.5 }), { name: 'RangeError', message: `${allowed} 1.5.` });
  await assert.rejects(setupBackend({ threads: 9 }), { name: 'RangeError', message: `${allowed} 9.` });
  await assert.rejects(setupBackend({ threads: '2' as never }), { name: 'TypeError', message: `${allowed} "2".` });
});
