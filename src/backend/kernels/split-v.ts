/**
 * `SplitV` for `wasm`: `tf.split`. The stock kernel calls the stock `Slice` once per piece, each
 * of which copies the whole input first; here each piece copies only its own elements.
 *
 *     out_j = x[…, o_j : o_j + s_j, …] along `axis`,   o_j = s_0 + … + s_{j−1}
 */
import {
  backend_util,
  util,
  type KernelConfig,
  type KernelFunc,
  type SplitVAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { sliceHeap } from './slice.js';
import type { WasmBackend } from './heap.js';

export function makeSplitVConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SplitVAttrs }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return stock(args as never);
    const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const piece = sliceHeap(args.backend, x, begin, size);
      begin[axis] += s;
      return piece;
    });
  };
  return { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
