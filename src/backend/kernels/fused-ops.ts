/**
 * The fused ops of `src/tfjs/fused-ops.ts` for `wasm`, each one pass of the SIMD module.
 *
 * t + s·D ({@link PLUS_SCALED_KERNEL}): one pass over memory instead of the stock path's multiply
 * and add, bit-identical to them (the product is rounded to float32, then the sum). The same pass
 * sums y − y into the second output: 0 when every entry is finite, NaN otherwise. Without the SIMD
 * module a JS loop does the same: an operation on two float32 values computed in a double and
 * rounded to float32 once (`Math.fround`, or the store) is the correctly rounded float32 operation.
 *
 * Σ x² ({@link SUM_OF_SQUARES_KERNEL}): one read of x instead of `square`'s pass and the sum's;
 * squares rounded to float32, the sum in float64 (four lanes; the JS loop one), rounded once.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { PLUS_SCALED_KERNEL, SUM_OF_SQUARES_KERNEL } from '../../tfjs/fused-ops.js';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

interface Args {
  inputs: { t: TensorInfo; d: TensorInfo };
  backend: WasmBackend;
  attrs: { scale: number };
}

function jsLoop(backend: WasmBackend, t: number, d: number, o: number, n: number, scale: number): number {
  const heap = heapF32(backend);
  const s = Math.fround(scale);
  const [ti, di, oi] = [t >> 2, d >> 2, o >> 2];
  let check = 0;
  for (let i = 0; i < n; i++) {
    heap[oi + i] = heap[ti + i] + Math.fround(heap[di + i] * s);
    const y = heap[oi + i];
    check += y - y; // 0, or NaN once an entry is ±∞ or NaN
  }
  return check;
}

function plusScaled({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { t, d } = inputs;
  if (t.dtype !== 'float32' || d.dtype !== 'float32' || !util.arraysEqual(t.shape, d.shape)) {
    throw new Error(
      `${PLUS_SCALED_KERNEL}: t and d must be float32 of one shape, got ${t.dtype} [${t.shape}] and ${d.dtype} [${d.shape}]`,
    );
  }
  const n = util.sizeFromShape(t.shape);
  const out = backend.makeOutput([...t.shape], 'float32');
  const finite = backend.makeOutput([], 'float32');
  const [to, dOff, o] = [byteOffset(backend, t), byteOffset(backend, d), byteOffset(backend, out)];
  const simd = simdFor(backend);
  const check =
    n === 0
      ? 0
      : simd !== undefined
        ? simd.add_scaled_f32(to, dOff, o, n, attrs.scale)
        : jsLoop(backend, to, dOff, o, n, attrs.scale);
  heapF32(backend)[byteOffset(backend, finite) >> 2] = check;
  return [out, finite];
}

export const plusScaledConfig: KernelConfig = {
  kernelName: PLUS_SCALED_KERNEL,
  backendName: 'wasm',
  kernelFunc: plusScaled as unknown as KernelFunc,
};

function sumOfSquares({ inputs, backend }: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { x } = inputs;
  if (x.dtype !== 'float32') throw new Error(`${SUM_OF_SQUARES_KERNEL}: x must be float32, got ${x.dtype}`);
  const n = util.sizeFromShape(x.shape);
  const out = backend.makeOutput([], 'float32');
  const xo = byteOffset(backend, x);
  const simd = simdFor(backend);
  let sum = 0;
  if (simd !== undefined) sum = simd.sum_squares_f32(xo, n);
  else {
    const heap = heapF32(backend);
    for (let i = xo >> 2, end = i + n; i < end; i++) sum += Math.fround(heap[i] * heap[i]);
  }
  heapF32(backend)[byteOffset(backend, out) >> 2] = sum;
  return out;
}

export const sumOfSquaresConfig: KernelConfig = {
  kernelName: SUM_OF_SQUARES_KERNEL,
  backendName: 'wasm',
  kernelFunc: sumOfSquares as unknown as KernelFunc,
};
