/**
 * `Slice` for `wasm`. The stock kernel starts with `backend.readSync(x)`, which copies the
 * *whole* input out of the heap on every call: unstacking a [B, T, F] sequence over time
 * costs T full copies. We copy only the output's own elements, heap to heap.
 *
 *     out[i₀, …, i_{r−1}] = x[begin₀ + i₀, …, begin_{r−1} + i_{r−1}]
 *
 * Trailing dimensions the slice covers completely are merged with the last partial one, so
 * each copy is one contiguous run (`copy_runs` on this project's SIMD module for 4-byte dtypes,
 * else `TypedArray.copyWithin`). String tensors, which do not live on the heap, go to the
 * stock kernel.
 */
import {
  slice_util,
  util,
  type KernelConfig,
  type KernelFunc,
  type SliceAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, bytesPer, heapOf, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

/** Copies x[begin : begin + size] into a new tensor; shared by Slice, SplitV and Unpack. */
export function sliceHeap(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const total = util.sizeFromShape(size);
  if (total === 0) return out;
  const heap = heapOf(backend, x.dtype);
  const unit = bytesPer(x.dtype);
  const xOff = byteOffset(backend, x) / unit;
  let dst = byteOffset(backend, out) / unit;
  const rank = x.shape.length;
  if (rank === 0) {
    heap[dst] = heap[xOff];
    return out;
  }
  const strides = [...util.computeStrides(x.shape), 1];
  // Dimensions after `last` are copied whole, so one run spans size[last]·strides[last] elements.
  let last = rank - 1;
  while (last > 0 && size[last] === x.shape[last]) last--;
  const run = size[last] * strides[last];
  const simd = unit === 4 ? simdFor(backend) : undefined;
  if (simd !== undefined) {
    // Outer dimensions of size 1 only shift the start; up to three others go to `copy_runs`.
    let src = xOff + begin[last] * strides[last];
    const dims: number[] = [];
    for (let d = 0; d < last; d++) {
      src += begin[d] * strides[d];
      if (size[d] !== 1) dims.push(d);
    }
    if (dims.length <= 3) {
      while (dims.length < 3) dims.unshift(-1);
      const [a, b, c] = dims;
      simd.copy_runs(
        4 * src,
        4 * dst,
        run,
        a < 0 ? 1 : size[a],
        a < 0 ? 0 : strides[a],
        b < 0 ? 1 : size[b],
        b < 0 ? 0 : strides[b],
        c < 0 ? 1 : size[c],
        c < 0 ? 0 : strides[c],
      );
      return out;
    }
  }
  const idx = new Array<number>(last).fill(0); // odometer over dimensions 0 … last−1
  for (;;) {
    let src = xOff + begin[last] * strides[last];
    for (let d = 0; d < last; d++) src += (begin[d] + idx[d]) * strides[d];
    heap.copyWithin(dst, src, src + run);
    dst += run;
    let d = last - 1;
    while (d >= 0 && ++idx[d] === size[d]) idx[d--] = 0;
    if (d < 0) break;
  }
  return out;
}

/** Builds the replacement around the stock kernel, which still serves string tensors. */
export function makeSliceConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SliceAttrs }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return stock(args as never);
    const [begin, size] = slice_util.parseSliceParams(x as never, args.attrs.begin, args.attrs.size);
    return sliceHeap(args.backend, x, begin, size);
  };
  return { kernelName: 'Slice', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
