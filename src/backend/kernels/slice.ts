/**
 * `Slice` for `wasm`. The stock kernel starts with `backend.readSync(x)`, which copies the
 * *whole* input out of the heap on every call: unstacking a [B, T, F] sequence over time
 * costs T full copies. We copy only the output's own elements, heap to heap.
 *
 *     out[i₀, …, i_{r−1}] = x[begin₀ + i₀, …, begin_{r−1} + i_{r−1}]
 *
 * Trailing dimensions the slice covers completely are merged with the last partial one, so
 * each copy is one contiguous run (`TypedArray.copyWithin`). String tensors, which do not
 * live on the heap, go to the stock kernel.
 */
import { slice_util, util, type KernelConfig, type KernelFunc, type SliceAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, bytesPer, heapOf, type WasmBackend } from './heap.js';

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
