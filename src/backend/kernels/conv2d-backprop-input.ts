/**
 * `Conv2DBackpropInput` for `wasm` (the stock kernel is a scalar C++ loop, ~12× slower than
 * the forward convolution).
 *
 *     dx = col2im(dy · Wᵀ),   dy viewed as [N·OH·OW, CO],  W viewed as [KH·KW·C, CO]
 *
 * The product runs on this project's SIMD GEMM (else the backend's XNNPACK matmul) after
 * transposing the (small) filter; the scatter-add back to the input layout (col2im) on the
 * SIMD module, or in JS. On the SIMD module both run in chunks of images and skip all-zero
 * trailing rows and columns of dy (see inputGradSimd).
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
import { col2im, imagesPerChunk } from './im2col.js';
import { allFinite, liveExtentOf, MIN_K_TO_TRIM, type LiveExtent } from './live-output.js';
import { byteOffset, free, heapF32, matMul2d, tensorId, transpose, type WasmBackend } from './heap.js';
import { simdFor, type SimdKernels } from './simd.js';

/**
 * dx on the SIMD module, in chunks of images whose column matrix stays in cache: per chunk,
 * dcols = dy · Wᵀ on our GEMM, then col2im into the chunk's images. Only the live part of dy
 * enters (see live-output.ts: all-zero trailing output rows and columns are skipped when W is finite).
 */
function inputGradSimd(
  backend: WasmBackend,
  simd: SimdKernels,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  dx: TensorInfo,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const k = info.filterHeight * info.filterWidth * c;
  let live: LiveExtent = k >= MIN_K_TO_TRIM ? liveExtentOf(backend, simd, dy) : { height: oh, width: ow };
  if ((live.height < oh || live.width < ow) && !allFinite(backend, simd, byteOffset(backend, filter), k * co)) {
    live = { height: oh, width: ow }; // 0 · ∞ must still give NaN
  }
  const trimmed = live.height < oh || live.width < ow;
  if (live.height === 0 || live.width === 0) {
    const o = byteOffset(backend, dx) / 4;
    heapF32(backend).fill(0, o, o + n * h * w * c); // dy = 0
    return;
  }
  const liveInfo = { ...info, outHeight: live.height, outWidth: live.width };
  const pixels = live.height * live.width;
  const wT = transpose(backend, { dataId: filter.dataId, shape: [k, co], dtype: 'float32' }, [1, 0]);
  const g = imagesPerChunk(n, pixels * k);
  const dcols = backend.makeOutput([g * pixels * k], 'float32');
  const dyLive = trimmed ? backend.makeOutput([g * pixels * co], 'float32') : undefined;
  for (let b0 = 0; b0 < n; b0 += g) {
    const gb = Math.min(g, n - b0);
    let dyOff = byteOffset(backend, dy) + 4 * b0 * oh * ow * co;
    if (dyLive !== undefined) {
      simd.copy_runs(dyOff, byteOffset(backend, dyLive), live.width * co, gb, oh * ow * co, live.height, ow * co, 1, 0);
      dyOff = byteOffset(backend, dyLive);
    }
    simd.gemm(dyOff, byteOffset(backend, wT), byteOffset(backend, dcols), 1, gb * pixels, co, k, 0, 0, 0, co, 1);
    const dxOff = byteOffset(backend, dx) / 4 + b0 * h * w * c;
    col2im(heapF32(backend), byteOffset(backend, dcols) / 4, dxOff, { ...liveInfo, batchSize: gb }, simd);
  }
  for (const t of [wT, dcols, dyLive]) if (t !== undefined) free(backend, t);
}

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
  const simd = simdFor(backend);
  if (rows > 0 && k > 0 && co > 0 && simd !== undefined) {
    inputGradSimd(backend, simd, dy, filter, info, dx);
  } else if (rows > 0 && k > 0 && co > 0) {
    const wT = transpose(backend, { dataId: filter.dataId, shape: [k, co], dtype: 'float32' }, [1, 0]);
    const dcols = backend.makeOutput([rows, k], 'float32');
    matMul2d(backend, tensorId(backend, dy), rows, co, tensorId(backend, wT), k, tensorId(backend, dcols));
    free(backend, wT);
    col2im(heapF32(backend), byteOffset(backend, dcols) / 4, dxOff, info);
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
