/**
 * `Concat` and `Pack` (`tf.concat`, `tf.stack`) for `wasm`. The stock kernels copy through
 * a JS `subarray` + `set` per run (and `Pack` first expands every input); an RNN's backward
 * pass concatenates its four gate gradients at every time step and stacks the outputs.
 *
 *     out[o, Σ_{j<i} inner_j + e] = input_i[o, e],   o < outer = Π shape[:axis],  e < inner_i
 *
 * One strided run copy per input on this project's SIMD module (`copy_strided`). Stacking is
 * the same with every input's shape given a new axis of size 1. Other dtypes than float32 /
 * int32, and runtimes without the SIMD module, use the stock kernels.
 */
import {
  backend_util,
  util,
  type ConcatAttrs,
  type KernelConfig,
  type KernelFunc,
  type PackAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

/** out ← inputs joined along `axis` (every shape already of the output's rank). */
function join(backend: WasmBackend, inputs: TensorInfo[], shapes: number[][], axis: number): TensorInfo | undefined {
  const dtype = inputs[0].dtype;
  if (dtype !== 'float32' && dtype !== 'int32') return undefined;
  for (const t of inputs) if (t.dtype !== dtype) return undefined;
  const simd = simdFor(backend);
  if (simd === undefined) return undefined;
  const outShape = backend_util.computeOutShape(shapes, axis);
  const out = backend.makeOutput(outShape, dtype);
  const outer = util.sizeFromShape(outShape.slice(0, axis));
  const total = util.sizeFromShape(outShape.slice(axis));
  let dst = byteOffset(backend, out);
  for (let i = 0; i < inputs.length; i++) {
    const inner = util.sizeFromShape(shapes[i].slice(axis));
    if (inner === 0 || outer === 0) continue;
    simd.copy_strided(byteOffset(backend, inputs[i]), dst, inner, outer, inner, total);
    dst += 4 * inner;
  }
  return out;
}

export function makeConcatConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: TensorInfo[]; backend: WasmBackend; attrs: ConcatAttrs }): TensorInfo => {
    const { inputs, backend } = args;
    const axis = util.parseAxisParam(args.attrs.axis, inputs[0].shape)[0];
    const shapes = inputs.map((t) => t.shape);
    backend_util.assertParamsConsistent(shapes, axis);
    return join(backend, inputs, shapes, axis) ?? (stock(args as never) as TensorInfo);
  };
  return { kernelName: 'Concat', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function makePackConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: TensorInfo[]; backend: WasmBackend; attrs: PackAttrs }): TensorInfo => {
    const { inputs, backend } = args;
    const rank = inputs[0].shape.length + 1;
    const axis = args.attrs.axis < 0 ? args.attrs.axis + rank : args.attrs.axis;
    const first = inputs[0].shape;
    const same = inputs.every(
      (t) => t.dtype === inputs[0].dtype && t.shape.length === first.length && t.shape.every((d, i) => d === first[i]),
    );
    if (!same || inputs.length < 2) return stock(args as never) as TensorInfo; // the stock kernel reports mismatches
    const shapes = inputs.map((t) => [...t.shape.slice(0, axis), 1, ...t.shape.slice(axis)]);
    return join(backend, inputs, shapes, axis) ?? (stock(args as never) as TensorInfo);
  };
  return { kernelName: 'Pack', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
