/**
 * `MaxPoolGrad` for `wasm`. The stock C++ kernel seeds its running maximum with the smallest
 * *positive* float instead of −∞, so every window whose values are all ≤ 0 loses its gradient.
 *
 *     dx[n, ih, iw, c] = Σ_{windows (oh, ow) whose first arg-max is (ih, iw)} dy[n, oh, ow, c]
 *
 * The arg-max is recomputed from the forward input, starting at −∞ and keeping the first
 * strictly larger value (the tie rule of the `cpu` kernel); padded positions never win.
 * On this project's SIMD module four channels are scanned at once (`max_pool_grad`); the JS
 * fallback scans windows tap by tap with the channel loop innermost, so reads are contiguous.
 */
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: WasmBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const { dy, input } = args.inputs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    effectiveFilterHeight: kh,
    effectiveFilterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;

  const dx = backend.makeOutput([...input.shape], 'float32');
  const simd = simdFor(backend);
  if (simd !== undefined) {
    simd.max_pool_grad(
      byteOffset(backend, input),
      byteOffset(backend, dy),
      byteOffset(backend, dx),
      n,
      h,
      w,
      c,
      oh,
      ow,
      sh,
      sw,
      kh,
      kw,
      top,
      left,
    );
    return dx;
  }
  const heap = heapF32(backend); // after the allocation: it may have grown the heap
  const xOff = byteOffset(backend, input) / 4;
  const dyOff = byteOffset(backend, dy) / 4;
  const dxOff = byteOffset(backend, dx) / 4;
  heap.fill(0, dxOff, dxOff + n * h * w * c);

  const best = new Float32Array(c);
  const at = new Int32Array(c); // element offset (relative to the batch) of each channel's arg-max
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(0, i * sh - top);
      const r1 = Math.min(h, i * sh - top + kh);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(0, j * sw - left);
        const c1 = Math.min(w, j * sw - left + kw);
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const p = (r * w + q) * c;
            for (let e = 0; e < c; e++) {
              const v = heap[xOff + base + p + e];
              if (v > best[e]) {
                best[e] = v;
                at[e] = p + e;
              }
            }
          }
        }
        const g = dyOff + ((b * oh + i) * ow + j) * c;
        for (let e = 0; e < c; e++) {
          if (at[e] >= 0) heap[dxOff + base + at[e]] += heap[g + e]; // a window of NaNs has no arg-max
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
