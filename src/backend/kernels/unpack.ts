/**
 * `Unpack` for `wasm`: `tf.unstack`, used by every RNN layer to walk its sequence over time.
 * The stock kernel copies the whole input once per output; each output here copies only itself.
 *
 *     out_i = x[…, i, …] along `axis` (that dimension removed)
 */
import { type KernelConfig, type KernelFunc, type TensorInfo, type UnpackAttrs } from '@tensorflow/tfjs-core';
import { sliceHeap } from './slice.js';
import type { WasmBackend } from './heap.js';

export function makeUnpackConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { value: TensorInfo }; backend: WasmBackend; attrs: UnpackAttrs }) => {
    const { value } = args.inputs;
    if (value.dtype === 'string') return stock(args as never);
    const rank = value.shape.length;
    const axis = args.attrs.axis < 0 ? args.attrs.axis + rank : args.attrs.axis;
    const outShape = value.shape.filter((_, d) => d !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = [...value.shape];
    size[axis] = 1;
    const outs: TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      begin[axis] = i;
      const piece = sliceHeap(args.backend, value, begin, size);
      outs.push({ dataId: piece.dataId, dtype: piece.dtype, shape: outShape });
    }
    return outs;
  };
  return { kernelName: 'Unpack', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
