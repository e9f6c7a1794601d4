/**
 * `DepthwiseConv2dNativeBackpropInput` for `wasm` (missing from the stock backend). NHWC,
 * channel multiplier M:
 *
 *     dx[n, ih, iw, c] = Σ_{(oh, ow, kh, kw) : oh·sh − pt + kh·dh = ih, ow·sw − pl + kw·dw = iw}
 *                          Σ_m dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]
 *
 * A direct scatter over output pixels and taps, accumulated in float64 and stored once.
 */
import { backend_util, type DepthwiseConv2dNativeBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';

function depthwiseBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackend; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const { dy, filter } = args.inputs;
  const info = backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const mult = co / c;
  const acc = new Float64Array(n * h * w * c);

  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  const heap = heapF32(backend);
  const dyOff = byteOffset(backend, dy) / 4;
  const wOff = byteOffset(backend, filter) / 4;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const g = dyOff + ((b * oh + i) * ow + j) * co;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - top + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - left + q * dw;
            if (iw < 0 || iw >= w) continue;
            const dst = ((b * h + ih) * w + iw) * c;
            const tap = wOff + (p * kw + q) * c * mult;
            for (let e = 0; e < c; e++) {
              let s = 0;
              for (let m = 0; m < mult; m++) s += heap[g + e * mult + m] * heap[tap + e * mult + m];
              acc[dst + e] += s;
            }
          }
        }
      }
    }
  }
  heap.set(acc, byteOffset(backend, dx) / 4);
  return dx;
}

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
