/**
 * `Conv2DBackpropFilter` for `wasm` (missing from the stock backend, so no conv layer trains).
 *
 *     dW[kh, kw, c, co] = Σ_{n, oh, ow} x[n, oh·sh − pt + kh, ow·sw − pl + kw, c] · dy[n, oh, ow, co]
 *                       = (colsᵀ · dy)[(kh, kw, c), co]
 *
 * with cols = im2col(x) of shape [N·OH·OW, KH·KW·C]. With this project's SIMD module, cols is
 * built there and multiplied by dy (viewed as [N·OH·OW, CO]) on its GEMM, which reads cols
 * transposed in place; the product [KH·KW·C, CO] is already the filter layout. That runs in
 * chunks of images, skips all-zero trailing rows and columns of dy and, for one input channel,
 * builds colsᵀ from whole input rows (see filterGradSimd). Without the SIMD module,
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
import { filterGradWinograd, winogradFilterGradApplies } from './filter-grad-winograd.js';
import { im2col, im2colT, imagesPerChunk } from './im2col.js';
import { allFinite, finiteWhereDropped, liveExtentOf, MIN_K_TO_TRIM, type LiveExtent } from './live-output.js';
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
import { simdFor, type SimdKernels } from './simd.js';

/**
 * dW on the SIMD module, in chunks of images whose column matrix stays in cache: per chunk,
 * dW (+)= colsᵀ · dy on our GEMM (cols read transposed in place, the product [KH·KW·C, CO]
 * already in filter layout), the chunks' products summed. Only the live part of dy enters
 * (see live-output.ts: all-zero trailing output rows and columns are skipped when the inputs
 * they read are finite).
 * With one input channel and unit horizontal stride, colsᵀ is built directly as KH·KW runs
 * of input rows (`copy_runs`) instead of by im2col, whose runs would be single floats.
 */
function filterGradSimd(
  backend: WasmBackend,
  simd: SimdKernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  out: TensorInfo,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const taps = info.filterHeight * info.filterWidth;
  const k = taps * c;
  let live: LiveExtent = k >= MIN_K_TO_TRIM ? liveExtentOf(backend, simd, dy) : { height: oh, width: ow };
  const rowFrom = live.height * info.strideHeight - info.padInfo.top;
  const colFrom = live.width * info.strideWidth - info.padInfo.left;
  if (
    (live.height < oh || live.width < ow) &&
    !finiteWhereDropped(backend, simd, byteOffset(backend, x), { n, h, w, c }, rowFrom, colFrom)
  ) {
    live = { height: oh, width: ow }; // 0 · ∞ must still give NaN
  }
  const trimmed = live.height < oh || live.width < ow;
  const outOff = byteOffset(backend, out);
  if (live.height === 0 || live.width === 0) {
    heapF32(backend).fill(0, outOff / 4, outOff / 4 + k * co); // dy = 0
    return;
  }
  if (winogradFilterGradApplies(info, live)) {
    filterGradWinograd(backend, simd, x, dy, info, live, out);
    if (allFinite(backend, simd, outOff, k * co)) return;
  }
  const liveInfo = { ...info, outHeight: live.height, outWidth: live.width };
  const pixels = live.height * live.width;
  const direct = c === 1 && info.strideWidth === 1;
  const padded = direct ? paddedSingleChannel(backend, simd, x, liveInfo) : undefined;
  const g = imagesPerChunk(n, pixels * k);
  const cols = backend.makeOutput([g * pixels * k], 'float32');
  const dyLive = trimmed ? backend.makeOutput([g * pixels * co], 'float32') : undefined;
  const part = n > g ? backend.makeOutput([k * co], 'float32') : undefined;
  for (let b0 = 0; b0 < n; b0 += g) {
    const gb = Math.min(g, n - b0);
    const rows = gb * pixels;
    const colsOff = byteOffset(backend, cols);
    if (padded !== undefined) {
      const { t, hp, wp } = padded;
      const src = byteOffset(backend, t) + 4 * b0 * hp * wp;
      for (let p = 0; p < info.filterHeight; p++) {
        for (let q = 0; q < info.filterWidth; q++) {
          const dst = colsOff + 4 * (p * info.filterWidth + q) * rows;
          simd.copy_runs(
            src + 4 * (p * wp + q),
            dst,
            live.width,
            gb,
            hp * wp,
            live.height,
            info.strideHeight * wp,
            1,
            0,
          );
        }
      }
    } else {
      im2col(
        heapF32(backend),
        byteOffset(backend, x) / 4 + b0 * h * w * c,
        colsOff / 4,
        { ...liveInfo, batchSize: gb },
        simd,
      );
    }
    let dyOff = byteOffset(backend, dy) + 4 * b0 * oh * ow * co;
    if (dyLive !== undefined) {
      simd.copy_runs(dyOff, byteOffset(backend, dyLive), live.width * co, gb, oh * ow * co, live.height, ow * co, 1, 0);
      dyOff = byteOffset(backend, dyLive);
    }
    const dst = b0 === 0 ? outOff : byteOffset(backend, part!);
    // A(i, r) = cols[r, i] (rs 1, cs K), or colsᵀ[i, r] as built directly (rs rows, cs 1).
    const [rs, cs] = padded !== undefined ? [rows, 1] : [1, k];
    simd.gemm(colsOff, dyOff, dst, 1, k, rows, co, 0, 0, 0, rs, cs);
    if (b0 > 0) simd.binary_f32(0, outOff, 0, dst, 0, outOff, 1, k * co);
  }
  for (const t of [cols, dyLive, part]) if (t !== undefined) free(backend, t);
  if (padded?.owned === true) free(backend, padded.t);
}

/**
 * For one input channel: x itself when every window of the live output lies inside it, else a
 * copy with the padding written out as zeros, so that each window row is a plain run of floats.
 * Its images are hp × wp, with the window of output (i, j) starting at row i·sh, column j.
 */
function paddedSingleChannel(
  backend: WasmBackend,
  simd: SimdKernels,
  x: TensorInfo,
  info: backend_util.Conv2DInfo,
): { t: TensorInfo; hp: number; wp: number; owned: boolean } {
  const { batchSize: n, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const hp = Math.max(top + h, (info.outHeight - 1) * info.strideHeight + info.filterHeight);
  const wp = Math.max(left + w, info.outWidth - 1 + info.filterWidth);
  if (hp === h && wp === w) return { t: x, hp, wp, owned: false };
  const t = backend.makeOutput([n * hp * wp], 'float32');
  const dst = byteOffset(backend, t);
  heapF32(backend).fill(0, dst / 4, dst / 4 + n * hp * wp);
  const src = byteOffset(backend, x);
  for (let b = 0; b < n; b++) {
    simd.copy_strided(src + 4 * b * h * w, dst + 4 * ((b * hp + top) * wp + left), w, h, w, wp);
  }
  return { t, hp, wp, owned: true };
}

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
    filterGradSimd(backend, simd, x, dy, info, out);
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
