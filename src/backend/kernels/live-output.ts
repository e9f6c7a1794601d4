/**
 * The part of a convolution's output gradient that can contribute anything: the leading
 * `height × width` pixels of dy[N, OH, OW, C] once trailing output rows and columns that are
 * zero in every image and channel are dropped.
 *
 * Such borders are common: a floor-mode pooling that does not tile its input (11×11 → 5×5 with
 * 2×2 windows) passes no gradient to its last row and column, so the convolution before it
 * gets dy = 0 there (21 of its 121 pixels on the benchmark CNN's second layer). Both conv
 * gradients are sums over output pixels,
 *
 *     dW = Σ_r cols[r]ᵀ · dy[r],   dx = col2im(dy · Wᵀ) = Σ_r scatter_r(dy[r] · Wᵀ),
 *
 * so the dropped pixels' terms are 0 · (finite) = ±0 and leaving them out changes nothing —
 * provided the other factor is finite (0 · ∞ is NaN): callers check that with {@link allFinite}.
 */
import type { SimdKernels } from './simd.js';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, freeScratch, scratch, type WasmBackend } from './heap.js';

/**
 * The smallest column-matrix width K = KH·KW·C for which the scan pays: it costs a few ns per
 * scanned element of dy, skipping saves 2·K flops per element (~0.05 ns each). On the benchmark
 * CNN's first layer (K = 9) the scan cost about what skipping 2 of 26 rows and columns saved; on its
 * second (K = 288) skipping 1 of 11 saves far more than the scan.
 */
export const MIN_K_TO_TRIM = 64;

/** Output pixels (i, j) with i < height and j < width hold every nonzero entry of dy. */
export interface LiveExtent {
  height: number;
  width: number;
}

/**
 * Trims all-zero trailing rows, then all-zero trailing columns (of the remaining rows), off
 * dy[n, oh, ow, c] at byte offset `dyOff`. −0 counts as zero, NaN as nonzero. Each candidate
 * row or column is gathered into scratch (`copy_runs`), tested ≠ 0 (`compare_f32`) and the
 * flags read eight at a time, the first image's part first: an untrimmable dy usually costs
 * one row and one column of one image.
 */
export function liveExtent(
  backend: WasmBackend,
  simd: SimdKernels,
  dyOff: number,
  n: number,
  oh: number,
  ow: number,
  c: number,
): LiveExtent {
  const most = n * Math.max(oh, ow) * c;
  const flagBytes = (most + 7) & ~7;
  const s = scratch(backend, 4 * flagBytes + flagBytes + 8); // gathered floats, their ≠ 0 flags, a zero
  const gathered = s.ptr;
  const flags = s.ptr + 4 * flagBytes;
  const zero = flags + flagBytes;
  new Float32Array(backend.wasm.HEAPU8.buffer, zero, 1)[0] = 0;
  const allZero = (count: number) => {
    simd.compare_f32(5, gathered, 0, zero, 3, flags, 1, count);
    const buf = backend.wasm.HEAPU8.buffer;
    // Flags are bytes 0/1, so eight of them read as a float64 are zero exactly when all are.
    const words = new Float64Array(buf, flags, count >> 3);
    for (let e = 0; e < words.length; e++) if (words[e] !== 0) return false;
    const tail = new Uint8Array(buf, flags, count);
    for (let e = words.length * 8; e < count; e++) if (tail[e] !== 0) return false;
    return true;
  };
  const image = oh * ow * c;
  // A live row or column is usually nonzero in the first image already: test that alone first.
  const rowIsZero = (i: number) => {
    const src = dyOff + 4 * i * ow * c;
    for (const [b0, nb] of [
      [0, 1],
      [1, n - 1],
    ]) {
      if (nb === 0) continue;
      simd.copy_runs(src + 4 * b0 * image, gathered, ow * c, nb, image, 1, 0, 1, 0);
      if (!allZero(nb * ow * c)) return false;
    }
    return true;
  };
  const columnIsZero = (j: number, rows: number) => {
    const src = dyOff + 4 * j * c;
    for (const [b0, nb] of [
      [0, 1],
      [1, n - 1],
    ]) {
      if (nb === 0) continue;
      simd.copy_runs(src + 4 * b0 * image, gathered, c, nb, image, rows, ow * c, 1, 0);
      if (!allZero(nb * rows * c)) return false;
    }
    return true;
  };
  let height = oh;
  while (height > 0 && rowIsZero(height - 1)) height--;
  let width = ow;
  while (height > 0 && width > 0 && columnIsZero(width - 1, height)) width--;
  freeScratch(backend, s);
  return { height, width: height === 0 ? 0 : width };
}

/** The last extents found, per dy (its data never changes): dx and dW of a layer share one dy. */
const recent = new WeakMap<object, { shape: string; extent: LiveExtent }>();

/** {@link liveExtent} of the tensor dy [n, oh, ow, c], remembered for the next kernel given the same dy. */
export function liveExtentOf(backend: WasmBackend, simd: SimdKernels, dy: TensorInfo): LiveExtent {
  const shape = dy.shape.join(',');
  const known = recent.get(dy.dataId);
  if (known !== undefined && known.shape === shape) return known.extent;
  const [n, oh, ow, c] = dy.shape;
  const extent = liveExtent(backend, simd, byteOffset(backend, dy), n, oh, ow, c);
  recent.set(dy.dataId, { shape, extent });
  return extent;
}

/**
 * Whether all `count` floats at byte offset `byteOff` are finite: their float64 sum (`sum_middle`
 * on the SIMD module) is finite exactly then, since float32 values cannot overflow it.
 */
export function allFinite(backend: WasmBackend, simd: SimdKernels, byteOff: number, count: number): boolean {
  if (count === 0) return true;
  const inner = [16, 8, 4].find((v) => count % v === 0) ?? 1;
  const s = scratch(backend, 12 * inner); // float64 accumulators, then the float32 sums
  simd.sum_middle(byteOff, s.ptr + 8 * inner, s.ptr, 1, count / inner, inner);
  const acc = new Float64Array(backend.wasm.HEAPU8.buffer, s.ptr, inner);
  const finite = acc.every(Number.isFinite);
  freeScratch(backend, s);
  return finite;
}

/**
 * Whether x[n, h, w, c] (byte offset `xOff`) is finite wherever a dropped output pixel of the
 * live extent reads it: rows from `rowFrom` on (the first row of output row `live.height`'s
 * window), and columns from `colFrom` on in the rows above. Gathered into scratch, then
 * {@link allFinite}. Only these inputs meet a skipped 0 in the filter gradient.
 */
export function finiteWhereDropped(
  backend: WasmBackend,
  simd: SimdKernels,
  xOff: number,
  x: { n: number; h: number; w: number; c: number },
  rowFrom: number,
  colFrom: number,
): boolean {
  const { n, h, w, c } = x;
  const r0 = Math.min(h, Math.max(0, rowFrom));
  const c0 = Math.min(w, Math.max(0, colFrom));
  const below = (h - r0) * w * c;
  const right = r0 * (w - c0) * c;
  const count = n * (below + right);
  if (count === 0) return true;
  const s = scratch(backend, 4 * count);
  const image = h * w * c;
  if (below > 0) simd.copy_runs(xOff + 4 * r0 * w * c, s.ptr, below, n, image, 1, 0, 1, 0);
  if (right > 0) simd.copy_runs(xOff + 4 * c0 * c, s.ptr + 4 * n * below, (w - c0) * c, n, image, r0, w * c, 1, 0);
  const finite = allFinite(backend, simd, s.ptr, count);
  freeScratch(backend, s);
  return finite;
}
