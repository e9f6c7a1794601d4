// ReLU's gradient on wasm as one fused pass (src/backend/kernels/relu-grad.ts): the same bits as
// cpu's dy · step(x) through tf.grad, NaN, ±∞, ±0 and negative dy included, with the SIMD loop and
// the JS loop; a gradient of the gradient as cpu has it; the stock gradient everywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import { installFusedReluGradient, RELU_GRAD } from '../../src/backend/kernels/relu-grad.js';
import { bothBackends, onWasmAndCpu, rand, tf } from './helpers.js';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const SPECIAL_X = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 2, -2];
const SPECIAL_DY = [1, -1, Infinity, -3, NaN, 0.5, -0, 7, Infinity];

for (const simd of [true, false]) {
  test(`relu's gradient on wasm (${simd ? 'SIMD' : 'JS'} loop) has the bits of cpu's dy · step(x)`, async () => {
    await bothBackends();
    setSimdEnabled(simd);
    try {
      for (const [k, shape] of [[9], [3, 5], [64, 7, 7, 3], [0, 4]].entries()) {
        const r = await onWasmAndCpu(() => {
          const x = k === 0 ? tf.tensor(SPECIAL_X) : rand(shape, 20 + k);
          const dy = k === 0 ? tf.tensor(SPECIAL_DY) : rand(shape, 40 + k);
          return tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy);
        });
        assert.ok(
          sameBits(r.wasm[0], r.cpu[0]),
          `shape [${shape}]: ${r.wasm[0].slice(0, 9)} against ${r.cpu[0].slice(0, 9)}`,
        );
      }
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('on wasm the gradient is the fused kernel, one call per relu', async () => {
  await bothBackends();
  const x = rand([32, 16], 1);
  const profile = await tf.profile(() => {
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x));
  });
  const names = profile.kernels.map((k) => k.name);
  assert.equal(names.filter((n) => n === RELU_GRAD).length, 1);
  assert.equal(names.filter((n) => n === 'Step').length, 0);
  x.dispose();
});

test('a gradient of the gradient (in dy) matches cpu; in x it is zero, as step has none', async () => {
  const r = await onWasmAndCpu(() => {
    const x = rand([6, 5], 2);
    const dy = rand([6, 5], 3);
    const w = rand([6, 5], 4);
    // f(dy) = Σ w · relu'(x)·dy: ∂f/∂dy = w · step(x)
    const inDy = tf.grad((d: tf.Tensor) => tf.sum(tf.mul(w, tf.grad((v: tf.Tensor) => tf.relu(v))(x, d))))(dy);
    const inX = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.grad((u: tf.Tensor) => tf.relu(u))(v, dy))))(x);
    return [inDy, inX];
  });
  assert.ok(sameBits(r.wasm[0], r.cpu[0]));
  assert.ok(r.wasm[1].every((v) => v === 0));
  assert.ok(sameBits(r.wasm[1].map(Math.abs), r.cpu[1].map(Math.abs)));
});

test('installing twice wraps once, and int32 or the cpu backend take the stock gradient', async () => {
  await bothBackends();
  const once = tf.getGradient('Relu');
  installFusedReluGradient();
  assert.equal(tf.getGradient('Relu'), once);
  await tf.setBackend('cpu');
  const x = tf.tensor([-1, 2]);
  const profile = await tf.profile(() => {
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x));
  });
  assert.ok(
    profile.kernels.some((k) => k.name === 'Step'),
    'cpu runs the stock dy · step(x)',
  );
  await tf.setBackend('wasm');
  x.dispose();
});

test('the kernel, called directly with two shapes, says what it needs; no tensors leak', async () => {
  await bothBackends();
  const [a, b] = [rand([2, 3], 6), rand([3], 7)];
  assert.throws(
    () => tf.engine().runKernel(RELU_GRAD, { dy: a, x: b }, {}),
    /GenOptimReluGrad: dy and x must be float32 of one shape, got float32 \[2,3\] and float32 \[3\]/,
  );
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(a));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([a, b]);
});
