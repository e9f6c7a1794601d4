// Opt-in threaded wasm in Node: the threaded build starts from real worker files, our GEMM gets a
// worker, the products and gradients match cpu, and nothing keeps the process alive (this file's
// process must exit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { onWasmAndCpu, rand, REL_TOL, worstRelError } from './helpers.js';
import { gemmSplitStats, setGemmSplitting } from '../../src/backend/kernels/gemm-split.js';

test('setupBackend({ threads: 2 }) gives our GEMM a second thread and the gradients still match cpu', async () => {
  const report = await setupBackend({ backend: 'wasm', threads: 2 }); // first wasm init of this process
  assert.equal(report.backend, 'wasm');
  assert.equal(report.gemmThreads, 2);
  assert.equal(report.threads, 1, "XNNPACK's own pool stays at 1 thread");
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

test('a product large enough to be split across the two threads matches cpu', async () => {
  // 96·200·130 ≈ 2.5M multiply-adds (above SPLIT_MIN_WORK), 96 rows: split by rows; the batched
  // one (8 × 6·200·130, 6 rows) by batches; the transposed operand reads A in place.
  const r = await onWasmAndCpu(() => [
    tf.matMul(rand([96, 200], 4), rand([200, 130], 5)),
    tf.matMul(rand([8, 6, 200], 6), rand([8, 200, 130], 7)),
    tf.matMul(rand([200, 97], 8), rand([200, 130], 9), true, false),
  ]);
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('shared with the worker thread, 200 products are bit-identical to the same products on one thread', () => {
  const shapes: Array<[number[], number[], boolean]> = [
    [[96, 200], [200, 130], false],
    [[8, 6, 200], [8, 200, 130], false],
    [[200, 97], [200, 130], true],
    [[1024, 64], [64, 64], false],
  ];
  const products = (split: boolean) => {
    setGemmSplitting(split);
    try {
      return Array.from({ length: 50 }, (_, i) =>
        shapes.map(([sa, sb, ta], j) =>
          tf.tidy(() => tf.matMul(rand(sa, 10 + i + j), rand(sb, 99 + i + j), ta, false).dataSync()),
        ),
      );
    } finally {
      setGemmSplitting(true);
    }
  };
  const before = tf.memory().numTensors;
  const one = products(false);
  const { calls, workerChunks } = gemmSplitStats;
  const shared = products(true);
  assert.deepEqual(shared, one);
  assert.ok(gemmSplitStats.calls >= calls + 200, 'every product was split');
  assert.ok(gemmSplitStats.workerChunks > workerChunks, 'and the worker computed some of the chunks');
  assert.equal(tf.memory().numTensors, before);
});

test('threads must be an integer from 1 to 8', async () => {
  const allowed = "setupBackend: option 'threads' must be an integer >= 1 and <= 8; got";
  await assert.rejects(setupBackend({ threads: 0 }), { name: 'RangeError', message: `${allowed} 0.` });
  await assert.rejects(setupBackend({ threads: 1.5 }), { name: 'RangeError', message: `${allowed} 1.5.` });
  await assert.rejects(setupBackend({ threads: 9 }), { name: 'RangeError', message: `${allowed} 9.` });
  await assert.rejects(setupBackend({ threads: '2' as never }), { name: 'TypeError', message: `${allowed} "2".` });
});
