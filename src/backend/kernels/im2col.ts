/**
 * im2col / col2im for NHWC convolutions, on flat float32 arrays (the wasm heap).
 *
 * For a convolution with input x[N, H, W, C], output y[N, OH, OW, ·] and a KH×KW window,
 * the column matrix has one row per output pixel r = (n, oh, ow) and one column per
 * window tap and channel k = (kh, kw, c):
 *
 *     cols[r, k] = x[n, oh·sh − padTop + kh·dh, ow·sw − padLeft + kw·dw, c]   (0 outside x)
 *
 * so that a convolution is cols · W[K, CO], its filter gradient colsᵀ · dy and its input
 * gradient col2im(dy · Wᵀ). Both directions move whole channel runs of length C, which
 * are contiguous in NHWC on both sides. With this project's SIMD module the loops run there
 * (`im2col`, `col2im` in ../simd/kernels.c); the JS loops below are the fallback.
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import type { SimdKernels } from './simd.js';

function params(info: backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.filterHeight,
    info.filterWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.dilationHeight,
    info.dilationWidth,
  ];
}

/**
 * Visits every (output pixel r, window tap) pair in column-matrix order: `visit(r, k, pixel)` with k
 * the tap's first column (tap·C) and `pixel` the element offset of x[n, ih, iw, 0] relative to the
 * start of x, or −1 where the tap falls on padding. The three fallback loops below are this walk.
 */
function forEachPatch(info: backend_util.Conv2DInfo, visit: (r: number, k: number, pixel: number) => void): void {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;
  let r = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, r++) {
        let k = 0;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - top + p * dh;
          const rowOk = ih >= 0 && ih < h;
          for (let q = 0; q < kw; q++, k += c) {
            const iw = j * sw - left + q * dw;
            visit(r, k, rowOk && iw >= 0 && iw < w ? ((b * h + ih) * w + iw) * c : -1);
          }
        }
      }
    }
  }
}

/** Runs shorter than this are copied element by element; longer ones with `copyWithin`. */
const RUN_COPY_MIN = 16;

/** cols[r, k] ← x (see the file comment). Offsets are in elements of `heap`. */
export function im2col(
  heap: Float32Array,
  xOff: number,
  colsOff: number,
  info: backend_util.Conv2DInfo,
  simd?: SimdKernels,
): void {
  if (simd !== undefined) {
    const [n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw] = params(info);
    simd.im2col(4 * xOff, 4 * colsOff, n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw);
    return;
  }
  const c = info.inChannels;
  const cols = info.filterHeight * info.filterWidth * c;
  forEachPatch(info, (r, k, pixel) => {
    const dst = colsOff + r * cols + k;
    if (pixel < 0)
      heap.fill(0, dst, dst + c); // padding contributes zeros
    else if (c < RUN_COPY_MIN) for (let e = 0; e < c; e++) heap[dst + e] = heap[xOff + pixel + e];
    else heap.copyWithin(dst, xOff + pixel, xOff + pixel + c);
  });
}

/** colsT[k, r] = cols[r, k]: the transposed column matrix, written directly. */
export function im2colT(
  heap: Float32Array,
  xOff: number,
  colsTOff: number,
  info: backend_util.Conv2DInfo,
  simd?: SimdKernels,
): void {
  if (simd !== undefined) {
    const [n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw] = params(info);
    simd.im2col_t(4 * xOff, 4 * colsTOff, n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw);
    return;
  }
  const c = info.inChannels;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  forEachPatch(info, (r, k, pixel) => {
    for (let e = 0; e < c; e++) heap[colsTOff + (k + e) * rows + r] = pixel < 0 ? 0 : heap[xOff + pixel + e];
  });
}

/**
 * dx = col2im(dcols): the adjoint of {@link im2col}. Each column-matrix entry is added back
 * to the input pixel it was read from; entries that came from padding are dropped.
 */
export function col2im(
  heap: Float32Array,
  colsOff: number,
  dxOff: number,
  info: backend_util.Conv2DInfo,
  simd?: SimdKernels,
): void {
  if (simd !== undefined) {
    const [n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw] = params(info);
    simd.col2im(4 * colsOff, 4 * dxOff, n, h, w, c, oh, ow, sh, sw, kh, kw, top, left, dh, dw);
    return;
  }
  heap.fill(0, dxOff, dxOff + info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  const c = info.inChannels;
  const cols = info.filterHeight * info.filterWidth * c;
  forEachPatch(info, (r, k, pixel) => {
    if (pixel < 0) return; // entries read from padding have nowhere to go
    const src = colsOff + r * cols + k;
    const dst = dxOff + pixel;
    for (let e = 0; e < c; e++) heap[dst + e] += heap[src + e];
  });
}

/** Bytes of column matrix built per chunk: a half of a core's L2 on the benchmark machine (512 KiB per core, lscpu). */
const CHUNK_BYTES = 256 * 1024;

/**
 * How many images of a batch of `n` to put in one chunk of column matrix (`floatsPerImage` each,
 * at most `bytes` per chunk) so that a chunk stays in cache between being written and being read by the GEMM: chunks of
 * equal size, at least one image. On the benchmark CNN's second layer this made dx and dW faster than
 * one whole-batch column matrix, and chunks of 1 to 16 images measured alike.
 */
export function imagesPerChunk(n: number, floatsPerImage: number, bytes = CHUNK_BYTES): number {
  const fit = Math.max(1, Math.floor(bytes / (4 * Math.max(1, floatsPerImage))));
  return Math.ceil(n / Math.ceil(n / Math.min(n, fit)));
}
