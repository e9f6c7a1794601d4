// Opt-in threaded wasm in Node: the threaded build starts from real worker files, our GEMM gets a
// worker, the products and gradients match cpu, and nothing keeps the process alive (this file's
// process must exit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { onWasmAndCpu, rand, REL_TOL, worstRelError } from './helpers.js';
import { productByWorkerAlone } from './gemm-worker.js';
import { setGemmSplitting } from '../../src/backend/kernels/gemm-split.js';

test('setupBackend({ threads: 2 }) gives our GEMM a second thread and the gradients still match cpu', async () => {
  // First wasm start of this process; the plain build on every engine (the relaxed one: relaxed-simd.test.ts).
  const report = await setupBackend({ backend: 'wasm', threads: 2, relaxedSimd: 'off' });
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
  // 96·400·130 ≈ 5.0M multiply-adds (above SPLIT_MIN_WORK), 96 rows: split by rows; the batched
  // one (16 × 6·400·130, 6 rows) by batches; the transposed operand reads A in place.
  const r = await onWasmAndCpu(() => [
    tf.matMul(rand([96, 400], 4), rand([400, 130], 5)),
    tf.matMul(rand([16, 6, 400], 6), rand([16, 400, 130], 7)),
    tf.matMul(rand([400, 97], 8), rand([400, 130], 9), true, false),
  ]);
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('shared with the worker thread, 200 products are bit-identical to the same products on one thread', () => {
  const shapes: Array<[number[], number[], boolean]> = [
    [[96, 400], [400, 130], false],
    [[16, 6, 400], [16, 400, 130], false],
    [[400, 97], [400, 130], true],
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
  const shared = products(true);
  assert.deepEqual(shared, one);
  assert.equal(tf.memory().numTensors, before);
});

test('the worker thread alone computes every chunk of a call posted to it, bit-identical to one thread', () => {
  const { done, count, worker, caller } = productByWorkerAlone();
  assert.equal(done, count, 'the worker computed every chunk');
  assert.deepEqual(worker, caller);
});

test('with the worker, convolutions run as im2col and our GEMM and match cpu: strides, padding, dilation, bias, relu', async () => {
  const cases: Array<[number[], number[], [number, number], 'same' | 'valid', [number, number]]> = [
    [[5, 13, 13, 8], [3, 3, 8, 16], [1, 1], 'valid', [1, 1]],
    [[4, 12, 11, 3], [5, 3, 3, 32], [2, 1], 'same', [1, 1]],
    [[3, 16, 16, 6], [3, 3, 6, 8], [1, 1], 'same', [2, 2]],
    [[64, 28, 28, 1], [3, 3, 1, 32], [1, 1], 'valid', [1, 1]],
  ];
  const r = await onWasmAndCpu(() =>
    cases.flatMap(([xs, fs, strides, pad, dilations], i) => {
      const x = rand(xs, 30 + i) as tf.Tensor4D;
      const f = rand(fs, 40 + i) as tf.Tensor4D;
      const bias = rand([fs[3]], 50 + i) as tf.Tensor1D;
      return [
        tf.conv2d(x, f, strides, pad, 'NHWC', dilations),
        tf.fused.conv2d({ x, filter: f, strides, pad, dilations, bias, activation: 'relu' }),
        tf.fused.conv2d({ x, filter: f, strides, pad, dilations, bias }),
      ];
    }),
  );
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('threads must be an integer from 1 to 8', async () => {
  const allowed = "setupBackend: option 'threads' must be an integer >= 1 and <= 8; got";
  await assert.rejects(setupBackend({ threads: 0 }), { name: 'RangeError', message: `${allowed} 0.` });
  await assert.rejects(setupBackend({ threads: 1.5 }), { name: 'RangeError', message: `${allowed} 1.5.` });
  await assert.rejects(setupBackend({ threads: 9 }), { name: 'RangeError', message: `${allowed} 9.` });
  await assert.rejects(setupBackend({ threads: '2' as never }), { name: 'TypeError', message: `${allowed} "2".` });
});
