// A GEMM call posted to the worker thread alone (the caller takes no chunk), as parallelGemm posts
// it, against the same product on the calling thread: shared by the threads and relaxed-SIMD tests.
import * as tf from '@tensorflow/tfjs';
import {
  DONE,
  INDEX_BITS,
  NEXT,
  planChunks,
  postCall,
  setGemmSplitting,
  type GemmArgs,
} from '../../src/backend/kernels/gemm-split.js';
import { byteOffset, type WasmBackend } from '../../src/backend/kernels/heap.js';
import { gemmPoolOf } from '../../src/backend/kernels/simd.js';
import { rand } from './helpers.js';

/** The worker's chunks done, the chunks posted, its product and the calling thread's. */
export function productByWorkerAlone(): { done: number; count: number; worker: Float32Array; caller: Float32Array } {
  const backend = tf.backend() as unknown as WasmBackend;
  const pool = gemmPoolOf(backend);
  if (pool === undefined || pool.threads !== 2)
    throw new Error('productByWorkerAlone: needs a backend with one GEMM worker');
  const { control } = pool;
  const a = rand([96, 400], 21);
  const w = rand([400, 130], 22);
  setGemmSplitting(false);
  let expected: tf.Tensor;
  try {
    expected = tf.matMul(a, w);
  } finally {
    setGemmSplitting(true);
  }
  const out = tf.zeros([96, 130]);
  const args: GemmArgs = [
    byteOffset(backend, a),
    byteOffset(backend, w),
    byteOffset(backend, out),
    1,
    96,
    400,
    130,
    0,
    0,
    0,
    400,
    1,
  ];
  const plan = planChunks(args, 2)!;
  // Post the call as parallelGemm does, but take no chunk: the worker must take them all.
  const gen = 4242;
  postCall(control, gen, args, plan);
  const deadline = Date.now() + 10_000;
  while (Atomics.load(control, DONE) < plan.count && Date.now() < deadline)
    Atomics.wait(control, DONE, Atomics.load(control, DONE), 100);
  Atomics.store(control, NEXT, (gen << INDEX_BITS) | ((1 << INDEX_BITS) - 1));
  const result = {
    done: Atomics.load(control, DONE),
    count: plan.count,
    worker: Float32Array.from(out.dataSync()),
    caller: Float32Array.from(expected.dataSync()),
  };
  tf.dispose([a, w, expected, out]);
  return result;
}
