/**
 * `Conv2D` and `FusedConv2D` (bias, then linear or relu) for `wasm` when our GEMM has worker
 * threads (`setupBackend({ threads: 2 })`) or runs its relaxed-SIMD build (`relaxedSimd`, fused
 * multiply-adds): the forward convolution as im2col and a product on this project's GEMM, which
 * shares it with the workers (gemm-split.ts),
 *
 *     y[(n, oh, ow), co] = Σ_k cols[(n, oh, ow), k] · W[k, co],   k = (kh, kw, c)
 *
 * (the filter [KH, KW, C, CO] is already W [K, CO] row-major), in chunks of images so that each
 * chunk's column matrix stays in cache, the bias and relu applied to each chunk's rows while
 * they are hot. With the plain build on one thread, and for NCHW, grouped or other activations,
 * the stock kernel (XNNPACK) runs as before: there it is as fast as im2col + GEMM, while with fused
 * multiply-adds im2col + GEMM is faster (the `conv2 forward` row of `bench/backend/threads-ab.ts
 * --compare relaxed-simd`, docs/backend.md), and only this path can use the workers (XNNPACK's own
 * pool stays at 1 thread, see ../setup.ts). One difference: padding is materialised as zeros in the
 * column matrix, so a non-finite filter tap that meets padding gives NaN there (0 · ∞), where the
 * stock and cpu kernels skip the padded tap.
 */
import {
  backend_util,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, freeScratch, heapF32, scratch, type WasmBackend } from './heap.js';
import { im2col, imagesPerChunk } from './im2col.js';
import { gemmThreads, relaxedSimdInUse, simdFor } from './simd.js';

/**
 * Filter taps × channels below which the stock kernel stays: on the benchmark CNN's first layer
 * (K = 9) im2col + GEMM was no faster than XNNPACK in a session check that is not committed; the
 * second layer (K = 288) is the `conv2 forward` row of `bench/backend/threads-ab.ts`.
 */
const MIN_K = 32;

/** Column-matrix bytes per chunk: larger than the gradients' (im2col.ts), so that each chunk's product is worth sharing. */
const FORWARD_CHUNK_BYTES = 1024 * 1024;

type Inputs = { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
type Attrs = Conv2DAttrs & Partial<Pick<FusedConv2DAttrs, 'activation'>>;

function makeConfig(kernelName: 'Conv2D' | 'FusedConv2D', stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: Inputs; backend: WasmBackend; attrs: Attrs }): TensorInfo => {
    const { backend, attrs } = args;
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const activation = attrs.activation ?? 'linear';
    const simd = gemmThreads(backend) > 1 || relaxedSimdInUse() ? simdFor(backend) : undefined;
    if (
      simd === undefined ||
      attrs.dataFormat === 'NCHW' ||
      x.dtype !== 'float32' ||
      filter.dtype !== 'float32' ||
      preluActivationWeights != null ||
      filter.shape[0] * filter.shape[1] * filter.shape[2] < MIN_K ||
      (activation !== 'linear' && activation !== 'relu') ||
      (bias != null && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== filter.shape[3]))
    ) {
      return stock(args as never) as TensorInfo;
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const out = backend.makeOutput(info.outShape, 'float32');
    const n = info.batchSize;
    const pixels = info.outHeight * info.outWidth;
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    const co = info.outChannels;
    if (n * pixels * co === 0) return out;
    const g = imagesPerChunk(n, pixels * k, FORWARD_CHUNK_BYTES);
    const cols = scratch(backend, 4 * g * pixels * k);
    try {
      const imageIn = info.inHeight * info.inWidth * info.inChannels;
      for (let b0 = 0; b0 < n; b0 += g) {
        const gb = Math.min(g, n - b0);
        const rows = gb * pixels;
        const y = byteOffset(backend, out) + 4 * b0 * pixels * co;
        im2col(
          heapF32(backend),
          byteOffset(backend, x) / 4 + b0 * imageIn,
          cols.ptr / 4,
          { ...info, batchSize: gb },
          simd,
        );
        simd.gemm(cols.ptr, byteOffset(backend, filter), y, 1, rows, k, co, 0, 0, 0, k, 1);
        if (bias != null) simd.binary_f32(0, y, 0, byteOffset(backend, bias), 1, y, rows, co);
        if (activation === 'relu') simd.clip_f32(y, y, rows * co, 0, Infinity);
      }
    } finally {
      freeScratch(backend, cols);
    }
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const makeConv2DConfig = (stock: KernelFunc): KernelConfig => makeConfig('Conv2D', stock);
export const makeFusedConv2DConfig = (stock: KernelFunc): KernelConfig => makeConfig('FusedConv2D', stock);
