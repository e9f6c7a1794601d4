/**
 * `Cast` for `wasm`. tfjs-core casts a tensor to its own dtype in many gradients (e.g. the
 * mask of every ReLU and clip), which the stock kernel pays as a full copy; it also converts
 * bool masks to float32 one element at a time.
 *
 * - same dtype: the output shares the input's buffer (one more reference), as `Identity` does;
 * - bool → float32 and int32 → float32: one pass on this project's SIMD module
 *   (int32 rounds to the nearest float32, as `Float32Array` does);
 * - everything else (other pairs, complex, strings, no SIMD module): the stock kernel.
 */
import { util, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

export function makeCastConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: CastAttrs }): TensorInfo => {
    const { backend } = args;
    const { x } = args.inputs;
    const { dtype } = args.attrs;
    if (x.dtype === dtype && (dtype === 'float32' || dtype === 'int32' || dtype === 'bool')) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype };
    }
    if (dtype === 'float32' && (x.dtype === 'bool' || x.dtype === 'int32')) {
      const simd = simdFor(backend);
      const size = util.sizeFromShape(x.shape);
      if (simd !== undefined && size > 0) {
        const out = backend.makeOutput([...x.shape], 'float32');
        simd.cast_to_f32(x.dtype === 'bool' ? 0 : 1, byteOffset(backend, x), byteOffset(backend, out), size);
        return out;
      }
    }
    return stock(args as never) as TensorInfo;
  };
  return { kernelName: 'Cast', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
