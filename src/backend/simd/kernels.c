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

#ifdef __wasm_relaxed_simd__
/*
 * The relaxed-SIMD build (build.sh) is the GEMM alone: every other function is left unexported there, so the
 * linker drops it, and the kernels take the plain build's (src/backend/kernels/simd.ts).
 */
#define EXPORT(name)
#define EXPORT_GEMM(name) __attribute__((export_name(#name)))
#else
#define EXPORT(name) __attribute__((export_name(#name)))
#define EXPORT_GEMM(name) EXPORT(name)
#endif

/*
 * Copies n floats. V8 runs memory.copy as a call into the runtime (~tens of ns), which
 * dominates runs of a few dozen floats: those are copied with vector loads and stores.
 */
static inline void copy_f32(float* dst, const float* src, int n) {
  if (n >= 256) { __builtin_memcpy(dst, src, sizeof(float) * n); return; }
  int e = 0;
  for (; e + 4 <= n; e += 4) wasm_v128_store(dst + e, wasm_v128_load(src + e));
  for (; e < n; e++) dst[e] = src[e];
}

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
/*
 * Windows that tile the input (stride = window, no padding): every input element belongs to at
 * most one window, so dx is written once per element (dy at the arg-max, 0 elsewhere) instead
 * of zeroed and accumulated. Rows and columns past the last window are zeroed.
 */
static void max_pool_grad_tiled(const float* x, const float* dy, float* dx, int n, int h, int w, int c, int oh, int ow,
                                int kh, int kw) {
  const long image = (long)h * w * c;
  const v128_t minus_inf = wasm_f32x4_splat(-__builtin_inff());
  for (int b = 0; b < n; b++) {
    const float* xb = x + b * image;
    float* dxb = dx + b * image;
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        const float* g = dy + (((long)b * oh + i) * ow + j) * c;
        const long corner = ((long)i * kh * w + (long)j * kw) * c;
        int e = 0;
        for (; e + 4 <= c; e += 4) {
          v128_t best = minus_inf, at = wasm_i32x4_splat(-1);
          int t = 0;
          for (int r = 0; r < kh; r++) {
            for (int q = 0; q < kw; q++, t++) {
              v128_t v = wasm_v128_load(xb + corner + ((long)r * w + q) * c + e);
              v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              at = wasm_v128_bitselect(wasm_i32x4_splat(t), at, more);
            }
          }
          v128_t gv = wasm_v128_load(g + e);
          t = 0;
          for (int r = 0; r < kh; r++) {
            for (int q = 0; q < kw; q++, t++) {
              wasm_v128_store(dxb + corner + ((long)r * w + q) * c + e, wasm_v128_and(gv, wasm_i32x4_eq(at, wasm_i32x4_splat(t))));
            }
          }
        }
        for (; e < c; e++) {
          float best = -__builtin_inff();
          int at = -1, t = 0;
          for (int r = 0; r < kh; r++) {
            for (int q = 0; q < kw; q++, t++) {
              const float v = xb[corner + ((long)r * w + q) * c + e];
              if (v > best) { best = v; at = t; }
            }
          }
          t = 0;
          for (int r = 0; r < kh; r++) {
            for (int q = 0; q < kw; q++, t++) dxb[corner + ((long)r * w + q) * c + e] = t == at ? g[e] : 0.0f;
          }
        }
      }
      /* columns right of the last window, in this band of rows */
      for (int r = i * kh; r < (i + 1) * kh; r++) {
        for (long q = (long)ow * kw * c; q < (long)w * c; q++) dxb[(long)r * w * c + q] = 0.0f;
      }
    }
    for (long q = (long)oh * kh * w * c; q < image; q++) dxb[q] = 0.0f; /* rows below the last window */
  }
}

EXPORT(max_pool_grad)
void max_pool_grad(const float* x, const float* dy, float* dx, int n, int h, int w, int c, int oh, int ow,
                   int sh, int sw, int kh, int kw, int top, int left) {
  if (sh == kh && sw == kw && top == 0 && left == 0 && oh * kh <= h && ow * kw <= w) {
    max_pool_grad_tiled(x, dy, dx, n, h, w, c, oh, ow, kh, kw);
    return;
  }
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
      for (int c = 0; c < nc; c++, s += sc, dst += run) copy_f32(dst, s, run);
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
              copy_f32(dst, xb + ((long)ih * w + iw) * c, c);
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

/*
 * Element-wise ops on an output viewed as [outer, inner]. Each operand has a mode:
 *   0 full   (x[o·inner + j])      1 row     (x[j], shared by every o)
 *   2 column (x[o], shared by j)   3 scalar  (x[0])
 * which covers same shapes, scalars, trailing-axes broadcasts (a bias) and leading-axes
 * broadcasts (a [N, 1] normaliser). The TypeScript side maps other broadcasts to the stock kernels.
 */
static inline const float* operand(const float* x, int mode, int o, int inner, int* vec) {
  *vec = mode <= 1;
  if (mode == 0) return x + (long)o * inner;
  if (mode == 2) return x + o;
  return x;
}

#define BINARY_LOOP(VEXPR, SEXPR)                                                   \
  for (int o = 0; o < outer; o++) {                                                \
    int av, bv;                                                                    \
    const float* pa = operand(a, amode, o, inner, &av);                            \
    const float* pb = operand(b, bmode, o, inner, &bv);                            \
    float* po = out + (long)o * inner;                                             \
    const v128_t sa = wasm_f32x4_splat(pa[0]), sb = wasm_f32x4_splat(pb[0]);       \
    int j = 0;                                                                     \
    for (; j + 4 <= inner; j += 4) {                                               \
      v128_t x = av ? wasm_v128_load(pa + j) : sa;                                 \
      v128_t y = bv ? wasm_v128_load(pb + j) : sb;                                 \
      wasm_v128_store(po + j, VEXPR);                                              \
    }                                                                              \
    for (; j < inner; j++) {                                                       \
      float x = av ? pa[j] : pa[0];                                                \
      float y = bv ? pb[j] : pb[0];                                                \
      po[j] = SEXPR;                                                               \
    }                                                                              \
  }

/* op: 0 add, 1 sub, 2 mul, 3 div. IEEE float32 arithmetic, the same result as cpu's. */
EXPORT(binary_f32)
void binary_f32(int op, const float* a, int amode, const float* b, int bmode, float* out, int outer, int inner) {
  switch (op) {
    case 0: BINARY_LOOP(wasm_f32x4_add(x, y), x + y) break;
    case 1: BINARY_LOOP(wasm_f32x4_sub(x, y), x - y) break;
    case 2: BINARY_LOOP(wasm_f32x4_mul(x, y), x * y) break;
    case 3: BINARY_LOOP(wasm_f32x4_div(x, y), x / y) break;
  }
}

/*
 * out = a + s·b over n floats: a multiply, rounded, then an add, rounded, as cpu's add(a, mul(b, s))
 * computes it (wasm has no fused multiply-add, so nothing contracts the two). GeN's probe points
 * w₀ + x·D and its update w + s·D, one pass over memory instead of two. Returns Σ (out − out):
 * exactly 0 when every entry of out is finite, NaN otherwise (∞ − ∞ is NaN), so the update's
 * finiteness guard needs no second pass.
 */
EXPORT(add_scaled_f32)
float add_scaled_f32(const float* a, const float* b, float* out, int n, float s) {
  const v128_t vs = wasm_f32x4_splat(s);
  v128_t check = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t y = wasm_f32x4_add(wasm_v128_load(a + i), wasm_f32x4_mul(wasm_v128_load(b + i), vs));
    wasm_v128_store(out + i, y);
    check = wasm_f32x4_add(check, wasm_f32x4_sub(y, y));
  }
  float rest = 0.0f;
  for (; i < n; i++) {
    out[i] = a[i] + b[i] * s;
    rest += out[i] - out[i];
  }
  return wasm_f32x4_extract_lane(check, 0) + wasm_f32x4_extract_lane(check, 1) + wasm_f32x4_extract_lane(check, 2) +
         wasm_f32x4_extract_lane(check, 3) + rest;
}

/*
 * Σ x[i]² over n floats, each square rounded to float32 (as square() rounds it; an overflow is ∞), the sum in
 * float64 over four lanes: GeN's Σ‖g‖², which also tells whether every gradient entry is finite. One pass and no
 * temporary, against square() and a sum over the squares.
 */
EXPORT(sum_squares_f32)
double sum_squares_f32(const float* x, int n) {
  v128_t lo = wasm_f64x2_splat(0.0), hi = wasm_f64x2_splat(0.0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t sq = wasm_f32x4_mul(v, v);
    lo = wasm_f64x2_add(lo, wasm_f64x2_promote_low_f32x4(sq));
    hi = wasm_f64x2_add(hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(sq, sq, 2, 3, 2, 3)));
  }
  double sum = (wasm_f64x2_extract_lane(lo, 0) + wasm_f64x2_extract_lane(hi, 0)) +
               (wasm_f64x2_extract_lane(lo, 1) + wasm_f64x2_extract_lane(hi, 1));
  for (; i < n; i++) {
    const float sq = x[i] * x[i];
    sum += (double)sq;
  }
  return sum;
}

#define COMPARE_LOOP(VEXPR, SEXPR)                                                  \
  for (int o = 0; o < outer; o++) {                                                \
    int av, bv;                                                                    \
    const float* pa = operand(a, amode, o, inner, &av);                            \
    const float* pb = operand(b, bmode, o, inner, &bv);                            \
    unsigned char* po = out + (long)o * inner;                                     \
    const v128_t sa = wasm_f32x4_splat(pa[0]), sb = wasm_f32x4_splat(pb[0]);       \
    int j = 0;                                                                     \
    for (; j + 4 <= inner; j += 4) {                                               \
      v128_t x = av ? wasm_v128_load(pa + j) : sa;                                 \
      v128_t y = bv ? wasm_v128_load(pb + j) : sb;                                 \
      v128_t m = wasm_v128_and(VEXPR, one);                                        \
      v128_t n16 = wasm_u16x8_narrow_i32x4(m, m);                                  \
      v128_t n8 = wasm_u8x16_narrow_i16x8(n16, n16);                               \
      wasm_v128_store32_lane(po + j, n8, 0);                                       \
    }                                                                              \
    for (; j < inner; j++) {                                                       \
      float x = av ? pa[j] : pa[0];                                                \
      float y = bv ? pb[j] : pb[0];                                                \
      po[j] = (SEXPR) ? 1 : 0;                                                     \
    }                                                                              \
  }

/* op: 0 ≥, 1 >, 2 ≤, 3 <, 4 =, 5 ≠; bool (uint8 0/1) output; NaN compares false except ≠. */
EXPORT(compare_f32)
void compare_f32(int op, const float* a, int amode, const float* b, int bmode, unsigned char* out, int outer, int inner) {
  const v128_t one = wasm_i32x4_splat(1);
  switch (op) {
    case 0: COMPARE_LOOP(wasm_f32x4_ge(x, y), x >= y) break;
    case 1: COMPARE_LOOP(wasm_f32x4_gt(x, y), x > y) break;
    case 2: COMPARE_LOOP(wasm_f32x4_le(x, y), x <= y) break;
    case 3: COMPARE_LOOP(wasm_f32x4_lt(x, y), x < y) break;
    case 4: COMPARE_LOOP(wasm_f32x4_eq(x, y), x == y) break;
    case 5: COMPARE_LOOP(wasm_f32x4_ne(x, y), x != y) break;
  }
}

/* Logical and (op 0) / or (op 1) of bool (uint8 0/1) tensors, with the same operand modes. */
EXPORT(logical_u8)
void logical_u8(int op, const unsigned char* a, int amode, const unsigned char* b, int bmode, unsigned char* out, int outer, int inner) {
  for (int o = 0; o < outer; o++) {
    const unsigned char* pa = amode == 0 ? a + (long)o * inner : amode == 2 ? a + o : a;
    const unsigned char* pb = bmode == 0 ? b + (long)o * inner : bmode == 2 ? b + o : b;
    const int sa = amode >= 2, sb = bmode >= 2;
    unsigned char* po = out + (long)o * inner;
    if (op == 0) for (int j = 0; j < inner; j++) po[j] = (pa[sa ? 0 : j] && pb[sb ? 0 : j]) ? 1 : 0;
    else for (int j = 0; j < inner; j++) po[j] = (pa[sa ? 0 : j] || pb[sb ? 0 : j]) ? 1 : 0;
  }
}

/* out[i] = cond[i] ? t[i] : e[i] (all the same size; cond is bool). */
EXPORT(select_f32)
void select_f32(const unsigned char* cond, const float* t, const float* e, float* out, int n) {
  for (int i = 0; i < n; i++) out[i] = cond[i] ? t[i] : e[i];
}

/*
 * exp for float32 (Cephes expf): e^x = 2^k · e^r, r = x − k·ln 2 in [−ln2/2, ln2/2], e^r by a
 * degree-7 polynomial; within ~1 ulp of the correctly rounded value. Overflow gives +inf,
 * underflow 0, NaN stays NaN.
 */
static inline v128_t exp_f32x4(v128_t x) {
  const v128_t hi = wasm_f32x4_splat(88.3762626647949f), lo = wasm_f32x4_splat(-87.3365478515625f);
  v128_t nan = wasm_f32x4_ne(x, x);
  v128_t over = wasm_f32x4_gt(x, hi), under = wasm_f32x4_lt(x, lo);
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_pmax(x, lo), hi);
  v128_t k = wasm_f32x4_nearest(wasm_f32x4_mul(xc, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(k, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  v128_t y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  /* 2^k: k + 127 into the exponent field (k in [−126, 127] after clamping). */
  v128_t ki = wasm_i32x4_trunc_sat_f32x4(k);
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(ki, wasm_i32x4_splat(127)), 23);
  y = wasm_f32x4_mul(y, scale);
  y = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), y, over);
  y = wasm_v128_bitselect(wasm_f32x4_splat(0.0f), y, under);
  return wasm_v128_bitselect(x, y, nan);
}

/*
 * tanh for float32: Eigen's rational approximation (odd degree-13 over even degree-6
 * polynomial on x clamped to ±7.9053, tanh(x) = x for |x| < 0.0004); a few ulp.
 */
static inline v128_t tanh_f32x4(v128_t x) {
  const v128_t clamp = wasm_f32x4_splat(7.90531110763549805f);
  v128_t tiny = wasm_f32x4_lt(wasm_f32x4_abs(x), wasm_f32x4_splat(0.0004f));
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_neg(clamp)), clamp);
  v128_t x2 = wasm_f32x4_mul(xc, xc);
  v128_t p = wasm_f32x4_splat(-2.76076847742355e-16f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.00018790482477e-13f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-8.60467152213735e-11f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(5.12229709037114e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1.48572235717979e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(6.37261928875436e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(4.89352455891786e-03f));
  p = wasm_f32x4_mul(p, xc);
  v128_t q = wasm_f32x4_splat(1.19825839466702e-06f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(1.18534705686654e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(2.26843463243900e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(4.89352518554385e-03f));
  v128_t y = wasm_f32x4_div(p, q);
  return wasm_v128_bitselect(x, y, wasm_v128_or(tiny, wasm_f32x4_ne(x, x)));
}

static inline v128_t unary_vec(int op, v128_t v) {
  switch (op) {
    case 0: return tanh_f32x4(v);
    case 1: return exp_f32x4(v);
    case 2: return wasm_f32x4_sqrt(v);
    case 3: return wasm_f32x4_mul(v, v);
    default: return wasm_f32x4_neg(v);
  }
}

/* op: 0 tanh, 1 exp, 2 sqrt (IEEE), 3 square, 4 neg. The < 4 tail goes through the same vector code. */
EXPORT(unary_f32)
void unary_f32(int op, const float* x, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, unary_vec(op, wasm_v128_load(x + i)));
  if (i < n) {
    v128_t v = wasm_f32x4_splat(x[i]);
    if (i + 1 < n) v = wasm_f32x4_replace_lane(v, 1, x[i + 1]);
    if (i + 2 < n) v = wasm_f32x4_replace_lane(v, 2, x[i + 2]);
    v128_t y = unary_vec(op, v);
    out[i] = wasm_f32x4_extract_lane(y, 0);
    if (i + 1 < n) out[i + 1] = wasm_f32x4_extract_lane(y, 1);
    if (i + 2 < n) out[i + 2] = wasm_f32x4_extract_lane(y, 2);
  }
}

/* count runs of `run` floats: dst + c·ds ← src + c·ss (element strides). Concat, split, stack. */
EXPORT(copy_strided)
void copy_strided(const float* src, float* dst, int run, int count, int ss, int ds) {
  for (int c = 0; c < count; c++) copy_f32(dst + (long)c * ds, src + (long)c * ss, run);
}

/* Conversions to float32: op 0 from bool (uint8 0/1), op 1 from int32 (round to nearest even). */
EXPORT(cast_to_f32)
void cast_to_f32(int op, const void* src, float* dst, int n) {
  if (op == 0) {
    const unsigned char* s = (const unsigned char*)src;
    for (int i = 0; i < n; i++) dst[i] = s[i] ? 1.0f : 0.0f;
  } else {
    const int* s = (const int*)src;
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_convert_i32x4(wasm_v128_load(s + i)));
    for (; i < n; i++) dst[i] = (float)s[i];
  }
}

/* clip: v > hi → hi, v < lo → lo, else v (NaN stays NaN, like the cpu kernel). */
EXPORT(clip_f32)
void clip_f32(const float* x, float* out, int n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v = wasm_v128_bitselect(vhi, v, wasm_f32x4_gt(v, vhi));
    v = wasm_v128_bitselect(vlo, v, wasm_f32x4_lt(v, vlo));
    wasm_v128_store(out + i, v);
  }
  for (; i < n; i++) { float v = x[i]; out[i] = v > hi ? hi : (v < lo ? lo : v); }
}

/* step: v > 0 → 1, NaN → NaN, else alpha (tfjs's Step). */
EXPORT(step_f32)
void step_f32(const float* x, float* out, int n, float alpha) {
  const v128_t one = wasm_f32x4_splat(1.0f), va = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t y = wasm_v128_bitselect(one, va, wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)));
    wasm_v128_store(out + i, wasm_v128_bitselect(v, y, wasm_f32x4_ne(v, v)));
  }
  for (; i < n; i++) { float v = x[i]; out[i] = v != v ? v : (v > 0 ? 1.0f : alpha); }
}

/*
 * ReLU's gradient dy · step(x) (step: x > 0 → 1, NaN → NaN, else 0), in one pass instead of Step's and
 * Multiply's; the same product, so the same bits (dy · 0 keeps dy's sign, ∞ · 0 is NaN).
 */
EXPORT(relu_grad_f32)
void relu_grad_f32(const float* dy, const float* x, float* out, int n) {
  const v128_t one = wasm_f32x4_splat(1.0f), zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t s = wasm_v128_bitselect(one, zero, wasm_f32x4_gt(v, zero));
    s = wasm_v128_bitselect(v, s, wasm_f32x4_ne(v, v));
    wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
  for (; i < n; i++) {
    float v = x[i];
    out[i] = dy[i] * (v != v ? v : (v > 0 ? 1.0f : 0.0f));
  }
}

/*
 * Matrix products without packing: out[b] = A[b] · w[b] for b < batch, A[b] [m, k] read as
 * A(i, p) = a[b·sa + i·rs + p·cs] (so a transposed operand costs nothing), w[b] [k, n] and
 * out[b] [m, n] row-major, batch strides in elements (0 broadcasts one operand).
 *
 * A 4×8 register tile (8 accumulators; per k, two vectors of w's row and four broadcast
 * elements of A's column), k in blocks of KC: each block's partial tile is added to the output,
 * which bounds the float32 rounding error (~(KC + k/KC)·ε instead of k·ε) and keeps the w
 * panel in cache. ~30–40 GFLOP/s on the benchmark shapes, against ~24 for the backend's
 * XNNPACK path, which also packs w (~3 ns per element) whenever w is new.
 */
#define KC 256

#ifdef __wasm_relaxed_simd__
/*
 * The relaxed-SIMD build (build.sh's second pair): f32x4.relaxed_madd, which the engine runs as one
 * fused multiply-add where the CPU has one (x86 FMA3, Arm NEON) and as mul + add where it has not.
 * Fused, each multiply-add rounds once instead of twice, so products differ from the plain build's
 * in the last bits; on one machine they are deterministic. That build holds only the GEMM.
 */
typedef float f32x4_t __attribute__((__vector_size__(16)));
static inline v128_t madd(v128_t c, v128_t a, v128_t b) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((f32x4_t)a, (f32x4_t)b, (f32x4_t)c);
}
#else
static inline v128_t madd(v128_t c, v128_t a, v128_t b) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
#endif

static inline void gemm_tile4x8(const float* a, int rs, int cs, const float* w, int ldw, float* o, int ldo, int k, int first) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < k; p++) {
    const float* ap = a + (long)p * cs;
    const v128_t w0 = wasm_v128_load(w + (long)p * ldw), w1 = wasm_v128_load(w + (long)p * ldw + 4);
    const v128_t a0 = wasm_f32x4_splat(ap[0]), a1 = wasm_f32x4_splat(ap[rs]);
    const v128_t a2 = wasm_f32x4_splat(ap[2 * rs]), a3 = wasm_f32x4_splat(ap[3 * rs]);
    c00 = madd(c00, a0, w0); c01 = madd(c01, a0, w1);
    c10 = madd(c10, a1, w0); c11 = madd(c11, a1, w1);
    c20 = madd(c20, a2, w0); c21 = madd(c21, a2, w1);
    c30 = madd(c30, a3, w0); c31 = madd(c31, a3, w1);
  }
  if (!first) {
    c00 = wasm_f32x4_add(c00, wasm_v128_load(o)); c01 = wasm_f32x4_add(c01, wasm_v128_load(o + 4));
    c10 = wasm_f32x4_add(c10, wasm_v128_load(o + ldo)); c11 = wasm_f32x4_add(c11, wasm_v128_load(o + ldo + 4));
    c20 = wasm_f32x4_add(c20, wasm_v128_load(o + 2 * ldo)); c21 = wasm_f32x4_add(c21, wasm_v128_load(o + 2 * ldo + 4));
    c30 = wasm_f32x4_add(c30, wasm_v128_load(o + 3 * ldo)); c31 = wasm_f32x4_add(c31, wasm_v128_load(o + 3 * ldo + 4));
  }
  wasm_v128_store(o, c00); wasm_v128_store(o + 4, c01);
  wasm_v128_store(o + ldo, c10); wasm_v128_store(o + ldo + 4, c11);
  wasm_v128_store(o + 2 * ldo, c20); wasm_v128_store(o + 2 * ldo + 4, c21);
  wasm_v128_store(o + 3 * ldo, c30); wasm_v128_store(o + 3 * ldo + 4, c31);
}

/* One row of A times w for columns [j0, n): vectors of 4, then scalars. */
static inline void gemm_row(const float* a, int cs, const float* w, int ldw, float* o, int k, int j0, int n, int first) {
  int j = j0;
  for (; j + 4 <= n; j += 4) {
    v128_t c = first ? wasm_f32x4_splat(0) : wasm_v128_load(o + j);
    v128_t part = wasm_f32x4_splat(0);
    for (int p = 0; p < k; p++) part = madd(part, wasm_f32x4_splat(a[(long)p * cs]), wasm_v128_load(w + (long)p * ldw + j));
    wasm_v128_store(o + j, wasm_f32x4_add(c, part));
  }
  for (; j < n; j++) {
    float part = 0;
    for (int p = 0; p < k; p++) part += a[(long)p * cs] * w[(long)p * ldw + j];
    o[j] = first ? part : o[j] + part;
  }
}

EXPORT_GEMM(gemm)
void gemm(const float* a, const float* w, float* out, int batch, int m, int k, int n, int sa, int sw, int so, int rs, int cs) {
  const int n8 = n & ~7;
  for (int b = 0; b < batch; b++) {
    const float* ab = a + (long)b * sa;
    const float* wb = w + (long)b * sw;
    float* ob = out + (long)b * so;
    if (k == 0) { for (long e = 0; e < (long)m * n; e++) ob[e] = 0.0f; continue; }
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kb = k - p0 < KC ? k - p0 : KC;
      const int first = p0 == 0;
      const float* ak = ab + (long)p0 * cs;
      const float* wk = wb + (long)p0 * n;
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        const float* ai = ak + (long)i * rs;
        for (int j = 0; j < n8; j += 8) gemm_tile4x8(ai, rs, cs, wk + j, n, ob + (long)i * n + j, n, kb, first);
        if (n8 < n) for (int r = 0; r < 4; r++) gemm_row(ai + (long)r * rs, cs, wk, n, ob + (long)(i + r) * n, kb, n8, n, first);
      }
      for (; i < m; i++) gemm_row(ak + (long)i * rs, cs, wk, n, ob + (long)i * n, kb, 0, n, first);
    }
  }
}
