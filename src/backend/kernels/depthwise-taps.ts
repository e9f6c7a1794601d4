import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * Visits every (output pixel, filter tap) pair of an NHWC depthwise convolution whose input pixel
 * lies inside the image (padding contributes nothing): `visit(dyPixel, xPixel, tap)` with the
 * element offsets of dy[b, i, j, 0] and x[b, ih, iw, 0] and the tap index p·kw + q, where
 * ih = i·sh − top + p·dh and iw = j·sw − left + q·dw. Both depthwise gradients are this walk with a
 * different inner product.
 */
export function forEachDepthwiseTap(
  info: backend_util.Conv2DInfo,
  visit: (dyPixel: number, xPixel: number, tap: number) => void,
): void {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
    outChannels: co,
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const dyPixel = ((b * oh + i) * ow + j) * co;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - top + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - left + q * dw;
            if (iw < 0 || iw >= w) continue;
            visit(dyPixel, ((b * h + ih) * w + iw) * c, p * kw + q);
          }
        }
      }
    }
  }
}
