/**
 * `Conv2DBackpropFilter` for `wasm` (missing from the stock backend, so no conv layer trains).
 *
 *     dW[kh, kw, c, co] = Σ_{n, oh, ow} x[n, oh·sh − pt + kh, ow·sw − pl + kw, c] · dy[n, oh, ow, co]
 *                       = (colsᵀ · dy)[(kh, kw, c), co]
 *
 * with cols = im2col(x) of shape [N·OH·OW, KH·KW·C]. With this project's SIMD module, cols is
 * built there and multiplied by dy (viewed as [N·OH·OW, CO]) on its GEMM, which reads cols
 * transposed in place; the product [KH·KW·C, CO] is already the filter layout. Without it,
 * cols is built transposed in JS and the product runs on the backend's XNNPACK path (which
 * packs dy), or as dWᵀ = dyᵀ · cols when the filter has fewer taps than outputs (C = 1).
 * (Handing the gradient to XNNPACK as a convolution of x with dy as its filter was measured
 * slower: 15.7 against ~11 ms on the benchmark CNN's second layer.)
 * NCHW inputs are transposed to NHWC first. Gradients of dilated convolutions are refused by
 * tfjs-core itself, so dilation is 1 here.
 */
import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { im2col, im2colT } from './im2col.js';
import {
  byteOffset,
  free,
  heapF32,
  heapView,
  matMul2d,
  releaseView,
  tensorId,
  transpose,
  type WasmBackend,
} from './heap.js';
import { simdFor } from './simd.js';

function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const nchw = attrs.dataFormat === 'NCHW';
  // Our im2col walks NHWC; an NCHW call pays two transposes rather than a second code path.
  const x = nchw ? transpose(backend, args.inputs.x, [0, 2, 3, 1]) : args.inputs.x;
  const dy = nchw ? transpose(backend, args.inputs.dy, [0, 2, 3, 1]) : args.inputs.dy;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
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

  const out = backend.makeOutput([...attrs.filterShape], 'float32');
  const simd = simdFor(backend);
  if (rows === 0 || k === 0) {
    heapF32(backend).fill(0, byteOffset(backend, out) / 4, byteOffset(backend, out) / 4 + k * co);
  } else if (simd !== undefined) {
    // dW = colsᵀ · dy on our GEMM, reading cols transposed in place: one im2col, no packing.
    const cols = backend.makeOutput([rows, k], 'float32');
    im2col(heapF32(backend), byteOffset(backend, x) / 4, byteOffset(backend, cols) / 4, info, simd);
    simd.gemm(
      byteOffset(backend, cols),
      byteOffset(backend, dy),
      byteOffset(backend, out),
      1,
      k,
      rows,
      co,
      0,
      0,
      0,
      1,
      k,
    );
    free(backend, cols);
  } else {
    if (k >= co) {
      // dW = colsᵀ · dy: XNNPACK's GEMM wants many left rows, here KH·KW·C.
      const colsT = backend.makeOutput([k, rows], 'float32');
      im2colT(heapF32(backend), byteOffset(backend, x) / 4, byteOffset(backend, colsT) / 4, info, simdFor(backend));
      // dy enters as XNNPACK's cached "weights" operand: a fresh id makes the packing belong
      // to this [rows, co] view and be dropped with it.
      const dyView = heapView(backend, byteOffset(backend, dy), [rows, co]);
      matMul2d(backend, tensorId(backend, colsT), k, rows, tensorId(backend, dyView), co, tensorId(backend, out));
      releaseView(backend, dyView);
      free(backend, colsT);
    } else {
      // Few filter taps: dWᵀ = dyᵀ · cols has CO left rows; then the small [CO, K] result is transposed.
      const cols = backend.makeOutput([rows, k], 'float32');
      im2col(heapF32(backend), byteOffset(backend, x) / 4, byteOffset(backend, cols) / 4, info, simdFor(backend));
      const dyT = transpose(backend, { dataId: dy.dataId, shape: [rows, co], dtype: 'float32' }, [1, 0]);
      const colsView = heapView(backend, byteOffset(backend, cols), [rows, k]);
      const dWT = backend.makeOutput([co, k], 'float32');
      matMul2d(backend, tensorId(backend, dyT), co, rows, tensorId(backend, colsView), k, tensorId(backend, dWT));
      releaseView(backend, colsView);
      free(backend, dyT);
      free(backend, cols);
      const dW = transpose(backend, dWT, [1, 0]);
      free(backend, dWT);
      const o = byteOffset(backend, out) / 4;
      heapF32(backend).copyWithin(o, byteOffset(backend, dW) / 4, byteOffset(backend, dW) / 4 + k * co);
      free(backend, dW);
    }
  }
  if (nchw) {
    free(backend, x);
    free(backend, dy);
  }
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
