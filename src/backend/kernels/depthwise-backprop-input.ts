/**
 * `DepthwiseConv2dNativeBackpropInput` for `wasm` (missing from the stock backend). NHWC,
 * channel multiplier M:
 *
 *     dx[n, ih, iw, c] = Σ_{(oh, ow, kh, kw) : oh·sh − pt + kh·dh = ih, ow·sw − pl + kw·dw = iw}
 *                          Σ_m dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]
 *
 * A direct scatter over output pixels and taps, accumulated in float64 and stored once.
 */
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { forEachDepthwiseTap } from './depthwise-taps.js';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';

function depthwiseBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const { dy, filter } = args.inputs;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outChannels: co } = info;
  const mult = co / c;
  const acc = new Float64Array(n * h * w * c);

  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  const heap = heapF32(backend);
  const dyOff = byteOffset(backend, dy) / 4;
  const wOff = byteOffset(backend, filter) / 4;
  forEachDepthwiseTap(info, (dyPixel, xPixel, t) => {
    const g = dyOff + dyPixel;
    const tap = wOff + t * c * mult;
    for (let e = 0; e < c; e++) {
      let s = 0;
      for (let m = 0; m < mult; m++) s += heap[g + e * mult + m] * heap[tap + e * mult + m];
      acc[xPixel + e] += s;
    }
  });
  heap.set(acc, byteOffset(backend, dx) / 4);
  return dx;
}

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
