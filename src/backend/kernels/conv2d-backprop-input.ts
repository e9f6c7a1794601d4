/**
 * `Conv2DBackpropInput` for `wasm` (the stock kernel is a scalar C++ loop, ~12× slower than
 * the forward convolution).
 *
 *     dx = col2im(dy · Wᵀ),   dy viewed as [N·OH·OW, CO],  W viewed as [KH·KW·C, CO]
 *
 * The product runs on this project's SIMD GEMM (else the backend's XNNPACK matmul) after
 * transposing the (small) filter; the scatter-add back to the input layout (col2im) on the
 * SIMD module, or in JS.
 * (Handing the whole gradient to XNNPACK as a convolution with the turned filter was measured
 * slower: 13.7 against 10.3 ms for this product on the benchmark CNN's second layer, min of 25.)
 */
import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { col2im } from './im2col.js';
import { byteOffset, free, heapF32, matMul2d, tensorId, transpose, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const { filter } = args.inputs;
  const nchw = attrs.dataFormat === 'NCHW';
  const [n, d1, d2, d3] = attrs.inputShape;
  const nhwcShape: [number, number, number, number] = nchw ? [n, d2, d3, d1] : [n, d1, d2, d3];
  const dy = nchw ? transpose(backend, args.inputs.dy, [0, 2, 3, 1]) : args.inputs.dy;
  const info = backend_util.computeConv2DInfo(
    nhwcShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;

  const dx = backend.makeOutput(nhwcShape, 'float32');
  const dxOff = byteOffset(backend, dx) / 4;
  if (rows > 0 && k > 0 && co > 0) {
    const simd = simdFor(backend);
    const wT = transpose(backend, { dataId: filter.dataId, shape: [k, co], dtype: 'float32' }, [1, 0]);
    const dcols = backend.makeOutput([rows, k], 'float32');
    if (simd !== undefined) {
      simd.gemm(
        byteOffset(backend, dy),
        byteOffset(backend, wT),
        byteOffset(backend, dcols),
        1,
        rows,
        co,
        k,
        0,
        0,
        0,
        co,
        1,
      );
    } else {
      matMul2d(backend, tensorId(backend, dy), rows, co, tensorId(backend, wT), k, tensorId(backend, dcols));
    }
    free(backend, wT);
    col2im(heapF32(backend), byteOffset(backend, dcols) / 4, dxOff, info, simdFor(backend));
    free(backend, dcols);
  } else {
    heapF32(backend).fill(0, dxOff, dxOff + n * nhwcShape[1] * nhwcShape[2] * nhwcShape[3]);
  }
  if (!nchw) return dx;
  free(backend, dy);
  const dxNchw = transpose(backend, dx, [0, 3, 1, 2]);
  free(backend, dx);
  return dxNchw;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
