/**
 * `Sum` for `wasm`. The stock kernel first transposes the reduced axes to the end, so a bias
 * gradient (a sum over the batch and spatial axes of a [N, H, W, C] tensor) pays a full
 * transpose before a contiguous reduction.
 *
 * When the reduced axes form one contiguous block, the input is a [A, R, B] array and
 *
 *     out[a, b] = Σ_r x[a, r, b]
 *
 * which we compute in one sequential pass, accumulating rows of B in float64 (the `cpu`
 * kernel's precision): on the SIMD module when available, else in a JS loop. Reductions over the innermost axes (B = 1) need no transpose and stay
 * with the stock C++ kernel, as do non-contiguous axis sets and non-float32 tensors.
 */
import {
  backend_util,
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, freeScratch, heapF32, scratch, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

export function makeSumConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SumAttrs }): TensorInfo => {
    const { backend, attrs } = args;
    const { x } = args.inputs;
    const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
    const rank = x.shape.length;
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && last - first === axes.length - 1;
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1) return stock(args as never) as TensorInfo;

    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const reduce = util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const outShape = x.shape.filter((_, d) => d < first || d > last);
    const out = backend.makeOutput(
      attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
      'float32',
    );
    const simd = simdFor(backend);
    if (simd !== undefined) {
      const acc = scratch(backend, 8 * inner);
      simd.sum_middle(byteOffset(backend, x), byteOffset(backend, out), acc.ptr, outer, reduce, inner);
      freeScratch(backend, acc);
      return out;
    }
    const heap = heapF32(backend);
    const xOff = byteOffset(backend, x) / 4;
    const outOff = byteOffset(backend, out) / 4;
    const acc = new Float64Array(inner);
    for (let a = 0; a < outer; a++) {
      acc.fill(0);
      let src = xOff + a * reduce * inner;
      for (let r = 0; r < reduce; r++) {
        for (let b = 0; b < inner; b++) acc[b] += heap[src + b];
        src += inner;
      }
      heap.set(acc, outOff + a * inner); // rounds each sum to float32 once
    }
    return out;
  };
  return { kernelName: 'Sum', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
