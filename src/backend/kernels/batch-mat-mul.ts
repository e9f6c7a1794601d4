/**
 * `BatchMatMul` for `wasm`. The stock kernel reaches XNNPACK (13–20 GFLOP/s) only when neither
 * operand is transposed and both batch sizes are 1; every other case — every dense backward
 * pass and every attention product — runs a scalar blocked loop at ~1 GFLOP/s.
 *
 *     out[b] = op(a[b]) · op(b[b]),   op(m) = mᵀ if its transpose flag is set
 *
 * With this project's SIMD module every product runs on its GEMM (gemm.ts: no packing,
 * transposed left operands in place, batches and broadcasts in one call). The rest of this
 * file is the XNNPACK path, used without the SIMD module and, with a thread pool, for large
 * products:
 *
 * We materialise a transposed operand once with the stock `Transpose` kernel (O(size), against
 * the O(M·K·N) product), then run each batch on the XNNPACK path through zero-copy views that
 * exist on the C++ side only (no JS bookkeeping per batch). A right operand shared by all
 * batches (batch 1, broadcast) turns the whole product into one [B·M, K] · [K, N] call.
 * Batch broadcasting follows tfjs: a batch dimension of 1 is reused.
 *
 * Transposed right operands that recur are cached: an RNN's backward pass multiplies by the
 * same recurrent weight transposed at every time step (64 times per step in the benchmark).
 * From the second use of a buffer as a transposed right operand, its transposed copy is kept
 * (C++-side only) until the source buffer is freed, so XNNPACK's packing of it, cached by
 * tensor id, is reused too.
 *
 * XNNPACK packs its right operand (~3 ns per element, several times a transpose), so for a
 * single product we also consider computing outᵀ = op(b)ᵀ · op(a)ᵀ, which packs op(a) instead,
 * and take whichever moves fewer elements (e.g. a dense layer's input gradient dy · Wᵀ with a
 * small batch packs dyᵀ rather than the whole weight matrix).
 */
import {
  broadcast_util,
  util,
  type BatchMatMulAttrs,
  type DataId,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { gemmInto } from './gemm.js';
import {
  byteOffset,
  detach,
  free,
  heapF32,
  heapView,
  matMul2d,
  onDataFreed,
  rawRelease,
  rawView,
  releaseView,
  tensorId,
  transpose,
  type RawTensor,
  type WasmBackend,
} from './heap.js';
import { prefersThreadedXnnpack, simdFor } from './simd.js';

/** The [k, n] view under which each right-operand buffer was first packed by XNNPACK. */
const packedShapes = new WeakMap<object, string>();

/** Buffers seen once as a transposed right operand; a second use caches the transpose. */
const seenTransposedB = new WeakSet<DataId>();
interface CachedTranspose {
  raw: RawTensor;
  k: number;
  n: number;
}
const transposedB = new Map<WasmBackend, Map<DataId, CachedTranspose>>();

/** Number of live cached transposes (for tests). */
export function cachedTransposeCount(): number {
  let count = 0;
  for (const m of transposedB.values()) count += m.size;
  return count;
}

/** Per-element costs, relative to a transpose, of packing an XNNPACK right operand. */
const PACK_COST = 6;
let swapAllowed = true;

/** Allows (default) or forbids the (bᵀaᵀ)ᵀ form, for benchmarks and tests of both forms. */
export function setMatMulSwap(enabled: boolean): void {
  swapAllowed = enabled;
}

/**
 * Elements moved to get op(b) packed as the right operand: nothing when XNNPACK already holds
 * it (b's own id, or our cached transpose); one transpose when that transpose is about to be
 * cached (its second use: later uses are free); else the transpose if any plus the packing.
 */
function rightOperandCost(backend: WasmBackend, b: TensorInfo, transposeB: boolean, k: number, n: number): number {
  if (!transposeB) return packedShapes.get(b.dataId) === `${k},${n}` ? 0 : PACK_COST * k * n;
  const hit = transposedB.get(backend)?.get(b.dataId);
  if (hit !== undefined && hit.k === k && hit.n === n) return 0;
  return seenTransposedB.has(b.dataId) ? k * n : (1 + PACK_COST) * k * n;
}

/**
 * out[m, n] = op(a) · op(b) computed as (op(b)ᵀ · op(a)ᵀ)ᵀ: op(b)ᵀ is the [n, k] left operand
 * (b itself when transposeB), op(a)ᵀ the packed [k, m] right operand (a itself when
 * transposeA), and the [n, m] result is transposed into `out`.
 */
function swappedProduct(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  k: number,
  n: number,
  shape: number[],
): TensorInfo {
  const left = transposeB
    ? undefined
    : transpose(backend, { dataId: b.dataId, shape: [k, n], dtype: 'float32' }, [1, 0]);
  const right = transposeA
    ? undefined
    : transpose(backend, { dataId: a.dataId, shape: [m, k], dtype: 'float32' }, [1, 0]);
  // A fresh C++-only id for the packed operand: its packing is dropped right after.
  const rightView = rawView(backend, byteOffset(backend, right ?? a), k * m);
  const outT = backend.makeOutput([n, m], 'float32');
  matMul2d(backend, tensorId(backend, left ?? b), n, k, rightView.id, m, tensorId(backend, outT));
  rawRelease(backend, rightView);
  if (left !== undefined) free(backend, left);
  if (right !== undefined) free(backend, right);
  const out = transpose(backend, outT, [1, 0]);
  free(backend, outT);
  return { dataId: out.dataId, shape, dtype: 'float32' };
}

/** bᵀ as a [k, n] operand id: from the cache, newly cached, or a temporary to free (`temp`). */
function transposedRight(backend: WasmBackend, b: TensorInfo, k: number, n: number): { id: number; temp?: TensorInfo } {
  let cache = transposedB.get(backend);
  if (cache === undefined) {
    cache = new Map();
    transposedB.set(backend, cache);
  }
  const hit = cache.get(b.dataId);
  if (hit !== undefined && hit.k === k && hit.n === n) return { id: hit.raw.id };
  const t = transpose(backend, { dataId: b.dataId, shape: [n, k], dtype: 'float32' }, [1, 0]);
  if (hit !== undefined || !seenTransposedB.has(b.dataId)) {
    seenTransposedB.add(b.dataId);
    return { id: tensorId(backend, t), temp: t };
  }
  // Second use: keep the copy, registered on the C++ side only, until b's buffer is freed.
  const raw = detach(backend, t, k * n);
  const entries = cache;
  entries.set(b.dataId, { raw, k, n });
  onDataFreed(backend, b.dataId, () => {
    entries.delete(b.dataId);
    rawRelease(backend, raw);
  });
  return { id: raw.id };
}

function batchMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: WasmBackend;
  attrs: BatchMatMulAttrs;
}): TensorInfo {
  const {
    backend,
    attrs: { transposeA, transposeB },
  } = args;
  const { a, b } = args.inputs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new TypeError(`BatchMatMul on wasm supports float32 only, got ${a.dtype} and ${b.dtype}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  util.assert(
    k === kb,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ` +
      `${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const simd = simdFor(backend);
  // Our SIMD GEMM, except for large products when XNNPACK has a thread pool to spread them over.
  if (simd !== undefined && !prefersThreadedXnnpack(backend, batch * m * k * n)) {
    const out = backend.makeOutput([...outer, m, n], 'float32');
    if (batch * m * n > 0) {
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
    }
    return out;
  }
  if (swapAllowed && batch === 1 && m * n * k > 0) {
    // Elements moved by each way: transposes, plus PACK_COST per element packed.
    const direct = (transposeA ? m * k : 0) + rightOperandCost(backend, b, transposeB, k, n);
    const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + PACK_COST * k * m + m * n;
    if (swapped < direct) {
      if (transposeB) seenTransposedB.add(b.dataId); // a second use may be cheaper through the cache
      return swappedProduct(backend, a, b, transposeA, transposeB, m, k, n, [...outer, m, n]);
    }
  }
  const out = backend.makeOutput([...outer, m, n], 'float32');
  if (batch * m * n === 0) return out;
  if (k === 0) {
    const o = byteOffset(backend, out) / 4;
    heapF32(backend).fill(0, o, o + batch * m * n);
    return out;
  }

  // Untransposed [batch, m, k] and [batch, k, n] operands (temporaries only when transposed).
  const a3 = transposeA
    ? transpose(backend, { dataId: a.dataId, shape: [batchA, k, m], dtype: 'float32' }, [0, 2, 1])
    : a;

  if (batchB === 1) {
    // One right operand for every batch: a single [batchA·m, k] · [k, n] product. When b is an
    // untouched input (typically a weight) its own id keeps XNNPACK's packed copy cached
    // across calls, exactly like the stock fast path.
    let bId: number;
    let bTemp: TensorInfo | undefined;
    let bView: TensorInfo | undefined;
    if (transposeB) {
      const t = transposedRight(backend, b, k, n);
      bId = t.id;
      bTemp = t.temp;
    } else {
      // The stock cache is keyed by id only, so a buffer first packed as another [k', n'] view
      // (reshapes share buffers) would silently reuse the wrong packing: such calls get a fresh view.
      const key = `${k},${n}`;
      const known = packedShapes.get(b.dataId);
      if (known === undefined) packedShapes.set(b.dataId, key);
      if (known !== undefined && known !== key) bView = heapView(backend, byteOffset(backend, b), [k, n]);
      bId = tensorId(backend, bView ?? b);
    }
    matMul2d(backend, tensorId(backend, a3), batchA * m, k, bId, n, tensorId(backend, out));
    if (bView !== undefined) releaseView(backend, bView);
    if (bTemp !== undefined) free(backend, bTemp);
  } else {
    const b3 = transposeB
      ? transpose(backend, { dataId: b.dataId, shape: [batchB, n, k], dtype: 'float32' }, [0, 2, 1])
      : b;
    const aBase = byteOffset(backend, a3);
    const bBase = byteOffset(backend, b3);
    const oBase = byteOffset(backend, out);
    for (let i = 0; i < batch; i++) {
      // Fresh C++-only ids per batch: XNNPACK packs b[i] under its own id, dropped right after.
      const av = rawView(backend, aBase + (batchA === 1 ? 0 : i * m * k * 4), m * k);
      const bv = rawView(backend, bBase + i * k * n * 4, k * n);
      const ov = rawView(backend, oBase + i * m * n * 4, m * n);
      matMul2d(backend, av.id, m, k, bv.id, n, ov.id);
      rawRelease(backend, av);
      rawRelease(backend, bv);
      rawRelease(backend, ov);
    }
    if (b3 !== b) free(backend, b3);
  }
  if (a3 !== a) free(backend, a3);
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
