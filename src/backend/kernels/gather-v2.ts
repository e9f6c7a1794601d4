/**
 * `GatherV2` for `wasm` (`tf.gather`, the forward pass of every embedding). The stock kernel
 * computes every output element's source through per-dimension strides in C++ (~9 ms for the
 * benchmark's 2,048 embedding rows of 64 floats). With x viewed as [batch, outer, dim, slice]
 * and the indices as [batch, n]:
 *
 *     out[b, o, i, :] = x[b, o, indices[b, i], :]
 *
 * i.e. one contiguous run of `slice` elements per (b, o, i), copied heap to heap. Indices are
 * validated first, with the stock kernel's error. String tensors go to the stock kernel.
 */
import {
  backend_util,
  util,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, bytesPer, heapOf, type WasmBackend } from './heap.js';

/** Runs shorter than this are copied element by element; longer ones with `copyWithin`. */
const RUN_COPY_MIN = 32;

export function makeGatherV2Config(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; indices: TensorInfo };
    backend: WasmBackend;
    attrs: GatherV2Attrs;
  }): TensorInfo => {
    const { backend, attrs } = args;
    const { x, indices } = args.inputs;
    if (x.dtype === 'string' || indices.dtype !== 'int32') return stock(args as never) as TensorInfo;
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
    const info = backend_util.segment_util.collectGatherOpShapeInfo(
      x as never,
      indices as never,
      axis,
      attrs.batchDims,
    );
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const count = util.sizeFromShape(indices.shape);
    const perBatch = batchSize === 0 ? 0 : count / batchSize;

    const ids = heapOf(backend, 'int32') as Int32Array;
    const idOff = byteOffset(backend, indices) / 4;
    for (let i = 0; i < count; i++) {
      const index = ids[idOff + i];
      if (!(index <= dimSize - 1 && index >= 0))
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${dimSize - 1}]`);
    }
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (util.sizeFromShape(info.outputShape) === 0) return out;
    const heap = heapOf(backend, x.dtype);
    const idx = heapOf(backend, 'int32') as Int32Array; // after the allocation: the heap may have grown
    const unit = bytesPer(x.dtype);
    const xOff = byteOffset(backend, x) / unit;
    let dst = byteOffset(backend, out) / unit;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const base = xOff + (b * outerSize + o) * dimSize * sliceSize;
        for (let i = 0; i < perBatch; i++) {
          const src = base + idx[idOff + b * perBatch + i] * sliceSize;
          if (sliceSize < RUN_COPY_MIN) for (let e = 0; e < sliceSize; e++) heap[dst + e] = heap[src + e];
          else heap.copyWithin(dst, src, src + sliceSize);
          dst += sliceSize;
        }
      }
    }
    return out;
  };
  return { kernelName: 'GatherV2', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
