/**
 * One call that gives TensorFlow.js a backend able to train this project's models.
 *
 * ```ts
 * const report = await setupBackend();          // Node: tfjs-node if installed, else patched wasm
 * report.backend;                               // 'wasm'
 * report.kernels;                               // ['Conv2DBackpropFilter', 'UnsortedSegmentSum', …]
 * ```
 *
 * The library never prints: everything worth knowing is in the returned report.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveBackendOptions, type SetupBackendOptions } from './options.js';
import { isNode, wasmDistFolder } from './node-paths.js';
import { activeWasmKernels, registerWasmKernels } from './wasm-kernels.js';
import { prepareThreadedWasm, unrefWasmWorkers } from './node-threads.js';
import { prepareSimd } from './kernels/simd.js';

export { BACKEND_CHOICES, type BackendChoice, type SetupBackendOptions } from './options.js';
export { activeWasmKernels, registerWasmKernels, unregisterWasmKernels, WASM_KERNEL_NAMES } from './wasm-kernels.js';

/** What {@link setupBackend} selected. */
export interface BackendReport {
  /** The active tfjs backend name (`tf.getBackend()`). */
  backend: string;
  /** Kernels this project registered or replaced for it (empty unless the backend is `wasm`). */
  kernels: string[];
  /** Threads XNNPACK uses on `wasm` (1 in Node); `null` for other backends. */
  threads: number | null;
  /** Whether the SIMD wasm binary is in use; `null` for other backends. */
  simd: boolean | null;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * Selects and initialises a backend, completing `wasm` with this project's kernels.
 *
 * - `backend: 'auto'` (default): in Node, `tensorflow` when `@tensorflow/tfjs-node` can be
 *   imported, otherwise `wasm` + our kernels; in a browser, whatever tfjs picks among the
 *   backends the page imported (our kernels are added if that is `wasm`).
 * - an explicit name selects that backend and fails with a clear error if it cannot start.
 * - `patchKernels: false` leaves the stock `wasm` kernels alone (for comparisons).
 */
export async function setupBackend(options?: SetupBackendOptions): Promise<BackendReport> {
  const { backend, patchKernels, threads } = resolveBackendOptions(options);
  const node = isNode();
  if (backend === 'auto' && node) {
    if (await tryTfjsNode()) return report();
    await useWasm(patchKernels, threads);
  } else if (backend === 'auto') {
    await tf.ready();
    if (tf.getBackend() === 'wasm' && patchKernels) {
      registerWasmKernels();
      await prepareSimd();
    }
  } else if (backend === 'wasm') {
    await useWasm(patchKernels, threads);
  } else if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await select('cpu');
    // tfjs-backend-cpu prints a "install tfjs-node" notice on its first tensor in Node; the
    // library never prints, and the caller chose cpu knowingly.
    const cpu = tf.backend() as unknown as { firstUse?: boolean };
    if (cpu.firstUse === true) cpu.firstUse = false;
  } else if (backend === 'tensorflow') {
    if (!(await tryTfjsNode())) {
      throw new Error(`setupBackend: backend 'tensorflow' needs '${TFJS_NODE}', which could not be imported`);
    }
  } else {
    await select(backend);
  }
  return report();
}

async function tryTfjsNode(): Promise<boolean> {
  try {
    // A variable specifier: bundlers and tsc must not try to resolve an optional package.
    const name = TFJS_NODE;
    await import(name);
  } catch {
    return false;
  }
  return tf.findBackendFactory('tensorflow') != null && (await tf.setBackend('tensorflow'));
}

async function useWasm(patchKernels: boolean, threads: number): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let restore: (() => void) | undefined;
  if (isNode()) {
    // Only read when the backend first initialises; harmless afterwards.
    const folder = await wasmDistFolder();
    if (folder !== undefined) wasm.setWasmPaths(folder);
    const initialised = (tf.engine().registry as Record<string, unknown>).wasm !== undefined;
    if (threads > 1 && !initialised && folder !== undefined) restore = await prepareThreadedWasm(threads, folder);
  }
  if (patchKernels) {
    registerWasmKernels();
    await prepareSimd(); // compiles our SIMD loops asynchronously (browsers refuse large synchronous compiles)
  }
  try {
    await select('wasm');
  } finally {
    restore?.();
  }
  if (restore !== undefined) unrefWasmWorkers();
}

async function select(name: string): Promise<void> {
  if (tf.findBackendFactory(name) == null) {
    throw new Error(
      `setupBackend: backend '${name}' is not registered; import its package (e.g. '@tensorflow/tfjs-backend-${name}') first`,
    );
  }
  if (!(await tf.setBackend(name))) {
    throw new Error(`setupBackend: backend '${name}' failed to initialise`);
  }
}

async function report(): Promise<BackendReport> {
  const name = tf.getBackend();
  if (name !== 'wasm') return { backend: name, kernels: [], threads: null, simd: null };
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend: name, kernels: activeWasmKernels(), threads: wasm.getThreadsCount(), simd };
}
