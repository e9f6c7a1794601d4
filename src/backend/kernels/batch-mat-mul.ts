/**
 * `BatchMatMul` for `wasm`. The stock kernel reaches XNNPACK (13–20 GFLOP/s) only when neither
 * operand is transposed and both batch sizes are 1; every other case — every dense backward
 * pass and every attention product — runs a scalar blocked loop at ~1 GFLOP/s.
 *
 *     out[b] = op(a[b]) · op(b[b]),   op(m) = mᵀ if its transpose flag is set
 *
 * We materialise a transposed operand once with the stock `Transpose` kernel (O(size), against
 * the O(M·K·N) product), then run each batch on the XNNPACK path through zero-copy heap views.
 * A right operand shared by all batches (batch 1, broadcast) turns the whole product into one
 * [B·M, K] · [K, N] call. Batch broadcasting follows tfjs: a batch dimension of 1 is reused.
 */
import { broadcast_util, util, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, free, heapF32, heapView, matMul2d, releaseView, tensorId, transpose, type WasmBackend } from './heap.js';

/** The [k, n] view under which each right-operand buffer was first packed by XNNPACK. */
const packedShapes = new WeakMap<object, string>();

function batchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: WasmBackend; attrs: BatchMatMulAttrs }): TensorInfo {
  const { backend, attrs: { transposeA, transposeB } } = args;
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
  util.assert(k === kb, () => `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ` +
    `${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([...outer, m, n], 'float32');
  if (batch * m * n === 0) return out;
  if (k === 0) {
    const o = byteOffset(backend, out) / 4;
    heapF32(backend).fill(0, o, o + batch * m * n);
    return out;
  }

  // Untransposed [batch, m, k] and [batch, k, n] operands (temporaries only when transposed).
  const a3 = transposeA ? transpose(backend, { dataId: a.dataId, shape: [batchA, k, m], dtype: 'float32' }, [0, 2, 1]) : a;
  const b3 = transposeB ? transpose(backend, { dataId: b.dataId, shape: [batchB, n, k], dtype: 'float32' }, [0, 2, 1]) : b;

  if (batchB === 1) {
    // One right operand for every batch: a single [batchA·m, k] · [k, n] product. When b is an
    // untouched input (typically a weight) its own id keeps XNNPACK's packed copy cached
    // across calls, exactly like the stock fast path.
    // The stock cache is keyed by id only, so a buffer first packed as another [k', n'] view
    // (reshapes share buffers) would silently reuse the wrong packing: such calls get a fresh view.
    const key = `${k},${n}`;
    const known = packedShapes.get(b3.dataId);
    if (known === undefined) packedShapes.set(b3.dataId, key);
    const bv = known === undefined || known === key ? b3 : heapView(backend, byteOffset(backend, b3), [k, n]);
    matMul2d(backend, tensorId(backend, a3), batchA * m, k, tensorId(backend, bv), n, tensorId(backend, out));
    if (bv !== b3) releaseView(backend, bv);
  } else {
    const aBase = byteOffset(backend, a3);
    const bBase = byteOffset(backend, b3);
    const oBase = byteOffset(backend, out);
    for (let i = 0; i < batch; i++) {
      const av = heapView(backend, aBase + (batchA === 1 ? 0 : i * m * k * 4), [m, k]);
      const bv = heapView(backend, bBase + i * k * n * 4, [k, n]);
      const ov = heapView(backend, oBase + i * m * n * 4, [m, n]);
      matMul2d(backend, tensorId(backend, av), m, k, tensorId(backend, bv), n, tensorId(backend, ov));
      releaseView(backend, av);
      releaseView(backend, bv);
      releaseView(backend, ov);
    }
  }
  if (a3 !== a) free(backend, a3);
  if (b3 !== b) free(backend, b3);
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
