// setupBackend(): what it selects, what it reports, and how it refuses bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  activeWasmKernels,
  registerWasmKernels,
  setupBackend,
  unregisterWasmKernels,
  WASM_KERNEL_NAMES,
} from '../../src/backend/index.js';
import { relaxedSimdSupported } from '../../src/backend/kernels/simd.js';

test('in Node without tfjs-node, setupBackend picks wasm with SIMD and all our kernels', async () => {
  const report = await setupBackend();
  assert.equal(report.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(report.simd, true);
  assert.equal(report.threads, 1);
  assert.equal(report.gemmThreads, 1, 'threads: 1 (the default) starts no GEMM worker');
  assert.equal(
    report.relaxedSimd,
    relaxedSimdSupported(),
    "'auto': the relaxed build exactly where the engine accepts it",
  );
  assert.deepEqual([...report.kernels].sort(), [...WASM_KERNEL_NAMES].sort());
  for (const name of ['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'MaxPoolGrad', 'BatchMatMul']) {
    assert.ok(report.kernels.includes(name), name);
  }
});

test('registering the kernels twice changes nothing', async () => {
  await setupBackend({ backend: 'wasm' });
  const first = registerWasmKernels();
  const config = tf.getKernel('BatchMatMul', 'wasm');
  const second = registerWasmKernels();
  assert.deepEqual(second, first);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), config);
});

test('patchKernels: false gives the stock wasm backend, and patching again restores ours', async () => {
  unregisterWasmKernels();
  const stock = await setupBackend({ backend: 'wasm', patchKernels: false });
  assert.deepEqual(stock.kernels, []);
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  const patched = await setupBackend({ backend: 'wasm' });
  assert.equal(patched.kernels.length, WASM_KERNEL_NAMES.length);
  assert.deepEqual(activeWasmKernels(), patched.kernels);
});

test("the build of the kernels is fixed by the first call: 'auto' keeps it, the other one is refused", async () => {
  const first = await setupBackend({ backend: 'wasm' });
  assert.equal((await setupBackend({ backend: 'wasm', relaxedSimd: 'auto' })).relaxedSimd, first.relaxedSimd);
  const other = first.relaxedSimd ? 'off' : 'on';
  await assert.rejects(setupBackend({ backend: 'wasm', relaxedSimd: other }), {
    message:
      `setupBackend: option 'relaxedSimd' is '${other}', but this process's kernels already run ` +
      `${first.relaxedSimd ? "the relaxed-SIMD build ('on')" : "the plain build ('off')"}; the build is fixed by the ` +
      'first setupBackend call that starts the kernels',
  });
});

test('an explicit cpu choice is honoured and reports no wasm details', async () => {
  const report = await setupBackend({ backend: 'cpu' });
  assert.deepEqual(report, {
    backend: 'cpu',
    kernels: [],
    threads: null,
    simd: null,
    gemmThreads: null,
    relaxedSimd: null,
  });
  await setupBackend({ backend: 'wasm' });
});

test('bad options are refused with the option, the value and what is allowed', async () => {
  await assert.rejects(setupBackend({ backend: 'gpu' as never }), {
    name: 'RangeError',
    message:
      "setupBackend: option 'backend' must be one of 'auto', 'tensorflow', 'wasm', 'cpu', 'webgl', 'webgpu'; got \"gpu\".",
  });
  await assert.rejects(setupBackend({ patchKernels: 'yes' as never }), {
    name: 'TypeError',
    message: 'setupBackend: option \'patchKernels\' must be true or false; got "yes".',
  });
  await assert.rejects(setupBackend({ workers: 2 } as never), {
    name: 'TypeError',
    message: "setupBackend: unknown option 'workers'. Allowed options: backend, patchKernels, threads, relaxedSimd.",
  });
  await assert.rejects(setupBackend({ relaxedSimd: 'yes' as never }), {
    name: 'RangeError',
    message: "setupBackend: option 'relaxedSimd' must be one of 'auto', 'on', 'off'; got \"yes\".",
  });
  await assert.rejects(setupBackend({ backend: 'wasm', relaxedSimd: 'on', patchKernels: false }), {
    message:
      "setupBackend: option 'relaxedSimd' is 'on', but 'patchKernels' is false: the relaxed-SIMD build is this " +
      "project's kernels, which that leaves out; drop one of the two",
  });
  await assert.rejects(setupBackend({ relaxedSimd: true as never }), {
    name: 'TypeError',
    message: "setupBackend: option 'relaxedSimd' must be one of 'auto', 'on', 'off'; got true.",
  });
  await assert.rejects(setupBackend(42 as never), {
    name: 'TypeError',
    message: 'setupBackend: options must be a plain object such as { ... } (or omitted); got 42.',
  });
});

test('options left out take their defaults', async () => {
  const report = await setupBackend({ backend: undefined, threads: undefined });
  assert.equal(report.backend, 'wasm');
  assert.equal(report.threads, 1);
  assert.equal(report.kernels.length, WASM_KERNEL_NAMES.length);
});

test('backends that cannot start here fail with a clear error', async () => {
  await assert.rejects(setupBackend({ backend: 'tensorflow' }), /needs '@tensorflow\/tfjs-node'/);
  await assert.rejects(setupBackend({ backend: 'webgpu' }), /backend 'webgpu' is not registered/);
  assert.equal(tf.getBackend(), 'wasm');
});
