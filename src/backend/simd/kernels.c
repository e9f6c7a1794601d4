/*
 * SIMD loops for gen-optim's wasm kernels (the kernels in ../kernels/).
 *
 * Compiled by build.sh with clang --target=wasm32 -msimd128 into a tiny module that imports
 * the tfjs wasm backend's own memory, so every pointer here is a byte offset into the same
 * heap the backend's tensors live in. The module has no stack, globals or data: functions use
 * wasm locals only (build.sh checks this), so it can never touch memory the backend owns
 * except through the pointers it is given. Scratch space, when needed, is passed in.
 *
 * Every function is a plain loop over float32 data in NHWC / row-major layouts, the same math
 * as the TypeScript fallbacks next to each kernel.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * out[a, b] = Σ_r x[a, r, b] for x viewed as [outer, reduce, inner]; accumulated in float64
 * in acc[inner] (caller-provided scratch, 8-byte aligned), rounded to float32 once.
 */
EXPORT(sum_middle)
void sum_middle(const float* x, float* out, double* acc, int outer, int reduce, int inner) {
  for (int a = 0; a < outer; a++) {
    for (int b = 0; b < inner; b++) acc[b] = 0.0;
    const float* row = x + (long)a * reduce * inner;
    for (int r = 0; r < reduce; r++, row += inner) {
      int b = 0;
      for (; b + 4 <= inner; b += 4) {
        v128_t v = wasm_v128_load(row + b);
        v128_t lo = wasm_f64x2_promote_low_f32x4(v);
        v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3));
        wasm_v128_store(acc + b, wasm_f64x2_add(wasm_v128_load(acc + b), lo));
        wasm_v128_store(acc + b + 2, wasm_f64x2_add(wasm_v128_load(acc + b + 2), hi));
      }
      for (; b < inner; b++) acc[b] += (double)row[b];
    }
    float* o = out + (long)a * inner;
    for (int b = 0; b < inner; b++) o[b] = (float)acc[b];
  }
}

/*
 * Max-pooling gradient, NHWC. For each window the arg-max is the first strictly larger value
 * scanned from −∞ in row-major tap order (the cpu kernel's rule; NaN never wins, a window of
 * NaNs routes nothing), and dy is added there. dx is zeroed first. Four channels at a time.
 */
EXPORT(max_pool_grad)
void max_pool_grad(const float* x, const float* dy, float* dx, int n, int h, int w, int c, int oh, int ow,
                   int sh, int sw, int kh, int kw, int top, int left) {
  const long image = (long)h * w * c;
  __builtin_memset(dx, 0, sizeof(float) * image * n);
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  const v128_t none = wasm_i32x4_splat(-1);
  for (int b = 0; b < n; b++) {
    const float* xb = x + b * image;
    float* dxb = dx + b * image;
    for (int i = 0; i < oh; i++) {
      int r0 = i * sh - top, r1 = r0 + kh;
      if (r0 < 0) r0 = 0;
      if (r1 > h) r1 = h;
      for (int j = 0; j < ow; j++) {
        int c0 = j * sw - left, c1 = c0 + kw;
        if (c0 < 0) c0 = 0;
        if (c1 > w) c1 = w;
        const float* g = dy + (((long)b * oh + i) * ow + j) * c;
        int e = 0;
        for (; e + 4 <= c; e += 4) {
          v128_t best = minus_inf, at = none;
          for (int r = r0; r < r1; r++) {
            for (int q = c0; q < c1; q++) {
              const int p = (r * w + q) * c + e;
              v128_t v = wasm_v128_load(xb + p);
              v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(p), wasm_i32x4_make(0, 1, 2, 3)), at, more);
            }
          }
          int a0 = wasm_i32x4_extract_lane(at, 0), a1 = wasm_i32x4_extract_lane(at, 1);
          int a2 = wasm_i32x4_extract_lane(at, 2), a3 = wasm_i32x4_extract_lane(at, 3);
          if (a0 >= 0) dxb[a0] += g[e];
          if (a1 >= 0) dxb[a1] += g[e + 1];
          if (a2 >= 0) dxb[a2] += g[e + 2];
          if (a3 >= 0) dxb[a3] += g[e + 3];
        }
        for (; e < c; e++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int r = r0; r < r1; r++) {
            for (int q = c0; q < c1; q++) {
              const int p = (r * w + q) * c + e;
              if (xb[p] > best) { best = xb[p]; at = p; }
            }
          }
          if (at >= 0) dxb[at] += g[e];
        }
      }
    }
  }
}

/*
 * Batched strided 2-D transpose: dst[k·dk + j·dr + i] = src[k·sk + i·sr + j] for k < batch,
 * i < rows, j < cols (element strides). 4×4 blocks in registers, scalar edges.
 */
EXPORT(transpose_strided)
void transpose_strided(const float* src, float* dst, int batch, int rows, int cols, int sk, int sr, int dk, int dr) {
  for (int k = 0; k < batch; k++) {
    const float* s = src + (long)k * sk;
    float* d = dst + (long)k * dk;
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
      int j = 0;
      for (; j + 4 <= cols; j += 4) {
        v128_t r0 = wasm_v128_load(s + (long)i * sr + j);
        v128_t r1 = wasm_v128_load(s + (long)(i + 1) * sr + j);
        v128_t r2 = wasm_v128_load(s + (long)(i + 2) * sr + j);
        v128_t r3 = wasm_v128_load(s + (long)(i + 3) * sr + j);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
        v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(d + (long)j * dr + i, wasm_i64x2_shuffle(t0, t1, 0, 2));
        wasm_v128_store(d + (long)(j + 1) * dr + i, wasm_i64x2_shuffle(t0, t1, 1, 3));
        wasm_v128_store(d + (long)(j + 2) * dr + i, wasm_i64x2_shuffle(t2, t3, 0, 2));
        wasm_v128_store(d + (long)(j + 3) * dr + i, wasm_i64x2_shuffle(t2, t3, 1, 3));
      }
      for (; j < cols; j++) {
        for (int ii = i; ii < i + 4; ii++) d[(long)j * dr + ii] = s[(long)ii * sr + j];
      }
    }
    for (; i < rows; i++) {
      for (int j = 0; j < cols; j++) d[(long)j * dr + i] = s[(long)i * sr + j];
    }
  }
}

/*
 * Copies runs of `run` contiguous floats: for (a, b, c) < (na, nb, nc), in that order,
 * dst ← src + a·sa + b·sb + c·sc (element strides), dst advancing by `run` each time.
 * With sa/sb/sc taken from a permutation this is a transpose that keeps the innermost axis.
 */
EXPORT(copy_runs)
void copy_runs(const float* src, float* dst, int run, int na, int sa, int nb, int sb, int nc, int sc) {
  for (int a = 0; a < na; a++) {
    for (int b = 0; b < nb; b++) {
      const float* s = src + (long)a * sa + (long)b * sb;
      for (int c = 0; c < nc; c++, s += sc, dst += run) __builtin_memcpy(dst, s, sizeof(float) * run);
    }
  }
}

/*
 * im2col for an NHWC convolution: cols[r, (p, q, c)] = x[b, i·sh − top + p·dh, j·sw − left + q·dw, c]
 * for r = (b, i, j), zero where the window leaves x. Each (r, p, q) is one run of c floats.
 */
EXPORT(im2col)
void im2col(const float* x, float* cols, int n, int h, int w, int c, int oh, int ow, int sh, int sw,
            int kh, int kw, int top, int left, int dh, int dw) {
  float* dst = cols;
  for (int b = 0; b < n; b++) {
    const float* xb = x + (long)b * h * w * c;
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int p = 0; p < kh; p++) {
          const int ih = i * sh - top + p * dh;
          for (int q = 0; q < kw; q++, dst += c) {
            const int iw = j * sw - left + q * dw;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
              for (int e = 0; e < c; e++) dst[e] = 0.0f;
            } else {
              const float* src = xb + ((long)ih * w + iw) * c;
              if (c < 16) for (int e = 0; e < c; e++) dst[e] = src[e];
              else __builtin_memcpy(dst, src, sizeof(float) * c);
            }
          }
        }
      }
    }
  }
}

/* dx = col2im(cols): the adjoint of im2col (entries read from padding are dropped); dx is zeroed first. */
EXPORT(col2im)
void col2im(const float* cols, float* dx, int n, int h, int w, int c, int oh, int ow, int sh, int sw,
            int kh, int kw, int top, int left, int dh, int dw) {
  __builtin_memset(dx, 0, sizeof(float) * (long)n * h * w * c);
  const float* src = cols;
  for (int b = 0; b < n; b++) {
    float* xb = dx + (long)b * h * w * c;
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int p = 0; p < kh; p++) {
          const int ih = i * sh - top + p * dh;
          for (int q = 0; q < kw; q++, src += c) {
            const int iw = j * sw - left + q * dw;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            float* d = xb + ((long)ih * w + iw) * c;
            int e = 0;
            for (; e + 4 <= c; e += 4) wasm_v128_store(d + e, wasm_f32x4_add(wasm_v128_load(d + e), wasm_v128_load(src + e)));
            for (; e < c; e++) d[e] += src[e];
          }
        }
      }
    }
  }
}

/*
 * The transposed column matrix directly: colsT[(p, q, c), r] = cols[r, (p, q, c)] (see im2col),
 * rows = n·oh·ow. Four output pixels × four channels at a time through a 4×4 register
 * transpose, so both the reads (channel runs) and the writes (rows of colsT) are contiguous.
 */
static inline const float* pixel(const float* x, int b, int i, int j, int p, int q, int h, int w, int c, int sh, int sw,
                                 int top, int left, int dh, int dw) {
  const int ih = i * sh - top + p * dh, iw = j * sw - left + q * dw;
  if (ih < 0 || ih >= h || iw < 0 || iw >= w) return 0;
  return x + (((long)b * h + ih) * w + iw) * c;
}

EXPORT(im2col_t)
void im2col_t(const float* x, float* colsT, int n, int h, int w, int c, int oh, int ow, int sh, int sw,
              int kh, int kw, int top, int left, int dh, int dw) {
  const long rows = (long)n * oh * ow;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < kh; p++) {
    for (int q = 0; q < kw; q++) {
      float* out = colsT + ((long)(p * kw + q) * c) * rows;
      int b = 0, i = 0, j = 0; /* pixel r = (b, i, j) */
      long r = 0;
      for (; r + 4 <= rows; r += 4) {
        const float* s[4];
        for (int t = 0; t < 4; t++) {
          s[t] = pixel(x, b, i, j, p, q, h, w, c, sh, sw, top, left, dh, dw);
          if (++j == ow) { j = 0; if (++i == oh) { i = 0; b++; } }
        }
        int e = 0;
        for (; e + 4 <= c; e += 4) {
          v128_t r0 = s[0] ? wasm_v128_load(s[0] + e) : zero;
          v128_t r1 = s[1] ? wasm_v128_load(s[1] + e) : zero;
          v128_t r2 = s[2] ? wasm_v128_load(s[2] + e) : zero;
          v128_t r3 = s[3] ? wasm_v128_load(s[3] + e) : zero;
          v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          wasm_v128_store(out + (long)e * rows + r, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store(out + (long)(e + 1) * rows + r, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store(out + (long)(e + 2) * rows + r, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store(out + (long)(e + 3) * rows + r, wasm_i64x2_shuffle(t2, t3, 1, 3));
        }
        for (; e < c; e++) {
          for (int t = 0; t < 4; t++) out[(long)e * rows + r + t] = s[t] ? s[t][e] : 0.0f;
        }
      }
      for (; r < rows; r++) {
        const float* s0 = pixel(x, b, i, j, p, q, h, w, c, sh, sw, top, left, dh, dw);
        if (++j == ow) { j = 0; if (++i == oh) { i = 0; b++; } }
        for (int e = 0; e < c; e++) out[(long)e * rows + r] = s0 ? s0[e] : 0.0f;
      }
    }
  }
}
