// The relaxed-SIMD build of our kernels (`setupBackend({ relaxedSimd: 'on' })`): in Node 20 it turns
// V8's flag on, the products and gradients still match cpu, the GEMM fuses its multiply-adds and is at
// least as accurate as the plain build's against float64, the relaxed modules hold the GEMM alone, and
// with a GEMM worker the shared products are bit-identical to one thread's. This file's process is the first to start wasm (in a
// `before` hook, so each test also runs alone), so the build can be chosen: the first call that starts the kernels
// fixes it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { SIMD_WASM, SIMD_WASM_RELAXED, SIMD_WASM_RELAXED_SHARED_MEMORY } from '../../src/backend/simd/simd-module.js';
import { onWasmAndCpu, rand, randoms, REL_TOL, worstRelError } from './helpers.js';
import { productByWorkerAlone } from './gemm-worker.js';

let report: Awaited<ReturnType<typeof setupBackend>>;
before(async () => {
  report = await setupBackend({ backend: 'wasm', relaxedSimd: 'on', threads: 2 }); // the first wasm start here
});

test("relaxedSimd: 'on' starts the relaxed build (in Node 20 by setting V8's flag), with a GEMM worker", () => {
  assert.equal(report.relaxedSimd, true);
  assert.equal(report.gemmThreads, 2);
});

test("the build is fixed by the first call, before any kernel ran: 'off' is refused, 'auto' keeps it", async () => {
  await assert.rejects(setupBackend({ backend: 'wasm', relaxedSimd: 'off' }), {
    message:
      "setupBackend: option 'relaxedSimd' is 'off', but this process's kernels already run the relaxed-SIMD build " +
      "('on'); the build is fixed by the first setupBackend call that starts the kernels",
  });
  assert.equal((await setupBackend({ backend: 'wasm' })).relaxedSimd, true);
});

test('with the relaxed build, products and gradients through conv and dense layers match cpu', async () => {
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

test('the relaxed GEMM fuses its multiply-adds and is at least as close to float64 as the plain one', (t) => {
  const { memory, plain, relaxed } = rawBuilds();
  const [m, k, n] = [13, 700, 37]; // k spans three blocks of 256; n has a tail of 5 beyond the 8-wide tiles
  const f32 = new Float32Array(memory.buffer);
  const a = randoms(m * k, 21);
  const w = randoms(k * n, 22);
  f32.set(a, 0);
  f32.set(w, m * k);
  const out = (m + n) * k;
  const products: Float32Array[] = [];
  const error = (build: typeof plain) => {
    build.gemm(0, 4 * m * k, 4 * out, 1, m, k, n, 0, 0, 0, k, 1);
    products.push(f32.slice(out, out + m * n));
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
  const differing = products[0].filter((v, i) => v !== products[1][i]).length;
  // relaxed_madd may run unfused (as mul + add) on a CPU without fused multiply-add; then the builds agree.
  if (differing === 0) t.skip('the two builds agree bit for bit: this CPU runs relaxed_madd unfused');
  else assert.ok(differing > (m * n) / 10, `${differing} of ${m * n} products differ`);
});

test('the relaxed-SIMD modules hold the GEMM alone: every other kernel is the plain build’s', () => {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 64, shared: true });
  for (const [name, base64, mem] of [
    ['relaxed', SIMD_WASM_RELAXED, new WebAssembly.Memory({ initial: 16 })],
    ['relaxed, shared memory', SIMD_WASM_RELAXED_SHARED_MEMORY, memory],
  ] as const) {
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    assert.deepEqual(
      WebAssembly.Module.exports(module).map((e) => e.name),
      ['gemm'],
      name,
    );
    assert.equal(typeof new WebAssembly.Instance(module, { env: { memory: mem } }).exports.gemm, 'function', name);
  }
});

test('the worker thread runs the relaxed build too: its chunks are bit-identical to the calling thread’s', () => {
  const { done, count, worker, caller } = productByWorkerAlone();
  assert.equal(done, count, 'the worker computed every chunk');
  assert.deepEqual(worker, caller);
});
