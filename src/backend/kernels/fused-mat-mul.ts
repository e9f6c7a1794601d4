/**
 * `_FusedMatMul` for `wasm` (`tf.fused.matMul`: every dense layer and every LSTM/GRU input
 * and recurrent product in tfjs-layers): op(a) · op(b) + bias, then the activation.
 *
 * The product runs on this project's SIMD GEMM (gemm.ts), the bias is added by the SIMD
 * element-wise loop (any bias shape that is full, a row, a column or a scalar of the output),
 * and `linear` and `relu` activations are applied there (relu: x < 0 → 0, NaN kept, like the
 * cpu kernel). Other activations, PReLU weights and runtimes without the SIMD module use the
 * stock kernel (XNNPACK).
 */
import {
  util,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core';
import { broadcastLayout } from './elementwise.js';
import { gemmInto } from './gemm.js';
import { byteOffset, type WasmBackend } from './heap.js';
import { prefersThreadedXnnpack, simdFor } from './simd.js';

type Inputs = { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };

export function makeFusedMatMulConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: Inputs; backend: WasmBackend; attrs: _FusedMatMulAttrs }): TensorInfo => {
    const { backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { transposeA, transposeB, activation } = attrs;
    const simd =
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      (bias == null || bias.dtype === 'float32') &&
      preluActivationWeights == null &&
      (activation === 'linear' || activation === 'relu')
        ? simdFor(backend)
        : undefined;
    if (simd === undefined) return stock(args as never) as TensorInfo;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    if (prefersThreadedXnnpack(backend, batch * m * k * n)) return stock(args as never) as TensorInfo;
    const shape = [...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    const layout = bias == null ? undefined : broadcastLayout(shape, bias.shape);
    if (bias != null && (layout === undefined || !util.arraysEqual(layout.shape, shape)))
      return stock(args as never) as TensorInfo;
    const out = backend.makeOutput(shape, 'float32');
    const size = batch * m * n;
    if (size === 0) return out;
    gemmInto(
      backend,
      simd,
      { t: a, batch: batchA, transposed: transposeA },
      { t: b, batch: batchB, transposed: transposeB },
      out,
      m,
      k,
      n,
    );
    const o = byteOffset(backend, out);
    if (bias != null && layout !== undefined)
      simd.binary_f32(0, o, layout.amode, byteOffset(backend, bias), layout.bmode, o, layout.outer, layout.inner);
    if (activation === 'relu') simd.clip_f32(o, o, size, 0, Infinity);
    return out;
  };
  return { kernelName: '_FusedMatMul', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
