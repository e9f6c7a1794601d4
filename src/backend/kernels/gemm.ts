/**
 * Matrix products on this project's SIMD module (`gemm` in ../simd/kernels.c): no operand
 * packing, no operator objects, transposed left operands read in place; 30–40 GFLOP/s on the
 * benchmark shapes against ~24 for the backend's XNNPACK path, which moreover packs its right
 * operand (~3 ns per element) every time that operand is a new tensor — i.e. for every weight
 * after every optimizer step, and for every activation or gradient used as a right operand.
 *
 *     out[b] = op(A[b]) · op(B[b]),   op(X) = Xᵀ when its flag is set
 *
 * The kernel wants the right operand row-major [k, n]. A transposed right operand is either
 * transposed once (k·n moves) or avoided through outᵀ = op(B)ᵀ · op(A)ᵀ, whose right operand
 * op(A)ᵀ is A itself when A is transposed, with the [n, m] result transposed back (m·n moves,
 * plus m·k if A must be transposed) — whichever moves fewer elements.
 */
import { byteOffset, free, transpose, type WasmBackend } from './heap.js';
import type { SimdKernels } from './simd.js';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** A batch of matrices in a tensor: [batch, rows, cols] as stored (before any transpose). */
export interface Operand {
  t: TensorInfo;
  batch: number;
  transposed: boolean;
}

/**
 * Writes op(A) · op(B) for every batch (broadcasting a batch of 1) into `out`, a fresh
 * [batch, m, n] tensor. `k` is the inner size.
 */
export function gemmInto(
  backend: WasmBackend,
  simd: SimdKernels,
  a: Operand,
  b: Operand,
  out: TensorInfo,
  m: number,
  k: number,
  n: number,
): void {
  const batch = Math.max(a.batch, b.batch);
  const sa = a.batch === 1 ? 0 : m * k;
  const sb = b.batch === 1 ? 0 : k * n;
  const outOff = byteOffset(backend, out);
  if (!b.transposed) {
    // A(i, p): untransposed [m, k] → rs = k, cs = 1; transposed (stored [k, m]) → rs = 1, cs = m.
    simd.gemm(
      byteOffset(backend, a.t),
      byteOffset(backend, b.t),
      outOff,
      batch,
      m,
      k,
      n,
      sa,
      sb,
      m * n,
      a.transposed ? 1 : k,
      a.transposed ? m : 1,
    );
    return;
  }
  // B stored [n, k]. Either transpose it, or compute outᵀ = B · op(A)ᵀ with B as the left operand.
  const viaB = k * n * b.batch;
  const viaSwap = (a.transposed ? 0 : m * k * a.batch) + m * n * batch;
  if (viaB <= viaSwap) {
    const bT = transpose(backend, { dataId: b.t.dataId, shape: [b.batch, n, k], dtype: 'float32' }, [0, 2, 1]);
    simd.gemm(
      byteOffset(backend, a.t),
      byteOffset(backend, bT),
      outOff,
      batch,
      m,
      k,
      n,
      sa,
      sb,
      m * n,
      a.transposed ? 1 : k,
      a.transposed ? m : 1,
    );
    free(backend, bT);
    return;
  }
  // op(A)ᵀ row-major [k, m]: A itself when transposed, else a transposed copy.
  const aT = a.transposed
    ? undefined
    : transpose(backend, { dataId: a.t.dataId, shape: [a.batch, m, k], dtype: 'float32' }, [0, 2, 1]);
  const outT = backend.makeOutput([batch, n, m], 'float32');
  simd.gemm(
    byteOffset(backend, b.t),
    byteOffset(backend, aT ?? a.t),
    byteOffset(backend, outT),
    batch,
    n,
    k,
    m,
    sb,
    sa,
    m * n,
    k,
    1,
  );
  if (aT !== undefined) free(backend, aT);
  // outT[b, j, i] → out[b, i, j]
  simd.transpose_strided(byteOffset(backend, outT), outOff, batch, n, m, n * m, m, m * n, n);
  free(backend, outT);
}
