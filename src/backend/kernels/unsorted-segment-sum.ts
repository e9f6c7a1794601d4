/**
 * `UnsortedSegmentSum` for `wasm` (missing from the stock backend; it is the gradient of
 * `tf.gather`, hence of every embedding layer).
 *
 *     out[s, …] = Σ_{i : ids[i] = s} x[i, …],   s ∈ [0, numSegments)
 *
 * where `ids` may have any rank k and x's first k dimensions match it. Rows whose id is
 * outside [0, numSegments) are dropped, as in TensorFlow. One pass over x, no temporaries.
 */
import {
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { byteOffset, heapOf, type WasmBackend } from './heap.js';

function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackend;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const {
    backend,
    attrs: { numSegments },
  } = args;
  const { x, segmentIds } = args.inputs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new TypeError(`UnsortedSegmentSum on wasm supports float32 and int32 values, got ${x.dtype}`);
  }
  const rows = util.sizeFromShape(segmentIds.shape);
  const inner =
    rows === 0 ? util.sizeFromShape(x.shape.slice(segmentIds.shape.length)) : util.sizeFromShape(x.shape) / rows;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);

  const heap = heapOf(backend, x.dtype);
  const ids = heapOf(backend, 'int32');
  const xOff = byteOffset(backend, x) / 4;
  const idOff = byteOffset(backend, segmentIds) / 4;
  const outOff = byteOffset(backend, out) / 4;
  heap.fill(0, outOff, outOff + numSegments * inner);
  for (let i = 0; i < rows; i++) {
    const s = ids[idOff + i];
    if (s < 0 || s >= numSegments) continue;
    const src = xOff + i * inner;
    const dst = outOff + s * inner;
    for (let e = 0; e < inner; e++) heap[dst + e] += heap[src + e];
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
