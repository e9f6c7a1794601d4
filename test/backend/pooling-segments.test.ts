// Max-pooling gradients (including windows whose values are all negative, which the stock
// wasm kernel gets wrong) and UnsortedSegmentSum (the gradient of gather and embeddings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerWasmKernels, unregisterWasmKernels } from '../../src/backend/index.js';
import { bothBackends, onWasmAndCpu, rand, randoms, REL_TOL, relError, tf, worstRelError } from './helpers.js';

const pools: Array<{
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}> = [
  { x: [2, 6, 6, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 5, 2], size: 3, strides: 2, pad: 'same' },
  { x: [1, 6, 7, 4], size: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [2, 7, 9, 6], size: 2, strides: 2, pad: 'valid' }, // tiling windows, leftover row and column
  { x: [1, 9, 8, 5], size: [3, 2], strides: [3, 2], pad: 'valid' },
];

for (const [i, c] of pools.entries()) {
  test(`maxPool gradient matches cpu for x ${c.x.join('×')}, window ${c.size}, strides ${c.strides}, ${c.pad}`, async () => {
    const r = await onWasmAndCpu(() => {
      const x = rand(c.x, 100 + i) as tf.Tensor4D;
      return tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad))))(x);
    });
    assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
  });
}

const allNegative = () => {
  // Every value is in (−2, −1): every pooling window has a negative maximum.
  const x = tf.tensor(
    Array.from(randoms(2 * 6 * 6 * 3, 7), (v) => v / 2 - 1.5),
    [2, 6, 6, 3],
  ) as tf.Tensor4D;
  return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x);
};

test('maxPool gradients follow the cpu tie and NaN rules on tiling windows', async () => {
  const r = await onWasmAndCpu(() => {
    // Ties (repeated values), NaNs and −∞ inside 2×2 windows, 8 channels (two SIMD lanes' worth).
    const vals = Array.from(randoms(2 * 4 * 6 * 8, 8), (v, i) =>
      i % 7 === 0 ? 0.5 : i % 11 === 0 ? NaN : i % 13 === 0 ? -Infinity : Math.round(v * 2) / 2,
    );
    const x = tf.tensor(vals, [2, 4, 6, 8]) as tf.Tensor4D;
    return tf.grad((a: tf.Tensor) =>
      tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), rand([2, 2, 3, 8], 9))),
    )(x);
  });
  assert.deepEqual(Array.from(r.wasm[0]), Array.from(r.cpu[0]));
});

test('maxPool routes the gradient of all-negative windows to their maximum', async () => {
  const r = await onWasmAndCpu(allNegative);
  const grad = r.wasm[0];
  // One unit of gradient per window: 2·3·3 windows per channel, 3 channels.
  assert.equal(
    grad.reduce((s, v) => s + v, 0),
    2 * 3 * 3 * 3,
  );
  assert.deepEqual(Array.from(grad), Array.from(r.cpu[0]));
});

test('the stock wasm MaxPoolGrad drops those gradients (why we replace it)', async () => {
  await bothBackends();
  unregisterWasmKernels();
  try {
    // The correct total is one unit per window (54); the stock kernel loses most of it.
    const stock = tf.tidy(() => Array.from(allNegative().dataSync() as Float32Array).reduce((s, v) => s + v, 0));
    assert.notEqual(stock, 2 * 3 * 3 * 3);
  } finally {
    registerWasmKernels();
  }
});

test('unsortedSegmentSum matches cpu, dropping out-of-range ids', async () => {
  const r = await onWasmAndCpu(() => {
    const x = rand([7, 3, 2], 200);
    const ids = tf.tensor1d([4, 0, 4, -1, 2, 9, 0], 'int32');
    return tf.unsortedSegmentSum(x, ids, 5);
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('unsortedSegmentSum sums int32 values exactly', async () => {
  const r = await onWasmAndCpu(() => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 2, 2], 'int32');
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    return tf.unsortedSegmentSum(x, ids, 3);
  });
  assert.deepEqual(Array.from(r.wasm[0]), Array.from(r.cpu[0]));
});

test('the gradient of gather matches cpu, including repeated indices', async () => {
  const r = await onWasmAndCpu(() => {
    const table = rand([6, 4], 300);
    const idx = tf.tensor2d(
      [
        [1, 5, 1],
        [0, 1, 3],
      ],
      [2, 3],
      'int32',
    );
    return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))))(table);
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test("an embedding model's gradient matches cpu", async () => {
  const r = await onWasmAndCpu(() => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 4, embeddingsInitializer: 'glorotUniform' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    model.setWeights(model.getWeights().map((w, i) => rand(w.shape, 400 + i)));
    const ids = tf.tensor2d(
      [
        [1, 2, 2, 10],
        [0, 3, 1, 1],
        [7, 7, 7, 7],
      ],
      [3, 4],
      'int32',
    );
    const labels = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(ids) as tf.Tensor) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const out = Object.values(grads);
    model.dispose();
    return out;
  });
  assert.equal(r.wasm.length, 3);
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
  assert.ok(relError(r.wasm[0], new Float32Array(r.wasm[0].length)) > 0, 'embedding gradient is not zero');
});
