// The conv gradient paths added for issue 14 agree with the cpu backend: chunks of images, dy's
// all-zero trailing rows and columns skipped (as a floor-mode pooling after the convolution leaves
// them), colsᵀ from whole input rows for one input channel, the Winograd filter gradient, and
// 0 · ∞ still giving NaN.
// Tolerance: REL_TOL (1e-5) of the largest reference magnitude, as in conv.test.ts (Winograd included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterGradWinograd } from '../../src/backend/kernels/filter-grad-winograd.js';
import { liveExtent } from '../../src/backend/kernels/live-output.js';
import { byteOffset, type WasmBackend } from '../../src/backend/kernels/heap.js';
import { setSimdEnabled, simdFor } from '../../src/backend/kernels/simd.js';
import { bothBackends, onWasmAndCpu, rand, REL_TOL, relError, tf, worstRelError } from './helpers.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
  pool: number;
}

// conv → relu → max-pool (floor mode): the pool drops the last rows/columns when it does not tile.
// K = KH·KW·C ≥ 64 (MIN_K_TO_TRIM) wherever C > 1, so that those rows are really skipped.
const cases: Case[] = [
  // Winograd F(3×3, 2×2) for dW: 3×3, stride 1, live extent of whole 2×2 tiles, C and CO ≥ 8.
  {
    name: 'the benchmark CNN second layer, small',
    x: [3, 13, 13, 8],
    f: [3, 3, 8, 8],
    strides: 1,
    pad: 'valid',
    pool: 2,
  },
  { name: 'Winograd, wider', x: [2, 15, 15, 16], f: [3, 3, 16, 12], strides: 1, pad: 'valid', pool: 2 },
  { name: 'odd live extent (no Winograd)', x: [2, 13, 13, 8], f: [3, 3, 8, 8], strides: 1, pad: 'valid', pool: 3 },
  { name: 'fewer outputs than 8', x: [3, 13, 13, 8], f: [3, 3, 8, 6], strides: 1, pad: 'valid', pool: 2 },
  { name: 'stride 2, same padding', x: [2, 13, 13, 8], f: [3, 3, 8, 4], strides: 2, pad: 'same', pool: 2 },
  { name: 'non-square strides', x: [2, 12, 11, 12], f: [3, 2, 12, 3], strides: [2, 1], pad: 'valid', pool: 3 },
  { name: 'one input channel, valid', x: [2, 12, 12, 1], f: [3, 3, 1, 5], strides: 1, pad: 'valid', pool: 3 },
  { name: 'one input channel, same padding', x: [2, 9, 9, 1], f: [3, 3, 1, 4], strides: 1, pad: 'same', pool: 2 },
  {
    name: 'one input channel, stride 2 rows',
    x: [2, 11, 9, 1],
    f: [3, 3, 1, 4],
    strides: [2, 1],
    pad: 'same',
    pool: 2,
  },
  // Column matrices above 256 KiB per image: one image per chunk, chunk products summed.
  { name: 'several chunks, trimmed', x: [3, 21, 21, 32], f: [3, 3, 32, 4], strides: 1, pad: 'valid', pool: 2 },
  { name: 'several chunks, Winograd', x: [3, 21, 21, 32], f: [3, 3, 32, 8], strides: 1, pad: 'valid', pool: 2 },
  { name: 'several chunks, one input channel', x: [3, 90, 90, 1], f: [3, 3, 1, 4], strides: 1, pad: 'valid', pool: 2 },
];

for (const [i, c] of cases.entries()) {
  test(`conv → relu → pool gradients match cpu: ${c.name} (x ${c.x.join('×')}, filter ${c.f.join('×')})`, async () => {
    const r = await onWasmAndCpu(() => {
      const x = rand(c.x, 70 + i) as tf.Tensor4D;
      const f = rand(c.f, 80 + i) as tf.Tensor4D;
      return tf.grads((a: tf.Tensor, w: tf.Tensor) => {
        const y = tf.relu(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad));
        return tf.sum(tf.square(tf.maxPool(y as tf.Tensor4D, c.pool, c.pool, 'valid')));
      })([x, f]);
    });
    assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)} > ${REL_TOL}`);
  });
}

test('pool → conv → relu → pool (the benchmark CNN without its first convolution) has cpu gradients', async () => {
  // The convolution's dx (the first pool's dy) has its last row and column 0: nothing reads them.
  const r = await onWasmAndCpu(() => {
    const x = rand([2, 26, 26, 8], 95) as tf.Tensor4D;
    const f = rand([3, 3, 8, 8], 96) as tf.Tensor4D;
    return tf.grads((a: tf.Tensor, w: tf.Tensor) => {
      const p = tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid');
      const y = tf.relu(tf.conv2d(p, w as tf.Tensor4D, 1, 'valid'));
      return tf.sum(tf.square(tf.maxPool(y, 2, 2, 'valid')));
    })([x, f]);
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)} > ${REL_TOL}`);
});

test('the Winograd filter gradient summed over several products (a memory cap) equals one product', async () => {
  await bothBackends();
  const backend = tf.backend() as unknown as WasmBackend;
  const simd = simdFor(backend)!;
  const [n, c, co] = [5, 8, 8];
  const x = rand([n, 13, 13, c], 97);
  const mask = tf.tensor4d(
    Array.from({ length: 121 }, (_, p) => (p % 11 < 10 && p < 110 ? 1 : 0)),
    [1, 11, 11, 1],
  );
  const dy = tf.mul(rand([n, 11, 11, co], 98), mask);
  const info = tf.backend_util.computeConv2DInfo([n, 13, 13, c], [3, 3, c, co], 1, 1, 'valid');
  const gradient = (productBytes?: number) => {
    const out = tf.zeros([3, 3, c, co]);
    filterGradWinograd(backend, simd, x, dy, info, { height: 10, width: 10 }, out, productBytes);
    return out.dataSync().slice();
  };
  const one = gradient();
  const perImage = gradient(1); // one image per product: five products summed
  assert.ok(relError(perImage, one) <= REL_TOL, `relative error ${relError(perImage, one)}`);
  tf.dispose([x, mask, dy]);
});

test('without the SIMD module (JS loops, XNNPACK products) the conv → relu → pool gradients still match cpu', async () => {
  for (const [i, c] of cases.filter((k) => !k.name.startsWith('several')).entries()) {
    setSimdEnabled(false);
    try {
      const r = await onWasmAndCpu(() => {
        const x = rand(c.x, 170 + i) as tf.Tensor4D;
        const f = rand(c.f, 180 + i) as tf.Tensor4D;
        return tf.grads((a: tf.Tensor, w: tf.Tensor) => {
          const y = tf.relu(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad));
          return tf.sum(tf.square(tf.maxPool(y as tf.Tensor4D, c.pool, c.pool, 'valid')));
        })([x, f]);
      });
      assert.ok(worstRelError(r) <= REL_TOL, `${c.name}: relative error ${worstRelError(r)} > ${REL_TOL}`);
    } finally {
      setSimdEnabled(true);
    }
  }
});

test('liveExtent trims exactly the all-zero trailing rows and columns of dy (−0 is zero, NaN is not)', async () => {
  await bothBackends();
  const backend = tf.backend() as unknown as WasmBackend;
  const simd = simdFor(backend);
  assert.ok(simd !== undefined, 'these tests need WebAssembly SIMD');
  const [n, oh, ow, c] = [2, 5, 6, 3];
  const extentOf = (set: Array<[number, number, number, number, number]>) => {
    const values = new Float32Array(n * oh * ow * c);
    for (const [b, i, j, e, v] of set) values[((b * oh + i) * ow + j) * c + e] = v;
    const dy = tf.tensor(values, [n, oh, ow, c]);
    const extent = liveExtent(backend, simd, byteOffset(backend, dy), n, oh, ow, c);
    dy.dispose();
    return extent;
  };
  assert.deepEqual(extentOf([[1, 2, 3, 2, 0.5]]), { height: 3, width: 4 });
  assert.deepEqual(extentOf([[0, 4, 0, 0, 1e-30]]), { height: 5, width: 1 });
  assert.deepEqual(
    extentOf([
      [1, 1, 1, 1, 2],
      [0, 3, 5, 0, -0],
    ]),
    { height: 2, width: 2 },
  );
  assert.deepEqual(
    extentOf([
      [0, 0, 0, 0, 1],
      [1, 4, 5, 2, NaN],
    ]),
    { height: 5, width: 6 },
  );
  assert.deepEqual(extentOf([]), { height: 0, width: 0 });
});

/** NaN where the reference has NaN, ±∞ where it has ±∞, and the finite rest within REL_TOL. */
function assertSameWithNonFinite(got: Float32Array, want: Float32Array): void {
  const finite: number[] = [];
  for (let i = 0; i < want.length; i++) {
    if (Number.isFinite(want[i])) finite.push(i);
    else assert.ok(Object.is(got[i], want[i]), `element ${i}: ${got[i]}, cpu ${want[i]}`);
  }
  const err = relError(
    finite.map((i) => got[i]),
    finite.map((i) => want[i]),
  );
  assert.ok(err <= REL_TOL, `relative error ${err} on the finite entries`);
}

test('non-finite inputs give the NaN and ±∞ of cpu: skipped zero rows never turn 0 · ∞ into 0, Winograd gives way', async () => {
  const [n, h, w, c, co] = [2, 13, 13, 8, 8]; // the Winograd filter gradient applies when nothing is non-finite
  const run = (nonFinite: 'x below' | 'x right' | 'x inside' | 'dy inside' | 'filter' | 'none', dyZero: boolean) =>
    onWasmAndCpu(() => {
      const xv = rand([n, h, w, c], 91).dataSync().slice();
      // Read only by dropped outputs: (12, 12) by (10, 10); (5, 12) by (5, 10), (4, 10) and (3, 10).
      if (nonFinite === 'x below') xv[((1 * h + 12) * w + 12) * c + 3] = Infinity;
      if (nonFinite === 'x right') xv[((0 * h + 5) * w + 12) * c + 6] = -Infinity;
      // Read by live outputs too: the Winograd filter gradient must then give way to the direct sum.
      if (nonFinite === 'x inside') xv[((1 * h + 5) * w + 6) * c + 2] = Infinity;
      const x = tf.tensor(xv, [n, h, w, c]);
      const fv = rand([3, 3, c, co], 92).dataSync().slice();
      if (nonFinite === 'filter') fv[(2 * 3 + 2) * c * co + 5] = -Infinity;
      const filter = tf.tensor(fv, [3, 3, c, co]);
      // dy of an 11×11 output whose last row and column are zero, or zero everywhere.
      const mask = tf.tensor4d(
        Array.from({ length: 11 * 11 }, (_, p) => (!dyZero && p % 11 < 10 && p < 110 ? 1 : 0)),
        [1, 11, 11, 1],
      );
      const dyv = tf.mul(rand([n, 11, 11, co], 93), mask);
      const dy =
        nonFinite === 'dy inside'
          ? tf.add(
              dyv,
              tf
                .oneHot([3 * 11 + 4], 121)
                .reshape([1, 11, 11, 1])
                .mul(Infinity),
            )
          : dyv;
      const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC' } as const;
      const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, c, co] });
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [n, h, w, c] });
      return [dW as tf.Tensor, dx as tf.Tensor];
    });
  for (const [nonFinite, dyZero] of [
    ['x below', false],
    ['x right', false],
    ['x inside', false],
    ['dy inside', false],
    ['filter', false],
    ['x below', true],
    ['none', true],
  ] as const) {
    const r = await run(nonFinite, dyZero);
    const nonFiniteCounts = r.cpu.map((a) => a.filter((v) => !Number.isFinite(v)).length);
    if (nonFinite !== 'none') {
      assert.ok(
        nonFiniteCounts.some((k) => k > 0),
        `the ${nonFinite} case must give non-finite values on cpu`,
      );
    }
    r.wasm.forEach((got, i) => assertSameWithNonFinite(got, r.cpu[i]));
  }
});

test('the new conv gradient paths leave no tensors or heap buffers behind', async () => {
  await bothBackends();
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  for (const c of cases.filter((k) => k.name.startsWith('several') || k.name.includes('same'))) {
    tf.tidy(() => {
      const x = rand(c.x, 1) as tf.Tensor4D;
      const f = rand(c.f, 2) as tf.Tensor4D;
      tf.grads((a: tf.Tensor, w: tf.Tensor) => {
        const y = tf.relu(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad));
        return tf.sum(tf.maxPool(y as tf.Tensor4D, c.pool, c.pool, 'valid'));
      })([x, f]);
    });
  }
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), before);
});
