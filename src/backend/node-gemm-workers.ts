/**
 * Worker threads for {@link parallelGemm} in Node: each instantiates this project's SIMD module
 * (the shared-memory build) on the threaded backend's own `WebAssembly.Memory` and waits on the
 * shared control block for calls, taking chunks as the calling thread does (kernels/gemm-split.ts).
 * Nothing is posted as a message after start-up.
 */
import * as split from './kernels/gemm-split.js';

// Plain JavaScript run by `new Worker(…, { eval: true })`: no file to locate, in a bundle or not.
// The chunking functions are gemm-split.ts's own, as source text.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control } = workerData;
const [GEN, DONE, FAILED, MODE, SIZE, ARGS] = [${[split.GEN, split.DONE, split.FAILED, split.MODE, split.SIZE, split.ARGS].join(', ')}];
const chunkArgs = ${split.chunkArgs.toString()};
const claimChunk = ${split.claimChunk.toString()};
let gemm;
try {
  gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message) });
}
if (gemm !== undefined) {
  parentPort.postMessage({ ok: true });
  let seen = 0;
  for (;;) {
    Atomics.wait(control, GEN, seen);
    const gen = Atomics.load(control, GEN);
    if (gen < 0) break;
    seen = gen;
    const args = control.slice(ARGS, ARGS + 12);
    const mode = control[MODE];
    const size = control[SIZE];
    for (let c = claimChunk(control, gen); c >= 0; c = claimChunk(control, gen)) {
      try {
        gemm(...chunkArgs(args, mode, size, c));
      } catch (e) {
        Atomics.store(control, FAILED, 1);
      }
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  }
}
`;

/**
 * Starts `count` workers on `memory` (a shared one) with the compiled shared-memory SIMD module,
 * resolving with their control block once each has instantiated it. The workers are `unref`ed:
 * they never keep Node alive.
 * @throws {Error} a worker could not start or instantiate the module.
 */
export async function startGemmWorkers(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  count: number,
): Promise<Int32Array> {
  const { Worker } = await import('node:worker_threads');
  const control = split.newControl();
  const workers: InstanceType<typeof Worker>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control } });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ok: boolean; message?: string }) =>
          m.ok ? resolve() : reject(new Error(`GEMM worker could not instantiate the SIMD module: ${m.message}`)),
        );
        worker.once('error', reject);
      });
      worker.unref();
    }
  } catch (e) {
    for (const w of workers) void w.terminate();
    throw e;
  }
  return control;
}
