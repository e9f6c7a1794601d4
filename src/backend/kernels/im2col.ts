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
 * are contiguous in NHWC on both sides.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

/** Runs shorter than this are copied element by element; longer ones with `copyWithin`. */
const RUN_COPY_MIN = 16;

/** cols[r, k] ← x (see the file comment). Offsets are in elements of `heap`. */
export function im2col(heap: Float32Array, xOff: number, colsOff: number, info: backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
    filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  let dst = colsOff;
  for (let b = 0; b < n; b++) {
    const xb = xOff + b * h * w * c;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - top + p * dh;
          const rowOk = ih >= 0 && ih < h;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - left + q * dw;
            if (!rowOk || iw < 0 || iw >= w) {
              heap.fill(0, dst, dst + c); // padding contributes zeros
            } else {
              const src = xb + (ih * w + iw) * c;
              if (c < RUN_COPY_MIN) for (let e = 0; e < c; e++) heap[dst + e] = heap[src + e];
              else heap.copyWithin(dst, src, src + c);
            }
            dst += c;
          }
        }
      }
    }
  }
}

/**
 * dx += col2im(dcols): the adjoint of {@link im2col}. Each column-matrix entry is added back
 * to the input pixel it was read from; entries that came from padding are dropped.
 * `dx` must be zeroed by the caller.
 */
export function col2im(heap: Float32Array, colsOff: number, dxOff: number, info: backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
    filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  let src = colsOff;
  for (let b = 0; b < n; b++) {
    const xb = dxOff + b * h * w * c;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - top + p * dh;
          const rowOk = ih >= 0 && ih < h;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - left + q * dw;
            if (rowOk && iw >= 0 && iw < w) {
              const dst = xb + (ih * w + iw) * c;
              for (let e = 0; e < c; e++) heap[dst + e] += heap[src + e];
            }
            src += c;
          }
        }
      }
    }
  }
}
