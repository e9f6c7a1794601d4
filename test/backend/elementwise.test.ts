// Element-wise kernels on the SIMD module (and their stock fallbacks): arithmetic with every
// broadcast layout, comparisons, logical ops, select, unary functions, clip, step, cast,
// concat/stack, against cpu — values, NaN/inf handling and gradients through tf.grad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastLayout } from '../../src/backend/kernels/elementwise.js';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import { onWasmAndCpu, rand, randoms, REL_TOL, tf, worstRelError } from './helpers.js';

/** Shapes (a, b) covering full, row, column and scalar operands, and layouts left to the stock kernel. */
const pairs: Array<[number[], number[]]> = [
  [
    [4, 6],
    [4, 6],
  ],
  [[4, 6], []],
  [[], [4, 6]],
  [[3, 4, 5], [5]],
  [[5], [3, 4, 5]],
  [
    [3, 4, 5],
    [4, 5],
  ],
  [
    [3, 4, 5],
    [3, 4, 1],
  ],
  [
    [3, 1],
    [3, 7],
  ],
  [
    [2, 3, 4],
    [1, 3, 4],
  ],
  [
    [1, 1, 5],
    [2, 3, 5],
  ],
  [
    [2, 1, 4],
    [2, 3, 4],
  ], // middle broadcast: stock
  [
    [3, 1],
    [1, 4],
  ], // outer product: a column times a row
  [[7], [7]],
  [[1], [6]],
];

test('broadcast layouts: full, row, column, scalar, or none', () => {
  assert.deepEqual(broadcastLayout([4, 6], [4, 6]), { shape: [4, 6], outer: 1, inner: 24, amode: 0, bmode: 0 });
  assert.deepEqual(broadcastLayout([3, 4, 5], [5]), { shape: [3, 4, 5], outer: 12, inner: 5, amode: 0, bmode: 1 });
  assert.deepEqual(broadcastLayout([3, 4, 5], [3, 4, 1]), {
    shape: [3, 4, 5],
    outer: 12,
    inner: 5,
    amode: 0,
    bmode: 2,
  });
  assert.deepEqual(broadcastLayout([], [2, 3]), { shape: [2, 3], outer: 1, inner: 6, amode: 3, bmode: 0 });
  assert.equal(broadcastLayout([2, 1, 4], [2, 3, 4]), undefined);
  assert.deepEqual(broadcastLayout([3, 1], [1, 4]), { shape: [3, 4], outer: 3, inner: 4, amode: 2, bmode: 1 }); // outer product
});

for (const simd of [true, false]) {
  test(`add, sub, mul, div and comparisons match cpu for every layout (${simd ? 'SIMD' : 'stock'})`, async () => {
    setSimdEnabled(simd);
    try {
      const r = await onWasmAndCpu(() => {
        const outs: tf.Tensor[] = [];
        for (const [i, [sa, sb]] of pairs.entries()) {
          const a = rand(sa, 1000 + i);
          const b = tf.add(rand(sb, 1100 + i), 1.5); // away from 0 for the division
          outs.push(tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b));
          for (const f of [tf.greaterEqual, tf.greater, tf.lessEqual, tf.less, tf.equal, tf.notEqual]) {
            outs.push(tf.cast(f(a, tf.sub(b, 1.5)), 'float32'));
          }
        }
        return outs;
      });
      for (const [i, w] of r.wasm.entries()) assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `output ${i}`);
    } finally {
      setSimdEnabled(true);
    }
  });
}

test('NaN and infinities go through arithmetic, comparisons, clip, step and the unary functions like on cpu', async () => {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 3.5, -2.25, 1e-30, 100, -100, 90, -90];
  const r = await onWasmAndCpu(() => {
    const x = tf.tensor1d(special);
    const y = tf.tensor1d([...special].reverse());
    return [
      tf.add(x, y),
      tf.sub(x, y),
      tf.mul(x, y),
      tf.div(x, y),
      tf.mul(x, 2),
      tf.div(3, x),
      ...[tf.greaterEqual, tf.greater, tf.lessEqual, tf.less, tf.equal, tf.notEqual].map((f) =>
        tf.cast(f(x, y), 'float32'),
      ),
      tf.clipByValue(x, -2, 3),
      tf.step(x, 0.25),
      tf.tanh(x),
      tf.exp(x),
      tf.sqrt(x),
      tf.square(x),
      tf.neg(x),
    ];
  });
  for (const [i, w] of r.wasm.entries()) {
    const c = r.cpu[i];
    for (let j = 0; j < w.length; j++) {
      const same =
        Object.is(w[j], c[j]) ||
        (Number.isNaN(w[j]) && Number.isNaN(c[j])) ||
        Math.abs(w[j] - c[j]) <= 1e-6 * Math.max(1, Math.abs(c[j])) ||
        (w[j] === 0 && c[j] === 0);
      assert.ok(same, `output ${i}, element ${j} (x = ${special[j]}): wasm ${w[j]}, cpu ${c[j]}`);
    }
  }
});

test('tanh, exp, sqrt, square, neg, clip and step match cpu on random data of odd sizes, with gradients', async () => {
  const r = await onWasmAndCpu(() => {
    const x = tf.mul(rand([3, 7, 5], 1200), 6);
    const small = tf.mul(rand([13], 1201), 1e-3);
    const unary = (t: tf.Tensor) => [
      tf.tanh(t),
      tf.exp(t),
      tf.sqrt(tf.abs(t)),
      tf.square(t),
      tf.neg(t),
      tf.clipByValue(t, -2, 1.5),
      tf.step(t, 0.1),
    ];
    const grads = tf.grads((a: tf.Tensor) =>
      tf.sum(
        tf.add(
          tf.add(tf.mul(tf.tanh(a), tf.exp(tf.mul(a, 0.3))), tf.sqrt(tf.add(tf.square(a), 1))),
          tf.mul(tf.clipByValue(a, -1, 2), tf.relu(a)),
        ),
      ),
    )([x]);
    return [...unary(x), ...unary(small), ...grads];
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('tanh keeps its relative accuracy on tiny inputs', async () => {
  const r = await onWasmAndCpu(() => tf.tanh(tf.mul(rand([101], 1300), 1e-6)));
  assert.ok(worstRelError(r) <= 1e-6, `relative error ${worstRelError(r)}`);
});

test('logical and/or, select (where) and casts match cpu, including their gradients', async () => {
  for (const simd of [true, false]) {
    setSimdEnabled(simd);
    try {
      const r = await onWasmAndCpu(() => {
        const a = tf.greater(rand([4, 9], 1400), 0);
        const b = tf.greater(rand([4, 9], 1401), 0.2);
        const s = tf.greater(rand([9], 1402), 0);
        const t = rand([4, 9], 1403);
        const e = rand([4, 9], 1404);
        const ints = tf.tensor1d([0, 1, -7, 16777217, -2147483648, 2147483647, 5], 'int32');
        const g = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(tf.where(a, u, v))))([t, e]);
        return [
          tf.logicalAnd(a, b),
          tf.logicalOr(a, b),
          tf.logicalAnd(a, s),
          tf.logicalOr(s, a),
          tf.where(a, t, e),
          tf.where(s, t, e),
          tf.cast(a, 'float32'),
          tf.cast(ints, 'float32'),
          tf.cast(t, 'float32'),
          tf.cast(tf.cast(t, 'int32'), 'int32'),
          ...g,
        ].map((x) => tf.cast(x, 'float32'));
      });
      for (const [i, w] of r.wasm.entries())
        assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `${simd ? 'SIMD' : 'stock'}: output ${i}`);
    } finally {
      setSimdEnabled(true);
    }
  }
});

test('a cast to the same dtype shares the buffer', async () => {
  await onWasmAndCpu(() => tf.scalar(0));
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.tensor1d(randoms(5, 1500));
  const before = backend.numDataIds();
  const y = tf.cast(x, 'float32');
  assert.equal(backend.numDataIds(), before);
  x.dispose();
  assert.equal(y.dataSync().length, 5);
  y.dispose();
});

test('concat and stack match cpu on every axis and dtype, with gradients, and split/slice on both paths', async () => {
  for (const simd of [true, false]) {
    setSimdEnabled(simd);
    try {
      const r = await onWasmAndCpu(() => {
        const a = rand([2, 3, 4], 1600);
        const b = rand([2, 5, 4], 1601);
        const c = rand([2, 3, 4], 1602);
        const ia = tf.cast(tf.mul(a, 100), 'int32');
        const ic = tf.cast(tf.mul(c, 100), 'int32');
        const g = tf.grads((u: tf.Tensor, v: tf.Tensor) =>
          tf.sum(tf.square(tf.mul(tf.concat([u, v], 1), rand([2, 8, 4], 1603)))),
        )([a, b]);
        const gs = tf.grads((u: tf.Tensor, v: tf.Tensor) =>
          tf.sum(tf.square(tf.mul(tf.stack([u, v], 2), rand([2, 3, 2, 4], 1604)))),
        )([a, c]);
        return [
          tf.concat([a, b], 1),
          tf.concat([a, c], 0),
          tf.concat([a, c, a], 2),
          tf.concat([a, c], -1),
          tf.stack([a, c]),
          tf.stack([a, c, a], 1),
          tf.stack([a, c], 3),
          tf.concat([ia, ic], 2),
          tf.stack([ia, ic], 1),
          tf.cast(tf.concat([tf.greater(a, 0), tf.greater(c, 0)], 1), 'float32'), // bool: stock
          ...tf.split(b, [2, 3], 1),
          tf.slice(b, [1, 1, 1], [1, 3, 2]),
          ...tf.unstack(b, 2),
          ...g,
          ...gs,
        ].map((x) => tf.cast(x, 'float32'));
      });
      for (const [i, w] of r.wasm.entries())
        assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `${simd ? 'SIMD' : 'JS'}: output ${i}`);
    } finally {
      setSimdEnabled(true);
    }
  }
});

test('element-wise kernels leave no tensors or heap buffers behind', async () => {
  await onWasmAndCpu(() => tf.scalar(0));
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  tf.tidy(() => {
    const x = rand([3, 4], 1700);
    const positive = tf.greater(x, 0);
    tf.grads((a: tf.Tensor) => tf.sum(tf.where(positive, tf.tanh(a), tf.exp(tf.clipByValue(a, -1, 1)))))([x]);
    tf.concat([x, x], 1);
    tf.stack([x, x]);
    tf.cast(tf.greater(x, 0), 'float32');
  });
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), before);
});
