// Kernels added in the speed follow-up: zero-copy Identity, Sum over leading/middle axes,
// GatherV2, Transpose, the cached transposed matmul operand, and the SIMD module with its
// TypeScript fallbacks (every case runs with the SIMD loops on and off), all against cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedTransposeCount } from '../../src/backend/kernels/batch-mat-mul.js';
import { reducePermutation } from '../../src/backend/kernels/transpose.js';
import { setSimdEnabled, simdFor } from '../../src/backend/kernels/simd.js';
import { bothBackends, onWasmAndCpu, rand, REL_TOL, tf, worstRelError } from './helpers.js';

type Backend = { numDataIds(): number };
const dataIds = () => (tf.backend() as unknown as Backend).numDataIds();

/** Runs `body` with this project's SIMD loops on, then with the TypeScript fallbacks. */
async function bothPaths(body: (label: string) => Promise<void>): Promise<void> {
  for (const on of [true, false]) {
    setSimdEnabled(on);
    try {
      await body(on ? 'SIMD' : 'JS fallback');
    } finally {
      setSimdEnabled(true);
    }
  }
}

test('the SIMD module loads in Node and shares the backend heap', async () => {
  await bothBackends();
  assert.ok(simdFor(tf.backend() as never) !== undefined);
  setSimdEnabled(false);
  assert.equal(simdFor(tf.backend() as never), undefined);
  setSimdEnabled(true);
});

test('clone on wasm shares the buffer (no copy), and both tensors live independently', async () => {
  await bothBackends();
  const before = dataIds();
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const y = tf.clone(x);
  assert.equal(dataIds(), before + 1, 'one buffer for both');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
  y.dispose();
  assert.equal(dataIds(), before);
  const s = tf.clone(tf.tensor1d(['a', 'b'], 'string')); // strings: stock kernel
  assert.deepEqual(s.dataSync(), ['a', 'b']);
  s.dispose();
});

const sums: Array<{ shape: number[]; axis: number | number[]; keepDims?: boolean }> = [
  { shape: [6, 5], axis: 0 },
  { shape: [3, 4, 5, 6], axis: [0, 1, 2] }, // a bias gradient
  { shape: [3, 4, 5], axis: 1 }, // middle axis
  { shape: [3, 4, 5, 2], axis: [1, 2], keepDims: true },
  { shape: [3, 4, 5], axis: [1, 2] }, // innermost: stock kernel
  { shape: [3, 4, 5], axis: [0, 2] }, // not contiguous: stock kernel
  { shape: [257, 3], axis: 0 },
];
test('sum over leading, middle and other axes matches cpu', async () => {
  await bothPaths(async (path) => {
    const r = await onWasmAndCpu(() => sums.map((c, i) => tf.sum(rand(c.shape, 900 + i), c.axis, c.keepDims)));
    for (const [i, c] of sums.entries()) {
      assert.deepEqual(r.wasm[i].length, r.cpu[i].length);
      const err = worstRelError({ wasm: [r.wasm[i]], cpu: [r.cpu[i]] });
      assert.ok(err <= REL_TOL, `${path}: sum ${JSON.stringify(c)}: relative error ${err}`);
    }
  });
});

test('bias gradients (sums over broadcast axes) match cpu through tf.grad', async () => {
  await bothPaths(async (path) => {
    const r = await onWasmAndCpu(() => {
      const x = rand([2, 5, 4, 3], 910);
      const b = rand([3], 911);
      const c = rand([5, 1, 1], 912);
      return tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.add(tf.add(u, v), w))))([
        x,
        b,
        c,
      ]);
    });
    assert.ok(worstRelError(r) <= REL_TOL, `${path}: relative error ${worstRelError(r)}`);
  });
});

test('gather matches cpu for axes, batch dims and dtypes, and its gradient too', async () => {
  const r = await onWasmAndCpu(() => {
    const x = rand([5, 4, 3], 920);
    const idx = tf.tensor2d(
      [
        [4, 0, 4],
        [1, 1, 3],
      ],
      [2, 3],
      'int32',
    );
    const idx1 = tf.tensor2d(
      [
        [3, 0, 3],
        [1, 1, 2],
      ],
      [2, 3],
      'int32',
    );
    const xi = tf.cast(tf.mul(rand([6, 40], 921), 50), 'int32');
    const xb = tf.greater(rand([5, 2], 922), 0);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx1, 1))))(x);
    return [
      tf.gather(x, idx),
      tf.gather(x, idx1, 1),
      tf.gather(x, tf.tensor1d([2, 0], 'int32'), 2),
      tf.gather(
        x,
        tf.tensor2d(
          [
            [0, 3],
            [1, 1],
            [2, 0],
            [3, 3],
            [0, 0],
          ],
          [5, 2],
          'int32',
        ),
        1,
        1,
      ), // batchDims 1
      tf.cast(tf.gather(xi, tf.tensor1d([5, 0, 5], 'int32')), 'float32'), // long rows, int32
      tf.cast(tf.gather(xb, tf.tensor1d([4, 4, 1], 'int32')), 'float32'),
      grad,
    ];
  });
  for (const [i, w] of r.wasm.entries()) assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `output ${i}`);
});

test('gather rejects an out-of-range index like the stock kernel', async () => {
  await bothBackends();
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const idx = tf.tensor1d([0, 2], 'int32');
  assert.throws(() => tf.gather(x, idx), /GatherV2: the index value 2 is not in \[0, 1\]/);
  tf.dispose([x, idx]);
});

test('permutations reduce to merged axes without size-1 dimensions', () => {
  assert.deepEqual(reducePermutation([16, 64, 4, 32], [0, 2, 1, 3]), { shape: [16, 64, 4, 32], perm: [0, 2, 1, 3] });
  assert.deepEqual(reducePermutation([2, 3, 4], [1, 2, 0]), { shape: [2, 12], perm: [1, 0] });
  assert.deepEqual(reducePermutation([64, 13, 13, 32], [3, 1, 2, 0]), { shape: [64, 169, 32], perm: [2, 1, 0] });
  assert.deepEqual(reducePermutation([1, 5, 1, 7], [3, 0, 1, 2]), { shape: [5, 7], perm: [1, 0] });
  assert.deepEqual(reducePermutation([1, 1], [1, 0]), { shape: [], perm: [] });
});

const perms: Array<{ shape: number[]; perm: number[] }> = [
  { shape: [7, 9], perm: [1, 0] },
  { shape: [5, 8], perm: [1, 0] },
  { shape: [3, 6, 5], perm: [0, 2, 1] },
  { shape: [3, 6, 5], perm: [2, 1, 0] },
  { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] }, // attention head split: runs copied
  { shape: [2, 3, 4, 5], perm: [3, 1, 2, 0] },
  { shape: [2, 3, 4, 5], perm: [1, 3, 0, 2] },
  { shape: [2, 3, 2, 3, 2], perm: [4, 2, 0, 3, 1] }, // extra axes looped in JS
  { shape: [2, 3, 2, 3, 2], perm: [1, 0, 3, 2, 4] }, // 4 outer axes: stock kernel
  { shape: [1, 4, 1, 6], perm: [3, 2, 1, 0] },
  { shape: [4, 1], perm: [1, 0] },
  { shape: [6], perm: [0] },
];
test('transpose is bit-identical to cpu for float32, int32 and bool, and its gradient matches', async () => {
  await bothPaths(async (path) => {
    const r = await onWasmAndCpu(() => {
      const outs: tf.Tensor[] = [];
      for (const [i, c] of perms.entries()) {
        const x = rand(c.shape, 930 + i);
        outs.push(tf.transpose(x, c.perm));
        outs.push(tf.cast(tf.transpose(tf.cast(tf.mul(x, 1000), 'int32'), c.perm), 'float32'));
        outs.push(tf.cast(tf.transpose(tf.greater(x, 0), c.perm), 'float32'));
      }
      const w = rand([3, 4, 5], 950);
      outs.push(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [2, 0, 1]), rand([5, 3, 4], 951))))(w));
      return outs;
    });
    for (const [i, w] of r.wasm.entries())
      assert.deepEqual(Array.from(w), Array.from(r.cpu[i]), `${path}: output ${i}`);
  });
});

test('XNNPACK path: a weight reused as a transposed operand is cached until it is disposed, with right products', async () => {
  await bothBackends();
  setSimdEnabled(false); // the cache serves the XNNPACK path (no SIMD module, or threads)
  try {
    const before = dataIds();
    const tensors = tf.memory().numTensors;
    const w = rand([6, 4], 960);
    const xs = [0, 1, 2, 3].map((i) => rand([3, 4], 961 + i));
    const viaCache = xs.map((x) => tf.matMul(x, w, false, true)); // x · wᵀ four times
    assert.equal(cachedTransposeCount(), 1, 'cached from the second use');
    const w2 = tf.reshape(w, [4, 6]); // same buffer, another view
    const a2 = rand([2, 6], 970);
    const other = tf.matMul(a2, w2, false, true);
    const r = await onWasmAndCpu(() => [
      ...xs.map((_, i) => tf.matMul(rand([3, 4], 961 + i), rand([6, 4], 960), false, true)),
      tf.matMul(rand([2, 6], 970), tf.reshape(rand([6, 4], 960), [4, 6]), false, true),
    ]);
    const got = [...viaCache, other].map((t) => Float32Array.from(t.dataSync()));
    assert.ok(
      worstRelError({ wasm: got, cpu: r.cpu }) <= REL_TOL,
      `relative error ${worstRelError({ wasm: got, cpu: r.cpu })}`,
    );
    w.dispose();
    assert.equal(cachedTransposeCount(), 1, 'kept while the buffer lives on in its reshape');
    w2.dispose();
    assert.equal(cachedTransposeCount(), 0, 'released with its buffer');
    tf.dispose([...xs, ...viaCache, a2, other]);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(dataIds(), before);
  } finally {
    setSimdEnabled(true);
  }
});

test('an RNN-style backward pass (cached transpose on the XNNPACK path) matches cpu and leaks nothing', async () => {
  await bothPaths(async (path) => {
    await bothBackends();
    const before = dataIds();
    const step = () => {
      const w = rand([5, 8], 980);
      const h0 = rand([3, 5], 981);
      return tf.grads((u: tf.Tensor, h: tf.Tensor) => {
        let s = h;
        for (let t = 0; t < 4; t++) s = tf.tanh(tf.matMul(s, u));
        return tf.sum(tf.square(s));
      })([tf.slice(tf.concat([w, w], 1), [0, 0], [5, 5]), h0]);
    };
    const r = await onWasmAndCpu(step);
    assert.ok(worstRelError(r) <= REL_TOL, `${path}: relative error ${worstRelError(r)}`);
    assert.equal(cachedTransposeCount(), 0);
    assert.equal(dataIds(), before);
  });
});

test('max-pooling and convolution gradients match cpu on the JS fallbacks too', async () => {
  setSimdEnabled(false);
  try {
    const r = await onWasmAndCpu(() => {
      const x = rand([2, 7, 6, 3], 990) as tf.Tensor4D;
      const f = rand([3, 3, 3, 5], 991) as tf.Tensor4D;
      const g = rand([3, 3, 1, 12], 992) as tf.Tensor4D;
      const x1 = rand([2, 6, 6, 1], 993) as tf.Tensor4D;
      return [
        ...tf.grads((a: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, [2, 1], 'same'))),
        )([x, f]),
        tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x1, w as tf.Tensor4D, 1, 'same'))))(g),
        tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'))))(x),
      ];
    });
    assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
  } finally {
    setSimdEnabled(true);
  }
});
