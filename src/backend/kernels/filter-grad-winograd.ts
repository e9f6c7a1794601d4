/**
 * The filter gradient of a 3×3, stride-1 convolution by Winograd's minimal filtering F(3×3, 2×2):
 * 16 multiplications per 2×2 tile of dy and channel pair instead of 36.
 *
 * dW[p, q, c, co] = Σ_{b, i, j} x[b, i + p, j + q, c] · dy[b, i, j, co] is, per 2×2 tile of dy
 * (rows 2t, 2t + 1) and the 4×4 patch X of x it reads, a 3×3 correlation of X with the tile g:
 *
 *     dW_tile = Gᵀ [ (A g Aᵀ) ⊙ (Bᵀ X B) ] G,   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],
 *     A = [1 0; 1 1; 1 −1; 0 1],                Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ −1]
 *
 * (the transpose of the usual F(2, 3), with the sign of A's last row moved into Gᵀ so that both
 * input transforms are additions only). Summed over tiles, the product becomes 16 matrix products
 * M_uv[c, co] = Σ_tiles V_uv[tile, c] · D_uv[tile, co], one batched call of our SIMD GEMM
 * (2·16·T·C·CO flops for T tiles, against 2·36·T·C·CO for im2col), and dW = Gᵀ M G once at the end.
 * The transforms are whole-array additions on the SIMD module (`binary_f32`) over chunks of
 * images gathered into cache (`copy_runs`), and so is the output transform.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { byteOffset, free, heapF32, type WasmBackend } from './heap.js';
import { imagesPerChunk } from './im2col.js';
import type { LiveExtent } from './live-output.js';
import type { SimdKernels } from './simd.js';

const ADD = 0;
const SUB = 1;
const MUL = 2;

/** Bytes of V and D (the transformed tiles) per product: images beyond it go to further products, summed. */
const PRODUCT_BYTES = 32 * 1024 * 1024;

/**
 * Whether dW can run here: a 3×3 filter at stride 1, a live extent of whole 2×2 tiles whose
 * 4×4 patches lie inside x (no padding read), and enough channels for the transforms to pay
 * (they cost ~16·(3·C + CO) additions per tile; they save 40·C·CO flops). Callers check the
 * result is finite and otherwise recompute exactly: with ±∞ among the inputs the transforms make
 * NaN (∞ − ∞) where the direct sum has ±∞.
 */
export function winogradFilterGradApplies(info: backend_util.Conv2DInfo, live: LiveExtent): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    live.height > 0 &&
    live.width > 0 &&
    live.height % 2 === 0 &&
    live.width % 2 === 0 &&
    live.height + 2 <= info.inHeight &&
    live.width + 2 <= info.inWidth &&
    info.inChannels >= 8 &&
    info.outChannels >= 8
  );
}

/** Writes dW [3, 3, C, CO] into `out` from x and the live part of dy (see the file comment). */
export function filterGradWinograd(
  backend: WasmBackend,
  simd: SimdKernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  live: LiveExtent,
  out: TensorInfo,
  productBytes = PRODUCT_BYTES,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const tH = live.height / 2;
  const tW = live.width / 2;
  const perImage = tH * tW;
  // Images per product (V and D of all their tiles), and per transform chunk within it.
  const np = imagesPerChunk(n, perImage * 16 * (c + co), productBytes);
  const g = imagesPerChunk(np, perImage * 16 * c * 2);
  const v = backend.makeOutput([16 * np * perImage * c], 'float32'); // V_uv[tile, c], position-major
  const d = backend.makeOutput([16 * np * perImage * co], 'float32'); // D_uv[tile, co]
  const xa = backend.makeOutput([16 * g * perImage * c], 'float32'); // gathered patches, then Bᵀ X
  const xb = backend.makeOutput([16 * g * perImage * c], 'float32');
  const m = backend.makeOutput([16 * c * co], 'float32');
  const part = n > np ? backend.makeOutput([16 * c * co], 'float32') : undefined;
  const vOff = byteOffset(backend, v);
  const dOff = byteOffset(backend, d);
  const xaOff = byteOffset(backend, xa);
  const xbOff = byteOffset(backend, xb);
  const mOff = byteOffset(backend, m);
  const xOff = byteOffset(backend, x);
  const dyOff = byteOffset(backend, dy);
  const op = (o: number, a: number, b: number, dst: number, len: number) => simd.binary_f32(o, a, 0, b, 0, dst, 1, len);
  for (let p0 = 0; p0 < n; p0 += np) {
    const p1 = Math.min(n, p0 + np);
    const tiles = (p1 - p0) * perImage;
    for (let b0 = p0; b0 < p1; b0 += g) {
      const gb = Math.min(g, p1 - b0);
      const t = gb * perImage; // tiles in this chunk
      const t0 = (b0 - p0) * perImage;
      const xs = (buf: number, u: number, j: number) => buf + 4 * (u * 4 + j) * t * c; // chunk scratch
      const vs = (u: number, j: number) => vOff + 4 * ((u * 4 + j) * tiles + t0) * c;
      const ds = (u: number, j: number) => dOff + 4 * ((u * 4 + j) * tiles + t0) * co;
      // X: the 4×4 patch of each tile, position by position; then V = Bᵀ X B.
      for (let u = 0; u < 4; u++) {
        for (let j = 0; j < 4; j++) {
          const src = xOff + 4 * (b0 * h * w + u * w + j) * c;
          simd.copy_runs(src, xs(xaOff, u, j), c, gb, h * w * c, tH, 2 * w * c, tW, 2 * c);
        }
      }
      const len = t * c;
      for (let j = 0; j < 4; j++) {
        op(SUB, xs(xaOff, 0, j), xs(xaOff, 2, j), xs(xbOff, 0, j), len);
        op(ADD, xs(xaOff, 1, j), xs(xaOff, 2, j), xs(xbOff, 1, j), len);
        op(SUB, xs(xaOff, 2, j), xs(xaOff, 1, j), xs(xbOff, 2, j), len);
        op(SUB, xs(xaOff, 1, j), xs(xaOff, 3, j), xs(xbOff, 3, j), len);
      }
      for (let u = 0; u < 4; u++) {
        op(SUB, xs(xbOff, u, 0), xs(xbOff, u, 2), vs(u, 0), len);
        op(ADD, xs(xbOff, u, 1), xs(xbOff, u, 2), vs(u, 1), len);
        op(SUB, xs(xbOff, u, 2), xs(xbOff, u, 1), vs(u, 2), len);
        op(SUB, xs(xbOff, u, 1), xs(xbOff, u, 3), vs(u, 3), len);
      }
      // D = A g Aᵀ: the tile's four values land on D_00, D_03, D_30, D_33 unchanged.
      const lenD = t * co;
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          const src = dyOff + 4 * (b0 * oh * ow + a * ow + b) * co;
          simd.copy_runs(src, ds(3 * a, 3 * b), co, gb, oh * ow * co, tH, 2 * ow * co, tW, 2 * co);
        }
      }
      for (const j of [0, 3]) {
        op(ADD, ds(0, j), ds(3, j), ds(1, j), lenD); // rows of A g
        op(SUB, ds(0, j), ds(3, j), ds(2, j), lenD);
      }
      for (let u = 0; u < 4; u++) {
        op(ADD, ds(u, 0), ds(u, 3), ds(u, 1), lenD); // columns of (A g) Aᵀ
        op(SUB, ds(u, 0), ds(u, 3), ds(u, 2), lenD);
      }
    }
    // M_uvᵀ (+)= D_uvᵀ · V_uv [CO, C], D read transposed in place (rs 1, cs CO): measured faster than
    // V_uvᵀ · D_uv on the benchmark CNN's shapes (interleaved), and the transform below transposes for free.
    const dst = p0 === 0 ? mOff : byteOffset(backend, part!);
    simd.gemm(dOff, vOff, dst, 16, co, tiles, c, tiles * co, tiles * c, c * co, 1, co);
    if (p0 > 0) op(ADD, mOff, dst, mOff, 16 * c * co);
  }
  // dW[p, q] = Σ_uv Gᵀ[p, u] Gᵀ[q, v] M_uv: rows then columns of Gᵀ M G, each as
  // s = M_1 + M_2, Z_0 = M_0 + ½s, Z_1 = ½(M_1 − M_2), Z_2 = ½s − M_3; then [CO, C] → [C, CO].
  const cc = c * co;
  const z = backend.makeOutput([(12 + 9 + 2) * cc + 1], 'float32'); // Z rows, the 9 results, s, ½s, ½
  const zOff = byteOffset(backend, z);
  const half = zOff + 4 * 23 * cc;
  heapF32(backend)[half / 4] = 0.5;
  const sum = zOff + 4 * 21 * cc;
  const halfSum = zOff + 4 * 22 * cc;
  const combine = (at: (i: number) => number, to: (p: number) => number) => {
    simd.binary_f32(ADD, at(1), 0, at(2), 0, sum, 1, cc);
    simd.binary_f32(MUL, sum, 0, half, 3, halfSum, 1, cc);
    simd.binary_f32(ADD, at(0), 0, halfSum, 0, to(0), 1, cc);
    simd.binary_f32(SUB, at(1), 0, at(2), 0, to(1), 1, cc);
    simd.binary_f32(MUL, to(1), 0, half, 3, to(1), 1, cc);
    simd.binary_f32(SUB, halfSum, 0, at(3), 0, to(2), 1, cc);
  };
  const zAt = (p: number, j: number) => zOff + 4 * (p * 4 + j) * cc;
  const result = (p: number, q: number) => zOff + 4 * (12 + p * 3 + q) * cc;
  for (let j = 0; j < 4; j++) {
    combine(
      (u) => mOff + 4 * (u * 4 + j) * cc,
      (p) => zAt(p, j),
    );
  }
  for (let p = 0; p < 3; p++) {
    combine(
      (j) => zAt(p, j),
      (q) => result(p, q),
    );
  }
  simd.transpose_strided(result(0, 0), byteOffset(backend, out), 9, co, c, cc, c, cc, co);
  free(backend, z);
  for (const tensor of [v, d, xa, xb, m, part]) if (tensor !== undefined) free(backend, tensor);
}
