/**
 * `Transpose` for `wasm`. The stock C++ kernel computes each element's source index with
 * per-dimension arithmetic (~1.4 ns per element); every transposed matmul operand, attention
 * head split and convolution-gradient layout change goes through it.
 *
 * The permutation is first reduced: size-1 axes are dropped and input axes that stay adjacent
 * and in order are merged (the [B, T, H, D] → [B, H, T, D] head split becomes a 4-D problem at
 * most, a matrix transpose 2-D). Then, on this project's SIMD module:
 *
 * - the innermost axis stays innermost: whole runs are copied (`copy_runs`, ≤ 3 outer axes);
 * - otherwise it is a batched 2-D transpose between the input's innermost axis and the axis
 *   that becomes the output's innermost (`transpose_strided`, 4×4 register blocks), with at
 *   most one further axis as its batch and any others looped here.
 *
 * 4-byte dtypes only (float32, int32: elements are moved, never computed on); bool, strings,
 * other shapes and runtimes without the SIMD module use the stock kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo, type TransposeAttrs } from '@tensorflow/tfjs-core';
import { byteOffset, type WasmBackend } from './heap.js';
import { simdFor, type SimdKernels } from './simd.js';

/** Most JS-side calls into the SIMD transpose before falling back to the stock kernel. */
const MAX_OUTER_CALLS = 1024;

/** Drops size-1 axes and merges runs of input axes that stay adjacent and in order. */
export function reducePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  // New index of each kept input axis (size > 1), -1 for dropped ones.
  const index = new Array<number>(shape.length);
  let kept = 0;
  for (let d = 0; d < shape.length; d++) index[d] = shape[d] === 1 ? -1 : kept++;
  // Output order of the kept axes, then groups of consecutive input axes.
  const starts: number[] = []; // first (kept) input axis of each group, in output order
  const sizes: number[] = [];
  let prev = -2;
  for (const d of perm) {
    const i = index[d];
    if (i < 0) continue;
    if (i === prev + 1 && starts.length > 0) sizes[sizes.length - 1] *= shape[d];
    else {
      starts.push(i);
      sizes.push(shape[d]);
    }
    prev = i;
  }
  // Groups in input order give the reduced shape; their output positions the reduced perm.
  const order = starts.map((_, g) => g).sort((p, q) => starts[p] - starts[q]);
  const rank = new Array<number>(order.length);
  for (let r = 0; r < order.length; r++) rank[order[r]] = r;
  return { shape: order.map((g) => sizes[g]), perm: rank };
}

/** Writes x transposed by `perm` (already reduced) to dst; false if this shape is not handled. */
function transposeSimd(simd: SimdKernels, src: number, dst: number, shape: number[], perm: number[]): boolean {
  const r = shape.length;
  const inStride = new Array<number>(r).fill(1);
  for (let d = r - 2; d >= 0; d--) inStride[d] = inStride[d + 1] * shape[d + 1];
  const outShape = perm.map((d) => shape[d]);
  const outStride = new Array<number>(r).fill(1);
  for (let d = r - 2; d >= 0; d--) outStride[d] = outStride[d + 1] * outShape[d + 1];
  const outPos = new Array<number>(r);
  perm.forEach((d, pos) => {
    outPos[d] = pos;
  });

  if (r <= 1 || perm[r - 1] === r - 1) {
    // Innermost axis kept: copy runs, outer axes in output order.
    const run = r === 0 ? 1 : shape[r - 1];
    const outer = perm.slice(0, Math.max(0, r - 1));
    if (outer.length > 3) return false;
    const dims = [...new Array<number>(3 - outer.length).fill(-1), ...outer];
    const n = dims.map((d) => (d < 0 ? 1 : shape[d]));
    const st = dims.map((d) => (d < 0 ? 0 : inStride[d]));
    simd.copy_runs(src, dst, run, n[0], st[0], n[1], st[1], n[2], st[2]);
    return true;
  }
  // A 2-D transpose between input axis `ai` (innermost in the output) and the input's innermost.
  const ai = perm[r - 1];
  const inner = r - 1;
  const others = shape.map((_, d) => d).filter((d) => d !== ai && d !== inner);
  const batchAxis = others.length > 0 ? others[others.length - 1] : -1;
  const loop = others.slice(0, -1);
  const calls = loop.reduce((acc, d) => acc * shape[d], 1);
  if (calls > MAX_OUTER_CALLS) return false;
  const batch = batchAxis < 0 ? 1 : shape[batchAxis];
  const sk = batchAxis < 0 ? 0 : inStride[batchAxis];
  const dk = batchAxis < 0 ? 0 : outStride[outPos[batchAxis]];
  const idx = new Array<number>(loop.length).fill(0);
  for (;;) {
    let s = src;
    let t = dst;
    loop.forEach((d, i) => {
      s += 4 * idx[i] * inStride[d];
      t += 4 * idx[i] * outStride[outPos[d]];
    });
    simd.transpose_strided(s, t, batch, shape[ai], shape[inner], sk, inStride[ai], dk, outStride[outPos[inner]]);
    let i = loop.length - 1;
    while (i >= 0 && ++idx[i] === shape[loop[i]]) idx[i--] = 0;
    if (i < 0) break;
  }
  return true;
}

export function makeTransposeConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: TransposeAttrs }): TensorInfo => {
    const { backend } = args;
    const { x } = args.inputs;
    const perm = args.attrs.perm;
    const simd = x.dtype === 'float32' || x.dtype === 'int32' ? simdFor(backend) : undefined;
    if (simd === undefined || util.sizeFromShape(x.shape) === 0) return stock(args as never) as TensorInfo;
    const reduced = reducePermutation(x.shape, perm);
    const out = backend.makeOutput(
      perm.map((d) => x.shape[d]),
      x.dtype,
    );
    if (transposeSimd(simd, byteOffset(backend, x), byteOffset(backend, out), reduced.shape, reduced.perm)) return out;
    backend.disposeData(out.dataId);
    return stock(args as never) as TensorInfo;
  };
  return { kernelName: 'Transpose', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
