// Spreading one GEMM call over threads (kernels/gemm-split.ts): the chunks cover the output once;
// taken in any order by any thread, they give a product bit-identical to one call; a worker that
// wakes after its call ended takes nothing; a worker's failure is recomputed by the caller.
// (The real worker thread: test/backend/threads.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARGS,
  CHUNKS,
  CHUNKS_PER_THREAD,
  chunkArgs,
  claimChunk,
  DONE,
  FAILED,
  GEN,
  INDEX_BITS,
  newControl,
  NEXT,
  PAUSE_CALLS,
  parallelGemm,
  planChunks,
  SPLIT_MIN_WORK,
  WINDOW_CALLS,
  type GemmArgs,
  type GemmCall,
} from '../../src/backend/kernels/gemm-split.js';
import { SIMD_WASM } from '../../src/backend/simd/simd-module.js';

/** The plain SIMD module on a fresh memory: its gemm and a Float32Array over that memory. */
function simdOnFreshMemory(): { gemm: GemmCall; heap: Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 512 }); // 32 MiB
  const module = new WebAssembly.Module(Buffer.from(SIMD_WASM, 'base64'));
  const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as { gemm: GemmCall };
  return { gemm, heap: new Float32Array(memory.buffer) };
}

/** Fills A and W with a fixed pattern; the arguments of out = A·W (A stored [m, k], or [k, m] read transposed). */
function problem(heap: Float32Array, batch: number, m: number, k: number, n: number, transposedA = false) {
  const w = batch * m * k;
  const out = w + batch * k * n;
  for (let i = 0; i < out; i++) heap[i] = Math.sin(i * 0.37) * 2;
  const [rs, cs] = transposedA ? [1, m] : [k, 1];
  const args: GemmArgs = [0, 4 * w, 4 * out, batch, m, k, n, m * k, k * n, m * n, rs, cs];
  return { args, out, size: batch * m * n };
}

const SHAPES = [
  [1, 97, 300, 130, false],
  [1, 97, 300, 130, true],
  [5, 6, 200, 129, false],
  [3, 64, 64, 64, false],
  [1, 1024, 128, 48, false],
] as const;

test('the workers’ copy of claimChunk names the control slots by number: they are NEXT, CHUNKS and INDEX_BITS', () => {
  assert.deepEqual([NEXT, CHUNKS, INDEX_BITS], [1, 4, 12]);
});

test('a small product, or one with fewer row tiles and batches than threads, stays on one thread', () => {
  assert.equal(planChunks([0, 0, 0, 1, 64, 64, 64, 0, 0, 0, 64, 1], 2), null);
  assert.ok(64 ** 3 < SPLIT_MIN_WORK);
  assert.notEqual(planChunks([0, 0, 0, 1, 64, 64, 64, 0, 0, 0, 64, 1], 2, 1), null);
  assert.equal(planChunks([0, 0, 0, 1, 6, 2000, 2000, 0, 0, 0, 2000, 1], 2), null);
  assert.equal(planChunks([0, 0, 0, 1, 4096, 512, 512, 0, 0, 0, 512, 1], 1), null, 'one thread');
});

test('row chunks start at multiples of the 4-row tile and cover every row once; batch chunks every batch once', () => {
  for (const [batch, m, threads] of [
    [1, 97, 2],
    [2, 130, 3],
    [1, 8, 2],
    [1, 1024, 4],
    [7, 6, 2],
    [64, 3, 2],
  ]) {
    const args: GemmArgs = [1000, 2000, 3000, batch, m, 256, 256, m * 256, 256 * 256, m * 256, 256, 1];
    const plan = planChunks(args, threads, 1)!;
    assert.ok(plan.count >= threads && plan.count <= CHUNKS_PER_THREAD * threads + 1, `${plan.count} chunks`); // + 1: the rows past the last whole tile
    let covered = 0;
    for (let c = 0; c < plan.count; c++) {
      const p = chunkArgs(args, plan.mode, plan.size, c);
      if (plan.mode === 0) {
        assert.equal((p[0] - 1000) / (4 * 256), covered, 'A starts at the chunk’s first row');
        assert.equal((p[2] - 3000) / (4 * 256), covered, 'out starts at the chunk’s first row');
        assert.equal(covered % 4, 0);
        covered += p[4];
      } else {
        assert.equal((p[2] - 3000) / (4 * m * 256), covered, 'out starts at the chunk’s first batch');
        covered += p[3];
      }
    }
    assert.equal(covered, plan.mode === 0 ? m : batch);
  }
});

test('chunk by chunk, in any order, the product is bit-identical to one call', () => {
  const { gemm, heap } = simdOnFreshMemory();
  for (const [batch, m, k, n, transposedA] of SHAPES) {
    const { args, out, size } = problem(heap, batch, m, k, n, transposedA);
    gemm(...args);
    const whole = heap.slice(out, out + size);
    const plan = planChunks(args, 2, 1)!;
    heap.fill(NaN, out, out + size);
    for (let c = plan.count - 1; c >= 0; c--) gemm(...chunkArgs(args, plan.mode, plan.size, c));
    assert.deepEqual(heap.slice(out, out + size), whole, `${batch}×${m}×${k}×${n}`);
  }
});

test('with no worker awake, the caller takes every chunk and gets the same product', () => {
  const { gemm, heap } = simdOnFreshMemory();
  for (const [batch, m, k, n, transposedA] of SHAPES) {
    const { args, out, size } = problem(heap, batch, m, k, n, transposedA);
    gemm(...args);
    const whole = heap.slice(out, out + size);
    heap.fill(NaN, out, out + size);
    const control = newControl();
    parallelGemm(gemm, control, 2, 1)(...args);
    assert.deepEqual(heap.slice(out, out + size), whole);
    assert.equal(control[GEN], 1, 'the call was posted to the workers');
    assert.equal(claimChunk(control, 1), -1, 'and closed: a worker waking now takes nothing');
  }
});

test('chunks are taken once each, and not after the call ended or by another call', () => {
  const control = newControl();
  assert.equal(claimChunk(control, 0), -1, 'a new control block has no open call');
  control[CHUNKS] = 3;
  Atomics.store(control, NEXT, 5 << INDEX_BITS);
  assert.deepEqual([claimChunk(control, 5), claimChunk(control, 5), claimChunk(control, 4)], [0, 1, -1]);
  assert.deepEqual([claimChunk(control, 5), claimChunk(control, 5)], [2, -1]);
});

test('after a worker failed, the caller recomputes the call and splits no later call', () => {
  const { gemm, heap } = simdOnFreshMemory();
  const { args, out, size } = problem(heap, 1, 97, 300, 130);
  gemm(...args);
  const whole = heap.slice(out, out + size);
  const control = newControl();
  let calls = 0;
  const counting: GemmCall = (...a) => {
    calls++;
    // a "worker" takes the last chunk while the caller computes its first, and fails on it
    if (calls === 1 && control[GEN] === 1) {
      const c = claimChunk(control, 1);
      if (c >= 0) {
        Atomics.store(control, FAILED, 1);
        Atomics.add(control, DONE, 1);
      }
    }
    gemm(...a);
  };
  heap.fill(NaN, out, out + size);
  const call = parallelGemm(counting, control, 2, 1);
  call(...args);
  assert.deepEqual(heap.slice(out, out + size), whole);
  const before = control[GEN];
  call(...args);
  assert.equal(control[GEN], before, 'the next call is not posted');
  assert.deepEqual(heap.slice(out, out + size), whole);
  assert.equal(control[ARGS + 4], 97, 'the control block holds the failed call’s arguments');
});

/**
 * A caller whose chunks take 1 time unit each and a "worker" that takes one chunk of every call
 * (while the caller computes its first) and makes the caller wait `wait` units for it.
 */
function timedCall(wait: number) {
  const control = newControl();
  let now = 0;
  let reads = 0;
  const clock = () => (++reads % 3 === 0 ? (now += wait) : now); // t0, t1, t2: the wait lies between t1 and t2
  let inCall = false;
  const gemm: GemmCall = () => {
    if (!inCall && control[GEN] !== 0) {
      inCall = true;
      if (claimChunk(control, control[GEN]) >= 0) Atomics.add(control, DONE, 1);
    }
    now += 1;
  };
  const call = parallelGemm(gemm, control, 2, 1, clock);
  const args: GemmArgs = [0, 0, 0, 1, 64, 64, 64, 0, 0, 0, 64, 1];
  return {
    control,
    run(times: number) {
      for (let i = 0; i < times; i++) {
        inCall = false;
        call(...args);
      }
    },
  };
}

test('when the caller waits longer than the workers save it, sharing pauses for PAUSE_CALLS calls, then resumes', () => {
  const t = timedCall(5); // the worker's chunk would have taken the caller 1 unit; it waits 5
  t.run(WINDOW_CALLS);
  assert.equal(t.control[GEN], WINDOW_CALLS, 'one window of shared calls');
  t.run(PAUSE_CALLS);
  assert.equal(t.control[GEN], WINDOW_CALLS, 'none shared while paused');
  t.run(1);
  assert.equal(t.control[GEN], WINDOW_CALLS + 1, 'shared again after the pause');
});

test('workers that save the caller more than it waits are used on every call', () => {
  const t = timedCall(0.2);
  t.run(10 * WINDOW_CALLS);
  assert.equal(t.control[GEN], 10 * WINDOW_CALLS);
});
