/**
 * `DepthwiseConv2dNativeBackpropFilter` for `wasm` (missing from the stock backend, so no
 * depthwise or separable convolution trains). NHWC, channel multiplier M:
 *
 *     dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw, c] · dy[n, oh, ow, c·M + m]
 *
 * Each channel is its own tiny convolution, so there is no large product to hand to XNNPACK:
 * a direct JS loop, accumulated in float64 (the `cpu` kernel's precision) and stored once.
 */
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { forEachDepthwiseTap } from './depthwise-taps.js';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';

function depthwiseBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const { x, dy } = args.inputs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const { inChannels: c, outChannels: co, filterHeight: kh, filterWidth: kw } = info;
  const mult = co / c;
  const acc = new Float64Array(kh * kw * c * mult);

  const out = backend.makeOutput([...attrs.filterShape], 'float32');
  const heap = heapF32(backend);
  const xOff = byteOffset(backend, x) / 4;
  const dyOff = byteOffset(backend, dy) / 4;
  forEachDepthwiseTap(info, (dyPixel, xPixel, t) => {
    const g = dyOff + dyPixel;
    const src = xOff + xPixel;
    const tap = t * c * mult;
    for (let e = 0; e < c; e++) {
      const xv = heap[src + e];
      for (let m = 0; m < mult; m++) acc[tap + e * mult + m] += xv * heap[g + e * mult + m];
    }
  });
  heap.set(acc, byteOffset(backend, out) / 4);
  return out;
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};
