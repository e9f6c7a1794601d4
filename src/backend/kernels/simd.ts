/**
 * This project's SIMD loops (`../simd/kernels.c`, compiled to a small WebAssembly module that
 * imports the backend's own memory), instantiated once per backend. Kernels call
 * {@link simdFor} and fall back to their TypeScript loops when it returns undefined: no
 * WebAssembly SIMD in this runtime, a browser that has not awaited {@link prepareSimd}, or
 * {@link setSimdEnabled}(false) in tests. All pointers are byte offsets into the heap.
 */
import {
  SIMD_WASM,
  SIMD_WASM_RELAXED,
  SIMD_WASM_RELAXED_SHARED_MEMORY,
  SIMD_WASM_SHARED_MEMORY,
} from '../simd/simd-module.js';
import { threadCount, wasmMemory, type WasmBackend } from './heap.js';
import { parallelGemm } from './gemm-split.js';

export interface SimdKernels {
  /** out[a, b] = Σ_r x[a, r, b], x as [outer, reduce, inner]; `acc` is 8·inner bytes of scratch. */
  sum_middle(x: number, out: number, acc: number, outer: number, reduce: number, inner: number): void;
  /** NHWC max-pooling gradient into dx (zeroed first); first strict max from −∞. */
  max_pool_grad(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
  ): void;
  /** dst[k·dk + j·dr + i] = src[k·sk + i·sr + j] for k < batch, i < rows, j < cols (element strides). */
  transpose_strided(
    src: number,
    dst: number,
    batch: number,
    rows: number,
    cols: number,
    sk: number,
    sr: number,
    dk: number,
    dr: number,
  ): void;
  /** NHWC im2col: cols[(b, i, j), (p, q, c)] (zeros outside x). */
  im2col(
    x: number,
    cols: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
    dh: number,
    dw: number,
  ): void;
  /** The transposed column matrix colsT[(p, q, c), (b, i, j)], written directly. */
  im2col_t(
    x: number,
    colsT: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
    dh: number,
    dw: number,
  ): void;
  /** The adjoint of im2col into dx (zeroed first). */
  col2im(
    cols: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
    dh: number,
    dw: number,
  ): void;
  /** Element-wise a op b (0 add, 1 sub, 2 mul, 3 div) on [outer, inner]; modes: 0 full, 1 row, 2 column, 3 scalar. */
  binary_f32(
    op: number,
    a: number,
    amode: number,
    b: number,
    bmode: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  /** Comparisons (0 ≥, 1 >, 2 ≤, 3 <, 4 =, 5 ≠) into bool, same operand modes. */
  compare_f32(
    op: number,
    a: number,
    amode: number,
    b: number,
    bmode: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  /** Logical and (0) / or (1) of bools, same operand modes. */
  logical_u8(
    op: number,
    a: number,
    amode: number,
    b: number,
    bmode: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  /** out = cond ? t : e, all of size n. */
  select_f32(cond: number, t: number, e: number, out: number, n: number): void;
  /** 0 tanh, 1 exp, 2 sqrt, 3 square, 4 neg. */
  unary_f32(op: number, x: number, out: number, n: number): void;
  /** count runs of `run` floats: dst + c·ds ← src + c·ss (element strides). */
  copy_strided(src: number, dst: number, run: number, count: number, ss: number, ds: number): void;
  /** To float32 from bool (op 0) or int32 (op 1). */
  cast_to_f32(op: number, src: number, dst: number, n: number): void;
  /** Clip to [lo, hi], NaN kept. */
  clip_f32(x: number, out: number, n: number, lo: number, hi: number): void;
  /** 1 where x > 0, alpha elsewhere, NaN kept. */
  step_f32(x: number, out: number, n: number, alpha: number): void;
  /** ReLU's gradient: out = dy · step(x), n floats. */
  relu_grad_f32(dy: number, x: number, out: number, n: number): void;
  /** out = a + s·b over n floats (multiply rounded, then add rounded); returns Σ(out − out): 0, or NaN. */
  add_scaled_f32(a: number, b: number, out: number, n: number, s: number): number;
  /** Σ x² over n floats, squares rounded to float32, the sum in float64 (four lanes). */
  sum_squares_f32(x: number, n: number): number;
  /**
   * out[b] = A[b] · w[b]: A(i, p) = a[b·sa + i·rs + p·cs] ([m, k]), w[b] [k, n] and out[b] [m, n]
   * row-major; batch strides in elements (0 broadcasts).
   */
  gemm(
    a: number,
    w: number,
    out: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    sa: number,
    sw: number,
    so: number,
    rs: number,
    cs: number,
  ): void;
  /** Run copies of `run` floats from src + a·sa + b·sb + c·sc, in (a, b, c) order, to consecutive dst. */
  copy_runs(
    src: number,
    dst: number,
    run: number,
    na: number,
    sa: number,
    nb: number,
    sb: number,
    nc: number,
    sc: number,
  ): void;
}

let enabled = true;
/**
 * The modules built from kernels.c: every kernel for an ordinary or a shared memory, and the relaxed-SIMD GEMM alone
 * (its multiply-adds fused) for each. With the relaxed build the kernels are the plain module's but its `gemm`.
 */
type Build = 'plain' | 'shared' | 'relaxed' | 'relaxed-shared';
const BYTES: Record<Build, string> = {
  plain: SIMD_WASM,
  shared: SIMD_WASM_SHARED_MEMORY,
  relaxed: SIMD_WASM_RELAXED,
  'relaxed-shared': SIMD_WASM_RELAXED_SHARED_MEMORY,
};
const modules: { [B in Build]?: WebAssembly.Module | null } = {};
/** Whether the kernels use the relaxed-SIMD GEMM (fused multiply-add); see {@link useRelaxedSimd}. */
let relaxed = false;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();
/**
 * Whether the build is fixed for the process: by the first `setupBackend` that chose it ({@link useRelaxedSimd}), or
 * by the first instance, whichever comes first. The GEMM workers get their module from the first choice, so a later
 * change would leave them on the other build.
 */
let fixed = false;
/** Per memory: the control block of its GEMM workers and the threads a call can use. */
const gemmPools = new WeakMap<WebAssembly.Memory, { control: Int32Array; threads: number }>();

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The modules a memory's kernels need: the whole plain build, and the relaxed GEMM when it is chosen. */
function buildsFor(shared: boolean): Build[] {
  const base: Build = shared ? 'shared' : 'plain';
  return relaxed ? [base, shared ? 'relaxed-shared' : 'relaxed'] : [base];
}

function compileSync(key: Build): WebAssembly.Module | null {
  if (modules[key] === undefined) {
    try {
      modules[key] = new WebAssembly.Module(decode(BYTES[key]) as BufferSource);
    } catch {
      modules[key] = null; // no WebAssembly SIMD (or threads) here: kernels use their JS loops
    }
  }
  return modules[key] ?? null;
}

/**
 * Compiles the modules of both memory variants asynchronously. Browsers refuse synchronous
 * compilation of modules this size on the main thread, so `setupBackend` awaits this; Node
 * compiles lazily anyway.
 */
export async function prepareSimd(): Promise<void> {
  for (const key of [...buildsFor(false), ...buildsFor(true)]) {
    if (modules[key] !== undefined) continue;
    try {
      modules[key] = await WebAssembly.compile(decode(BYTES[key]) as BufferSource);
    } catch {
      modules[key] = null;
    }
  }
}

/**
 * Whether this engine accepts the relaxed-SIMD build (WebAssembly relaxed SIMD, as it is configured now): its
 * ordinary-memory module, and its shared-memory one wherever the plain shared-memory module is accepted, so that
 * threads never have to fall back.
 */
export function relaxedSimdSupported(): boolean {
  const valid = (b: Build) => WebAssembly.validate(decode(BYTES[b]) as BufferSource);
  return valid('relaxed') && (valid('relaxed-shared') || !valid('shared'));
}

/**
 * Chooses the relaxed-SIMD builds (true) or the plain ones, for the rest of the process: a GEMM's chunks must all
 * be summed by the same build, and results must not change build in the middle of a run.
 * @throws {Error} the other build is already fixed ({@link simdBuildFixed}).
 */
export function useRelaxedSimd(on: boolean): void {
  if (fixed && on !== relaxed)
    throw new Error(`useRelaxedSimd(${on}): the ${relaxed ? 'relaxed' : 'plain'} build is fixed`);
  relaxed = on;
  fixed = true;
}

/** Whether the build is fixed for the process (see {@link useRelaxedSimd}). */
export function simdBuildFixed(): boolean {
  return fixed;
}

/** Whether the kernels use the relaxed-SIMD builds. */
export function relaxedSimdInUse(): boolean {
  return relaxed;
}

/** Turns the SIMD loops off (true: on again), so tests can check the TypeScript fallbacks. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** The SIMD kernels bound to this backend's memory, or undefined (use the JS loops). */
export function simdFor(backend: WasmBackend): SimdKernels | undefined {
  if (!enabled) return undefined;
  const memory = wasmMemory(backend);
  if (memory === undefined) return undefined;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const compiled = buildsFor(shared).map((key) => modules[key] ?? (isNode ? compileSync(key) : undefined));
    if (compiled.includes(undefined)) return undefined; // browser, not prepared yet
    fixed = true;
    kernels = null;
    if (!compiled.includes(null)) {
      try {
        const [all, fused] = compiled.map((m) => new WebAssembly.Instance(m!, { env: { memory } }).exports);
        const exports = { ...all, ...fused } as unknown as SimdKernels;
        const pool = gemmPools.get(memory);
        kernels =
          pool === undefined ? exports : { ...exports, gemm: parallelGemm(exports.gemm, pool.control, pool.threads) };
      } catch {
        kernels = null;
      }
    }
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

/**
 * The compiled shared-memory module whose `gemm` GEMM workers run on a threaded backend's memory (the relaxed GEMM
 * when it is chosen, else the plain build), or undefined where it cannot be compiled.
 */
export function sharedSimdModule(): WebAssembly.Module | undefined {
  const builds = buildsFor(true);
  const key = builds[builds.length - 1];
  return modules[key] ?? compileSync(key) ?? undefined;
}

/**
 * From now on this backend's large `gemm` calls are shared by the calling thread and the
 * `workers` waiting on `control` (kernels/gemm-split.ts).
 */
export function attachGemmWorkers(backend: WasmBackend, control: Int32Array, workers: number): void {
  const memory = wasmMemory(backend);
  if (memory === undefined) throw new Error('attachGemmWorkers: the backend has no WebAssembly memory');
  gemmPools.set(memory, { control, threads: 1 + workers });
  instances.delete(memory); // rebuilt with the split gemm on the next simdFor
}

/** The control block of this backend's GEMM workers and the threads a call can use, if any (for tests). */
export function gemmPoolOf(backend: WasmBackend): { control: Int32Array; threads: number } | undefined {
  const memory = wasmMemory(backend);
  return memory === undefined ? undefined : gemmPools.get(memory);
}

/** Threads a `gemm` call of this backend can use: 1 + its attached workers. */
export function gemmThreads(backend: WasmBackend): number {
  const memory = wasmMemory(backend);
  return memory === undefined ? 1 : (gemmPools.get(memory)?.threads ?? 1);
}

/** Products (multiply-adds) from which XNNPACK's thread pool beats our single-threaded GEMM. */
const THREADED_XNNPACK_MIN = 1 << 24;

/**
 * Whether a matrix product of `work` multiply-adds should go to XNNPACK rather than our GEMM:
 * only when XNNPACK has a thread pool and our GEMM has no workers of its own.
 */
export function prefersThreadedXnnpack(backend: WasmBackend, work: number): boolean {
  return threadCount(backend) > 1 && gemmThreads(backend) === 1 && work >= THREADED_XNNPACK_MIN;
}
