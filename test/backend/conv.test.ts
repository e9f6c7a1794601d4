// Convolution gradients on wasm (our Conv2DBackpropFilter / Conv2DBackpropInput and the
// depthwise pair) agree with the cpu backend through tf.grad, on random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onWasmAndCpu, rand, REL_TOL, tf, worstRelError } from './helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const cases: Case[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 9, 9, 2], f: [5, 5, 2, 3], strides: 1, pad: 'valid' },
  { x: [2, 8, 7, 1], f: [3, 2, 1, 5], strides: [2, 1], pad: 'valid' },
  { x: [1, 6, 6, 17], f: [1, 1, 17, 2], strides: 1, pad: 'valid' }, // channel runs long enough for copyWithin
  { x: [2, 6, 6, 1], f: [3, 3, 1, 12], strides: 1, pad: 'same' }, // fewer taps than filters: the dyᵀ·cols path
  {
    x: [1, 5, 6, 2],
    f: [3, 3, 2, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
];

const label = (c: Case) =>
  `x ${c.x.join('×')}, filter ${c.f.join('×')}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;

for (const [i, c] of cases.entries()) {
  test(`conv2d gradients match cpu for ${label(c)}`, async () => {
    const r = await onWasmAndCpu(() => {
      const x = rand(c.x, 10 + i) as tf.Tensor4D;
      const f = rand(c.f, 20 + i) as tf.Tensor4D;
      // A non-uniform upstream gradient: sum of squares of the output.
      return tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad))),
      )([x, f]);
    });
    assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)} > ${REL_TOL}`);
  });
}

test('conv2d gradients match cpu in NCHW layout (direct kernel calls)', async () => {
  const r = await onWasmAndCpu(() => {
    const x = rand([2, 3, 6, 5], 31);
    const dy = rand([2, 4, 3, 3], 32);
    const f = rand([3, 3, 3, 4], 33);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined } as never;
    const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      ...(attrs as object),
      filterShape: [3, 3, 3, 4],
    } as never) as tf.Tensor;
    const dX = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, {
      ...(attrs as object),
      inputShape: [2, 3, 6, 5],
    } as never) as tf.Tensor;
    return [dW, dX];
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

test('a conv1d layer trains: its filter gradient matches cpu', async () => {
  const r = await onWasmAndCpu(() => {
    const x = rand([3, 11, 2], 41) as tf.Tensor3D;
    const f = rand([3, 2, 4], 42) as tf.Tensor3D;
    return tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv1d(x, w as tf.Tensor3D, 2, 'same'))))(f);
  });
  assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
});

const depthwise: Array<{
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}> = [
  { x: [2, 6, 7, 3], f: [3, 3, 3, 2], strides: 1, pad: 'same' },
  { x: [1, 8, 8, 4], f: [3, 3, 4, 1], strides: 2, pad: 'valid' },
];
for (const [i, c] of depthwise.entries()) {
  test(`depthwiseConv2d gradients match cpu for x ${c.x.join('×')}, filter ${c.f.join('×')}, stride ${c.strides}, ${c.pad}`, async () => {
    const r = await onWasmAndCpu(() => {
      const x = rand(c.x, 50 + i) as tf.Tensor4D;
      const f = rand(c.f, 60 + i) as tf.Tensor4D;
      return tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad))),
      )([x, f]);
    });
    assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
  });
}

test('convolution kernels leave no tensors or heap buffers behind', async () => {
  await onWasmAndCpu(() => tf.scalar(0)); // initialise
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  tf.tidy(() => {
    const x = rand([2, 6, 6, 3], 1) as tf.Tensor4D;
    const f = rand([3, 3, 3, 4], 2) as tf.Tensor4D;
    tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')))([x, f]);
  });
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), before);
});
