/**
 * `Identity` for `wasm`. The stock kernel allocates and copies; tfjs-core calls it for every
 * tensor it saves for the backward pass (`engine.clone` in `saveTensorsForBackwardMode` and in
 * every `customGrad` op), so a training step of the char LSTM made ~6,300 heap copies.
 *
 *     out = x   (same buffer, one more reference)
 *
 * Like the stock `Reshape` and the `cpu` backend's `Identity`, we share the data id and bump
 * its reference count: tensors are immutable, and every kernel writes only its own fresh
 * outputs. String tensors, which do not live on the heap, go to the stock kernel.
 */
import type { IdentityInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.js';

export function makeIdentityConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: IdentityInputs; backend: WasmBackend }): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
