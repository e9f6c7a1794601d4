// BatchMatMul with transposes and batches on the XNNPACK path, and Slice / SplitV / Unpack
// that copy only their outputs: same numbers as cpu (slices bit for bit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import { onWasmAndCpu, rand, REL_TOL, tf, worstRelError } from './helpers.js';

const products: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [4, 5, 7], b: [4, 7, 3], ta: false, tb: false },
  { a: [2, 3, 7, 5], b: [2, 3, 3, 7], ta: true, tb: true },
  { a: [4, 5, 7], b: [7, 3], ta: false, tb: false }, // b broadcast over a's batches
  { a: [1, 5, 7], b: [4, 7, 3], ta: false, tb: false }, // a broadcast over b's batches
  { a: [3, 0, 4], b: [3, 4, 2], ta: false, tb: false }, // empty
  // Few rows against a large right operand: computed as (op(b)ᵀ · op(a)ᵀ)ᵀ, packing the small side.
  { a: [2, 40], b: [40, 30], ta: false, tb: false },
  { a: [40, 2], b: [40, 30], ta: true, tb: false },
  { a: [2, 40], b: [30, 40], ta: false, tb: true },
  { a: [40, 2], b: [30, 40], ta: true, tb: true },
  { a: [3, 6, 9], b: [3, 5, 9], ta: false, tb: true }, // batched bᵀ: transposed, or swapped when a is small
  { a: [2, 9, 3], b: [2, 20, 9], ta: true, tb: true },
  { a: [5, 300], b: [300, 9], ta: false, tb: false }, // k beyond one GEMM block (256)
  { a: [2, 7, 5], b: [5, 13], ta: false, tb: false }, // broadcast right operand, odd tiles
];

for (const [i, c] of products.entries())
  for (const simd of [true, false]) {
    test(`matMul ${c.a.join('×')}${c.ta ? 'ᵀ' : ''} · ${c.b.join('×')}${c.tb ? 'ᵀ' : ''} matches cpu (and its gradients where tfjs defines them), ${simd ? 'SIMD GEMM' : 'XNNPACK'}`, async () => {
      setSimdEnabled(simd);
      const r = await onWasmAndCpu(() => {
        const a = rand(c.a, 500 + i);
        const b = rand(c.b, 600 + i);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta, c.tb);
        // tfjs-core has no gradient for broadcast batches (on any backend): forward only there.
        if (c.a.length !== c.b.length || c.a[0] !== c.b[0]) return f(a, b);
        const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(f(x, y))))([a, b]);
        return [f(a, b), ga, gb];
      }).finally(() => setSimdEnabled(true));
      assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
    });
  }

test('matMul of one buffer under two different 2-D views uses the right packing each time', async () => {
  const r = await onWasmAndCpu(() => {
    const w = rand([6, 4], 700);
    const a = rand([3, 6], 701);
    const b = rand([3, 8], 702);
    const first = tf.matMul(a, w); // w packed as [6, 4]
    const second = tf.matMul(b, tf.reshape(w, [8, 3])); // same buffer as [8, 3]
    return [first, second];
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('slice, split and unstack give bit-identical results to cpu for every rank and dtype', async () => {
  const r = await onWasmAndCpu(() => {
    const x4 = rand([3, 4, 5, 6], 800);
    const xi = tf.cast(tf.mul(rand([4, 6], 801), 100), 'int32');
    const xb = tf.greater(rand([5, 3], 802), 0);
    return [
      tf.slice(x4, [1, 0, 2, 1], [2, 4, 2, 5]),
      tf.slice(x4, [0, 1, 0, 0], [3, 2, 5, 6]), // trailing dims whole: long runs
      tf.slice(x4, [2, 3, 4, 5], [1, 1, 1, 1]),
      tf.slice(rand([7], 803), [2], [4]),
      tf.slice(xi, [1, 2], [2, 3]),
      tf.cast(tf.slice(xb, [1, 0], [3, 2]), 'float32'),
      ...tf.split(x4, [1, 3, 2], 3),
      ...tf.split(x4, 3, 0),
      ...tf.unstack(x4, 1),
      ...tf.unstack(xi, 0),
      ...tf.unstack(rand([4, 3], 804), -1),
    ].map((t) => tf.cast(t, 'float32'));
  });
  for (const [i, w] of r.wasm.entries()) assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `output ${i}`);
});

test('slicing a string tensor still works (stock kernel)', async () => {
  const s = tf.tensor1d(['a', 'b', 'c', 'd'], 'string');
  const parts = tf.unstack(tf.slice(s, [1], [2]));
  assert.deepEqual(
    parts.map((p) => p.dataSync()[0]),
    ['b', 'c'],
  );
  tf.dispose([s, ...parts]);
});

test('fused matMul (dense layers, LSTM products) matches cpu for bias layouts, activations and transposes, with gradients', async () => {
  const cases: Array<{
    a: number[];
    b: number[];
    ta: boolean;
    tb: boolean;
    bias?: number[];
    act: 'linear' | 'relu' | 'elu';
  }> = [
    { a: [6, 5], b: [5, 9], ta: false, tb: false, bias: [9], act: 'linear' },
    { a: [6, 5], b: [5, 9], ta: false, tb: false, bias: [9], act: 'relu' },
    { a: [5, 6], b: [9, 5], ta: true, tb: true, bias: [6, 1], act: 'relu' }, // column bias (SIMD only)
    { a: [2, 6, 5], b: [2, 5, 9], ta: false, tb: false, bias: [], act: 'linear' }, // scalar bias, batched
    { a: [6, 5], b: [5, 9], ta: false, tb: false, act: 'relu' }, // no bias
    { a: [6, 5], b: [5, 9], ta: false, tb: false, bias: [9], act: 'elu' }, // stock kernel
  ];
  for (const simd of [true, false]) {
    setSimdEnabled(simd);
    try {
      // The stock kernel (SIMD off) accepts rank-1 biases only.
      const r = await onWasmAndCpu(() =>
        cases
          .filter((c) => simd || c.bias === undefined || c.bias.length === 1)
          .flatMap((c, i) => {
            const a = rand(c.a, 700 + i);
            const b = rand(c.b, 710 + i);
            const bias = c.bias === undefined ? undefined : rand(c.bias, 720 + i);
            const f = (x: tf.Tensor, y: tf.Tensor, z?: tf.Tensor) =>
              tf.fused.matMul({ a: x, b: y, transposeA: c.ta, transposeB: c.tb, bias: z, activation: c.act });
            const grads =
              bias === undefined
                ? tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(f(x, y))))([a, b])
                : tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.square(f(x, y, z))))([a, b, bias]);
            return [f(a, b, bias), ...grads];
          }),
      );
      assert.ok(worstRelError(r) <= REL_TOL, `${simd ? 'SIMD' : 'stock'}: relative error ${worstRelError(r)}`);
    } finally {
      setSimdEnabled(true);
    }
  }
});
