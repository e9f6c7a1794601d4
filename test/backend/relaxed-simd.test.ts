// The relaxed-SIMD build of our kernels (`setupBackend({ relaxedSimd: 'on' })`): in Node 20 it turns
// V8's flag on, the products and gradients still match cpu, the GEMM is at least as accurate as the
// plain build's against float64, every other kernel gives the plain build's values, and with a GEMM
// worker the shared products are bit-identical to one thread's. This file's process is the first
// to start wasm, so the build can be chosen (it is fixed by the first call that starts the kernels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { relaxedSimdSupported } from '../../src/backend/kernels/simd.js';
import { SIMD_WASM, SIMD_WASM_RELAXED } from '../../src/backend/simd/simd-module.js';
import { onWasmAndCpu, rand, randoms, REL_TOL, worstRelError } from './helpers.js';
import { productByWorkerAlone } from './gemm-worker.js';

test("relaxedSimd: 'on' starts the relaxed build (in Node 20 by setting V8's flag), with a GEMM worker", async () => {
  const report = await setupBackend({ backend: 'wasm', relaxedSimd: 'on', threads: 2 });
  assert.equal(report.relaxedSimd, true);
  assert.equal(report.gemmThreads, 2);
  assert.equal(relaxedSimdSupported(), true);
  assert.equal((await setupBackend({ backend: 'wasm' })).relaxedSimd, true, "'auto' keeps the build in use");
});

test('with the relaxed build, products and gradients through conv and dense layers match cpu', async () => {
  await setupBackend({ backend: 'wasm', relaxedSimd: 'on', threads: 2 });
  const r = await onWasmAndCpu(() => {
    const x = rand([4, 9, 9, 8], 1) as tf.Tensor4D;
    const f = rand([3, 3, 8, 16], 2) as tf.Tensor4D;
    const w = rand([16, 5], 3);
    return [
      tf.matMul(rand([96, 400], 4), rand([400, 130], 5)),
      tf.matMul(rand([400, 97], 8), rand([400, 130], 9), true, false),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.matMul(tf.mean(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), [1, 2]), c))),
      )([x, f, w]),
    ];
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

/** Both builds instantiated on one fresh memory, called directly (no tfjs). */
function rawBuilds() {
  const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MiB
  const load = (base64: string) =>
    new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } })
      .exports as Record<string, (...args: number[]) => number>;
  return { memory, plain: load(SIMD_WASM), relaxed: load(SIMD_WASM_RELAXED) };
}

test('the relaxed GEMM is at least as close to float64 as the plain one, with k in several blocks', () => {
  const { memory, plain, relaxed } = rawBuilds();
  const [m, k, n] = [13, 700, 37]; // k spans three blocks of 256; n has a tail of 5 beyond the 8-wide tiles
  const f32 = new Float32Array(memory.buffer);
  const a = randoms(m * k, 21);
  const w = randoms(k * n, 22);
  f32.set(a, 0);
  f32.set(w, m * k);
  const out = (m + n) * k;
  const error = (build: typeof plain) => {
    build.gemm(0, 4 * m * k, 4 * out, 1, m, k, n, 0, 0, 0, k, 1);
    let sum = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let exact = 0;
        for (let p = 0; p < k; p++) exact += a[i * k + p] * w[p * n + j];
        sum += Math.abs(f32[out + i * n + j] - exact);
      }
    return sum / (m * n);
  };
  const [plainError, relaxedError] = [error(plain), error(relaxed)];
  assert.ok(plainError < 1e-5, `plain mean error ${plainError}`);
  assert.ok(relaxedError <= plainError, `relaxed mean error ${relaxedError} against plain ${plainError}`);
});

test('outside the GEMM the relaxed build gives the plain build’s values, NaN, ±∞, −0 and subnormals included', () => {
  const { memory, plain, relaxed } = rawBuilds();
  const f32 = new Float32Array(memory.buffer);
  const n = 1003; // not a multiple of 4: the tails run too
  const x = randoms(n, 31).map((v, i) => (i % 3 === 0 ? 40 * v : v));
  const y = randoms(n, 32);
  x.set([NaN, Infinity, -Infinity, 1e-40, -0, 88.7, -103, 0.5], 0);
  y.set([1, NaN, 2, -1e-40, Infinity, 0, -0, 3], 0);
  const [X, Y, OUT] = [0, 4 * n, 8 * n]; // byte offsets
  const outputs = (build: typeof plain) => {
    const got: number[][] = [];
    const run = (call: () => unknown, floats = n) => {
      f32.set(x, X / 4);
      f32.set(y, Y / 4);
      f32.fill(0, OUT / 4, OUT / 4 + 2 * n);
      const r = call();
      got.push([...f32.subarray(OUT / 4, OUT / 4 + floats)], typeof r === 'number' ? [r] : []);
    };
    for (const op of [0, 1, 2, 3, 4]) run(() => build.unary_f32(op, X, OUT, n)); // tanh, exp, sqrt, square, neg
    for (const op of [0, 1, 2, 3]) run(() => build.binary_f32(op, X, 0, Y, 0, OUT, 1, n)); // + − × ÷
    run(() => build.add_scaled_f32(X, Y, OUT, n, 0.37));
    run(() => build.sum_squares_f32(X + 4 * 8, n - 8), 0);
    run(() => build.clip_f32(X, OUT, n, -0.5, 0.5));
    run(() => build.relu_grad_f32(Y, X, OUT, n));
    run(() => build.sum_middle(X + 4 * 8, OUT, OUT + 4 * 64, 5, 19, 7), 35);
    return got;
  };
  const [a, b] = [outputs(plain), outputs(relaxed)];
  // Object.is per element: −0 and 0 differ, and every NaN equals NaN (WebAssembly leaves a NaN's
  // sign and payload bits open, so they are no property of a build).
  for (let i = 0; i < a.length; i++) assert.deepStrictEqual(b[i], a[i], `output ${i}`);
});

test('the worker thread runs the relaxed build too: its chunks are bit-identical to the calling thread’s', async () => {
  await setupBackend({ backend: 'wasm', relaxedSimd: 'on', threads: 2 });
  const { done, count, worker, caller } = productByWorkerAlone();
  assert.equal(done, count, 'the worker computed every chunk');
  assert.deepEqual(worker, caller);
});
