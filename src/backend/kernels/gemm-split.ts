/**
 * One GEMM call spread over threads that share the backend's memory (`gemm` in ../simd/kernels.c;
 * the worker threads are started by the Node entry, `../node-gemm-workers.ts`).
 *
 * The call is cut into chunks — ranges of output rows in multiples of the kernel's 4-row tile, or
 * ranges of the batch when there are too few rows — {@link CHUNKS_PER_THREAD} per thread.
 * The calling thread and the workers take chunks from a shared counter until none is left, so a
 * worker that wakes late (or is descheduled on a busy machine) takes fewer chunks instead of
 * holding the caller up: the caller never waits for a worker that has not started, only for the
 * chunks workers are computing when the counter runs out. Each output element is summed by the
 * same kernel in the same order whichever chunk it falls in, so the result is bit-identical to
 * one call on one thread.
 *
 * Control block (Int32, shared): GEN the call number (−1: workers exit), NEXT the call number
 * (high bits) and the next chunk (low {@link INDEX_BITS} bits), DONE the chunks workers finished,
 * FAILED 1 once a worker's call threw, then the chunking and `gemm`'s twelve arguments.
 */

/** `gemm`'s arguments: a, w, out (byte offsets), batch, m, k, n, sa, sw, so, rs, cs. */
export type GemmArgs = [number, number, number, number, number, number, number, number, number, number, number, number];
export type GemmCall = (...args: GemmArgs) => void;

export const GEN = 0;
export const NEXT = 1;
export const DONE = 2;
export const FAILED = 3;
export const CHUNKS = 4;
export const MODE = 5;
export const SIZE = 6;
export const ARGS = 7;
export const CONTROL_SLOTS = ARGS + 12;
export const INDEX_BITS = 12;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
/** Call numbers wrap at 2^19, so that NEXT = call · 2^12 + chunk stays a positive Int32. */
const GEN_MASK = (1 << (31 - INDEX_BITS)) - 1;

/**
 * Products (multiply-adds) below which a call stays on one thread: waking a worker costs
 * ~20–100 µs (more on a virtual machine whose idle core sleeps), and at ~20–40 GFLOP/s a product of
 * 2^22 multiply-adds takes ~0.2–0.4 ms. At 2^20 the LSTM's per-time-step products ([32, 128] ·
 * [128, 512]) were split, and its training step got 6–7% slower on an AVX-512 machine
 * (docs/backend.md, "Our GEMM on two threads").
 */
export const SPLIT_MIN_WORK = 1 << 22;

/**
 * Chunks per thread. Fewer, larger chunks cost less per call; more leave less for the caller to
 * wait on when a worker takes the last one late. 2 against 4 and 8 (`bench/backend/gemm-threads-ab.ts
 * --only CNN,MLP`, two runs each, docs/backend.md): CNN 0.94 / 0.94 of one thread against 0.93–0.94
 * and 1.06–1.08, MLP 0.75 / 0.82 against 0.79–0.97 and 0.84–1.07.
 */
export const CHUNKS_PER_THREAD = 2;

/** Rows of the kernel's register tile: row chunks start at multiples of it. */
const TILE_ROWS = 4;

/** How a call is cut: mode 0 rows, 1 batches; `size` rows or batches per chunk; `count` chunks. */
export interface ChunkPlan {
  mode: 0 | 1;
  size: number;
  count: number;
}

/**
 * The chunking of a call over `threads` threads, or null when it stays on one thread (fewer than
 * `minWork` multiply-adds, or fewer row tiles and batches than threads).
 */
export function planChunks(args: GemmArgs, threads: number, minWork = SPLIT_MIN_WORK): ChunkPlan | null {
  const [, , , batch, m, k, n] = args;
  if (threads < 2 || batch * m * k * n < minWork) return null;
  const target = CHUNKS_PER_THREAD * threads;
  const tiles = Math.floor(m / TILE_ROWS);
  if (tiles >= threads) {
    const size = TILE_ROWS * Math.ceil(tiles / target);
    return { mode: 0, size, count: Math.ceil(m / size) };
  }
  if (batch >= threads) {
    const size = Math.ceil(batch / target);
    return { mode: 1, size, count: Math.ceil(batch / size) };
  }
  return null;
}

/**
 * `gemm`'s arguments for chunk c of a call. Self-contained (no imports, no closures): the workers
 * run its source text.
 */
export function chunkArgs(args: ArrayLike<number>, mode: number, size: number, c: number): GemmArgs {
  const [a, w, out, batch, m, k, n, sa, sw, so, rs, cs] = Array.from(args);
  if (mode === 0) {
    const r0 = c * size;
    const rows = Math.min(m, r0 + size) - r0;
    return [a + 4 * r0 * rs, w, out + 4 * r0 * n, batch, rows, k, n, sa, sw, so, rs, cs];
  }
  const b0 = c * size;
  const count = Math.min(batch, b0 + size) - b0;
  return [a + 4 * b0 * sa, w + 4 * b0 * sw, out + 4 * b0 * so, count, m, k, n, sa, sw, so, rs, cs];
}

/**
 * Takes the next chunk of call `gen`, or returns −1 when none is left or the call is over (a
 * worker that woke after its call ended takes nothing). The workers run its source text, so it
 * names no module constant: 1 is NEXT, 4 CHUNKS, 12 INDEX_BITS (a test checks them).
 */
export function claimChunk(control: Int32Array, gen: number): number {
  for (;;) {
    const v = Atomics.load(control, 1);
    if (v >>> 12 !== gen) return -1;
    const c = v & 4095;
    if (c >= control[4]) return -1;
    if (Atomics.compareExchange(control, 1, v, v + 1) === v) return c;
  }
}

/** A control block with no call open. */
export function newControl(): Int32Array {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  control[NEXT] = INDEX_MASK; // call 0, closed
  return control;
}

/** Opens call `gen` on the control block and wakes the workers: its arguments, its chunking, no chunk taken. */
export function postCall(control: Int32Array, gen: number, args: GemmArgs, plan: ChunkPlan): void {
  for (let i = 0; i < 12; i++) control[ARGS + i] = args[i];
  control[MODE] = plan.mode;
  control[SIZE] = plan.size;
  control[CHUNKS] = plan.count;
  Atomics.store(control, DONE, 0);
  Atomics.store(control, NEXT, gen << INDEX_BITS);
  Atomics.store(control, GEN, gen);
  Atomics.notify(control, GEN);
}

let splitting = true;

/** Counts, for this process: split calls, their chunks, the chunks the workers computed, and pauses. */
export const gemmSplitStats = { calls: 0, chunks: 0, workerChunks: 0, pauses: 0 };

/** Turns the splitting off (true: on again) in this process, for A/B measurements in one process. */
export function setGemmSplitting(on: boolean): void {
  splitting = on;
}

/** Split calls over which the time the caller waited is weighed against the time the workers saved it. */
export const WINDOW_CALLS = 32;

/** Calls that stay on the calling thread after a window in which sharing did not pay. */
export const PAUSE_CALLS = 256;

/**
 * `gemm` that shares each large call with the `threads − 1` workers waiting on `control`, and
 * stops sharing where it does not pay. Without workers the caller would also have computed their
 * chunks, at its own pace of t_own / (its chunks) each; with them it waited t_wait instead. Summed
 * over {@link WINDOW_CALLS} split calls (one late wake-up does not decide), when the time waited
 * exceeds the time the workers' chunks would have taken the caller — workers descheduled on a
 * busy machine — the next {@link PAUSE_CALLS} calls run on the caller alone; then sharing is tried
 * again. After a worker's call threw, the call is recomputed on the calling thread and no call is
 * split again. `clock` is for tests.
 */
export function parallelGemm(
  gemm: GemmCall,
  control: Int32Array,
  threads: number,
  minWork = SPLIT_MIN_WORK,
  clock: () => number = () => performance.now(),
): GemmCall {
  let gen = 0;
  let failed = false;
  let paused = 0;
  const window = { calls: 0, own: 0, mine: 0, theirs: 0, waited: 0 };
  return (...args: GemmArgs) => {
    const plan = splitting && !failed && paused === 0 ? planChunks(args, threads, minWork) : null;
    if (plan === null) {
      if (paused > 0 && planChunks(args, threads, minWork) !== null) paused--;
      return gemm(...args);
    }
    gen = (gen + 1) & GEN_MASK || 1;
    postCall(control, gen, args, plan);
    const t0 = clock();
    let mine = 0;
    for (let c = claimChunk(control, gen); c >= 0; c = claimChunk(control, gen)) {
      gemm(...chunkArgs(args, plan.mode, plan.size, c));
      mine++;
    }
    const t1 = clock();
    const claimed = Math.min(
      Atomics.exchange(control, NEXT, (gen << INDEX_BITS) | INDEX_MASK) & INDEX_MASK,
      plan.count,
    );
    for (let done = Atomics.load(control, DONE); done < claimed - mine; done = Atomics.load(control, DONE)) {
      Atomics.wait(control, DONE, done);
    }
    const t2 = clock();
    gemmSplitStats.calls++;
    gemmSplitStats.chunks += plan.count;
    gemmSplitStats.workerChunks += claimed - mine;
    if (Atomics.load(control, FAILED) !== 0) {
      failed = true;
      gemm(...args);
      return;
    }
    window.calls++;
    window.own += t1 - t0;
    window.mine += mine;
    window.theirs += claimed - mine;
    window.waited += t2 - t1;
    if (window.calls < WINDOW_CALLS) return;
    const saved = window.mine > 0 ? (window.theirs * window.own) / window.mine : 0;
    if (window.waited > saved) {
      paused = PAUSE_CALLS;
      gemmSplitStats.pauses++;
    }
    window.calls = window.own = window.mine = window.theirs = window.waited = 0;
  };
}
