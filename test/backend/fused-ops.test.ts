// GeN's fused ops on wasm (src/backend/kernels/fused-ops.ts). t + s·D: bit-identical to cpu's
// add(t, mul(D, s)) with the SIMD loop and with the JS loop, NaN and ±∞ included, its finiteness
// check exact, differentiable like the two ops it replaces; other dtypes and shapes take the two-op
// path. Σ x²: against a float64 reference of the float32 squares, ∞ and NaN as sum(square(x)) has
// them. No leaked tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import {
  PLUS_SCALED_KERNEL,
  plusScaled,
  plusScaledChecked,
  SUM_OF_SQUARES_KERNEL,
  sumOfSquares,
} from '../../src/tfjs/fused-ops.js';
import { addScaled } from '../../src/tfjs/params.js';
import { bothBackends, onWasmAndCpu, rand, tf } from './helpers.js';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const SHAPES = [[], [1], [3], [4], [7], [5, 9], [784, 13], [2, 3, 0]];
const SCALES = [0.0123, -3.7e-5, 1, 0, -0, 1e30, 0.1 + 1e-9];

for (const simd of [true, false]) {
  test(`t + s·D on wasm (${simd ? 'SIMD' : 'JS'} loop) equals cpu's add(t, mul(D, s)) bit for bit`, async () => {
    await bothBackends();
    assert.ok(tf.getKernel(PLUS_SCALED_KERNEL, 'wasm') !== undefined, 'the wasm kernel is registered');
    setSimdEnabled(simd);
    try {
      for (const [k, shape] of SHAPES.entries()) {
        for (const s of SCALES) {
          const r = await onWasmAndCpu(() => plusScaled(rand(shape, 10 + k), rand(shape, 50 + k), s));
          assert.ok(sameBits(r.wasm[0], r.cpu[0]), `shape [${shape}], s = ${s}`);
        }
      }
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('t + s·D carries NaN and ±∞ as the two ops do, and overflows to ∞ like them', async () => {
  const t = [1, NaN, Infinity, -Infinity, 3e38, 2, 0, 5];
  const d = [NaN, 1, 1, -1, 3e38, Infinity, -Infinity, 1];
  for (const s of [2, NaN, Infinity]) {
    const r = await onWasmAndCpu(() => plusScaled(tf.tensor(t), tf.tensor(d), s));
    assert.ok(sameBits(r.wasm[0], r.cpu[0]), `s = ${s}: ${r.wasm[0]} against ${r.cpu[0]}`);
  }
});

for (const simd of [true, false]) {
  test(`its check is 0 when every entry is finite and NaN when one is not (${simd ? 'SIMD' : 'JS'} loop)`, async () => {
    await bothBackends();
    setSimdEnabled(simd);
    try {
      const check = (t: number[], d: number[], s: number): number =>
        tf.tidy(() => {
          const [, c] = plusScaledChecked(tf.tensor(t), tf.tensor(d), s);
          assert.ok(c !== null, 'wasm computes the check');
          return c.dataSync()[0];
        });
      // 9 entries: two SIMD blocks and a tail, with the bad entry in a block and in the tail
      const ok = [1, 2, 3, 4, 5, 6, 7, 8, 9];
      assert.equal(check(ok, ok, -0.5), 0);
      assert.equal(check([3e38, 3e38, 1, 1, 1, 1, 1, 1, 1], ok, 0), 0, 'large finite entries whose sum overflows');
      for (const at of [1, 8]) {
        const big = ok.map((v, i) => (i === at ? 3e38 : v));
        assert.ok(Number.isNaN(check(big, big, 1)), `an entry overflows at ${at}`);
        const nan = ok.map((v, i) => (i === at ? NaN : v));
        assert.ok(Number.isNaN(check(ok, nan, 1)), `a NaN direction at ${at}`);
      }
      assert.ok(Number.isNaN(check(ok, ok, Infinity)));
      assert.equal(check([], [], 2), 0);
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('the guarded update writes w + s·D, refuses an overflow, and keeps the tensor count', async () => {
  await bothBackends();
  const w = tf.variable(tf.tensor1d([3e38, 1, 2, 3, 4]));
  const d = tf.tensor1d([1, 1, 1, 1, 1]);
  const before = tf.memory().numTensors;
  assert.equal(addScaled([w], [d], 1e38), false);
  assert.deepEqual(Array.from(w.dataSync()), [Math.fround(3e38), 1, 2, 3, 4]);
  assert.equal(addScaled([w], [d], 0.5), true);
  assert.deepEqual(Array.from(w.dataSync()), [Math.fround(3e38), 1.5, 2.5, 3.5, 4.5]);
  assert.equal(addScaled([], [], 0.5), true);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([w, d]);
});

test('the fused op has the gradient of add(t, mul(D, s)) under tf.grads', async () => {
  await bothBackends();
  const t = rand([6, 5], 1);
  const d = rand([6, 5], 2);
  const w = rand([6, 5], 3);
  const loss = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.square(f(a, b)), w)) as tf.Scalar;
  const fused = tf.grads(loss((a, b) => plusScaled(a, b, 0.37)))([t, d]);
  const stock = tf.grads(loss((a, b) => tf.add(a, tf.mul(b, 0.37))))([t, d]);
  fused.forEach((g, i) => assert.ok(sameBits(g.dataSync() as Float32Array, stock[i].dataSync() as Float32Array)));
  tf.dispose([t, d, w, ...fused, ...stock]);
});

test('int32 operands and broadcasting shapes take the two-op path (the kernel is float32, one shape)', async () => {
  await bothBackends();
  const a = tf.tensor([1, 2, 3], [3], 'int32');
  const b = tf.tensor([4, 5, 6], [3], 'int32');
  const ints = plusScaled(a, b, 2);
  const twoOps = tf.add(a, tf.mul(b, 2));
  assert.deepEqual([ints.dtype, Array.from(ints.dataSync())], [twoOps.dtype, Array.from(twoOps.dataSync())]);
  const row = plusScaled(rand([2, 3], 4), rand([3], 5), 0.5);
  assert.deepEqual(row.shape, [2, 3]);
  tf.dispose([a, b, ints, twoOps, row]);
});

test('called directly with operands of two shapes, the kernel says what it needs', async () => {
  await bothBackends();
  const [a, b] = [rand([2, 3], 6), rand([3], 7)];
  assert.throws(
    () => tf.engine().runKernel(PLUS_SCALED_KERNEL, { t: a, d: b }, { scale: 1 }),
    /GenOptimPlusScaled: t and d must be float32 of one shape, got float32 \[2,3\] and float32 \[3\]/,
  );
  tf.dispose([a, b]);
});

test('repeated fused updates leave the tensor count flat', async () => {
  await bothBackends();
  const t = rand([64, 32], 8);
  const d = rand([64, 32], 9);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++)
    tf.tidy(() => {
      plusScaled(plusScaled(t, d, 0.1), d, -0.1);
    });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([t, d]);
});

/** Σ fround(x²) in float64, sequentially, rounded to float32 once: the reference the kernel is held to. */
function referenceSumOfSquares(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += Math.fround(v * v);
  return Math.fround(sum);
}

for (const simd of [true, false]) {
  test(`Σ x² on wasm (${simd ? 'SIMD' : 'JS'} loop) is the float64 sum of the float32 squares, rounded once`, async () => {
    await bothBackends();
    assert.ok(tf.getKernel(SUM_OF_SQUARES_KERNEL, 'wasm') !== undefined, 'the wasm kernel is registered');
    setSimdEnabled(simd);
    try {
      for (const [k, shape] of [[], [1], [3], [4], [9], [784, 13], [2, 0], [200704]].entries()) {
        const x = rand(shape, 90 + k);
        const got = tf.tidy(() => sumOfSquares(x).dataSync()[0]);
        const want = referenceSumOfSquares(x.dataSync() as Float32Array);
        // the four float64 lanes add in another order than the reference: ≤ 1 float32 ulp apart
        assert.ok(Math.abs(got - want) <= Math.abs(want) * 2 ** -23, `shape [${shape}]: ${got} against ${want}`);
        x.dispose();
      }
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('Σ x² is ∞ when a square overflows and NaN when an entry is NaN or ±∞ meets NaN, as sum(square(x)) is', async () => {
  for (const values of [
    [1, 2, 3, 4, 2e19, 1],
    [1, NaN, 3, 4, 5],
    [1, 2, 3, 4, 5, 6, 7, Infinity, NaN],
    [-Infinity, 1],
    [1e-30, 1e-30, 3e19],
  ]) {
    const r = await onWasmAndCpu(() => [sumOfSquares(tf.tensor(values)), tf.sum(tf.square(tf.tensor(values)))]);
    assert.ok(Object.is(r.wasm[0][0], r.cpu[1][0]), `${values}: ${r.wasm[0][0]} against ${r.cpu[1][0]}`);
  }
});

test('Σ x² of an int32 tensor takes sum(square(x)); the kernel itself asks for float32', async () => {
  await bothBackends();
  const x = tf.tensor([1, 2, 3], [3], 'int32');
  const squares = sumOfSquares(x);
  assert.equal(squares.dataSync()[0], 14);
  assert.throws(
    () => tf.engine().runKernel(SUM_OF_SQUARES_KERNEL, { x }),
    /GenOptimSumOfSquares: x must be float32, got int32/,
  );
  const f = rand([300], 3);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) tf.tidy(() => void sumOfSquares(f));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, f, squares]);
});
