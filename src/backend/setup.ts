/**
 * The backend selection behind `setupBackend`, shared by the package's two entries of
 * `gen-optim/backend`: `index.ts` (Node and the default) passes the Node-only helpers, which
 * locate the wasm binaries on disk and start threaded wasm; `browser.ts` passes none, so a
 * bundler following the `browser` condition never sees a `node:` import.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isPlainObject } from '../core/validate.js';
import { resolveBackendOptions, type RelaxedSimdChoice, type SetupBackendOptions } from './options.js';
import { activeWasmKernels, registerWasmKernels } from './wasm-kernels.js';
import {
  attachGemmWorkers,
  gemmThreads,
  prepareSimd,
  relaxedSimdInUse,
  relaxedSimdSupported,
  sharedSimdModule,
  simdBuildFixed,
  useRelaxedSimd,
} from './kernels/simd.js';
import { wasmMemory, type WasmBackend } from './kernels/heap.js';
import { checkWasmPaths, type WasmPaths } from './wasm-paths.js';

/** What {@link setupBackend} selected. */
export interface BackendReport {
  /** The active tfjs backend name (`tf.getBackend()`). */
  backend: string;
  /** Kernels this project registered or replaced for it (empty unless the backend is `wasm`). */
  kernels: string[];
  /** Threads in XNNPACK's own pool on `wasm` (1 unless `threads` > 1 with `patchKernels: false`); `null` for other backends. */
  threads: number | null;
  /** Whether the SIMD wasm binary is in use; `null` for other backends. */
  simd: boolean | null;
  /**
   * Threads this project's GEMM spreads a large matrix product over (the calling thread and its
   * workers; `threads` with threaded wasm in Node, else 1); `null` for other backends.
   */
  gemmThreads: number | null;
  /**
   * Whether this project's kernels run their relaxed-SIMD build (the GEMM's multiply-adds fused;
   * option `relaxedSimd`); `null` for other backends.
   */
  relaxedSimd: boolean | null;
}

/** Options of `setupBackend`: {@link SetupBackendOptions} and where a page serves the `.wasm` files. */
export interface SetupOptions extends SetupBackendOptions {
  /**
   * Where the `.wasm` binaries of `@tensorflow/tfjs-backend-wasm` are served, passed to its
   * `setWasmPaths` before the backend first initialises: a folder URL ending in `/`, or one URL per
   * file name. Needed in a bundled page (Vite, webpack, …), where the binaries are not next to the
   * bundled script; with Vite, import each file with `?url` (README, "In the browser"). In Node the
   * package's own folder is found by itself. Default null.
   */
  wasmPaths?: WasmPaths | null;
}

/** The Node-only parts of the set-up (absent in the browser entry). */
export interface NodeSupport {
  wasmDistFolder(): Promise<string | undefined>;
  prepareThreadedWasm(xnnpackThreads: number, wasmDist: string): Promise<() => void>;
  unrefWasmWorkers(): void;
  startGemmWorkers(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<Int32Array>;
  /** Turns on V8's WebAssembly relaxed SIMD for the process (a no-op where it is on already). */
  enableRelaxedSimd(): Promise<void>;
}

const TFJS_NODE = '@tensorflow/tfjs-node';
const WASM = '@tensorflow/tfjs-backend-wasm';

/** True when running under Node.js (not a browser, not a worker without `process`). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** See `setupBackend` in index.ts. */
export async function setup(options: SetupOptions | undefined, node: NodeSupport | null): Promise<BackendReport> {
  const { wasmPaths: paths, ...rest } = isPlainObject(options) ? (options as SetupOptions) : {};
  const { backend, patchKernels, threads, relaxedSimd } = resolveBackendOptions(
    isPlainObject(options) ? rest : options,
  );
  const wasmPaths = checkWasmPaths(paths ?? null);
  if (relaxedSimd === 'on' && !patchKernels) {
    throw new Error(
      "setupBackend: option 'relaxedSimd' is 'on', but 'patchKernels' is false: the relaxed-SIMD build is this " +
        "project's kernels, which that leaves out; drop one of the two",
    );
  }
  const inNode = node !== null && isNode();
  if (backend === 'auto' && inNode) {
    if (await tryTfjsNode()) return report();
    await useWasm(patchKernels, threads, relaxedSimd, wasmPaths, node);
  } else if (backend === 'auto') {
    // tfjs may pick wasm: it must know where the binaries are before it tries.
    if (wasmPaths !== null && tf.findBackendFactory('wasm') != null) setPaths(await importWasm(), wasmPaths);
    await tf.ready();
    if (tf.getBackend() === 'wasm' && patchKernels) {
      await chooseSimdBuild(relaxedSimd, null);
      registerWasmKernels();
      await prepareSimd();
    }
  } else if (backend === 'wasm') {
    await useWasm(patchKernels, threads, relaxedSimd, wasmPaths, inNode ? node : null);
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

/** The wasm backend's module, or an error saying which package (and version) to install. */
async function importWasm(): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new Error(
      `setupBackend: backend 'wasm' needs the package '${WASM}', which could not be imported (${(e as Error).message.split('\n')[0]}). ` +
        `Install the version of your @tensorflow/tfjs-core: npm install ${WASM}@${tf.version_core}`,
    );
  }
  if (wasm.version_wasm !== tf.version_core) {
    throw new Error(
      `setupBackend: ${WASM} ${wasm.version_wasm} does not match @tensorflow/tfjs-core ${tf.version_core} ` +
        `(a second tfjs-core would register its kernels elsewhere). Install matching versions: npm install ${WASM}@${tf.version_core}`,
    );
  }
  return wasm;
}

/**
 * Picks the plain or the relaxed-SIMD build of our kernels for `choice` (options.ts, `relaxedSimd`), turning V8's
 * flag on first for `'on'` in Node, and fixes it for the process: a later `'auto'` keeps it, and a later `'on'` or
 * `'off'` that asks for the other one is refused (the GEMM workers already hold the first one).
 * @throws {Error} `'on'` where the engine refuses the relaxed build, or an explicit choice that differs from
 *   the build this process already runs.
 */
async function chooseSimdBuild(choice: RelaxedSimdChoice, node: NodeSupport | null): Promise<void> {
  const build = (relaxed: boolean) => (relaxed ? "the relaxed-SIMD build ('on')" : "the plain build ('off')");
  if (simdBuildFixed()) {
    if (choice !== 'auto' && (choice === 'on') !== relaxedSimdInUse()) {
      throw new Error(
        `setupBackend: option 'relaxedSimd' is '${choice}', but this process's kernels already run ` +
          `${build(relaxedSimdInUse())}; the build is fixed by the first setupBackend call that starts the kernels`,
      );
    }
    return;
  }
  if (choice === 'on' && node !== null && !relaxedSimdSupported()) await node.enableRelaxedSimd();
  const supported = choice !== 'off' && relaxedSimdSupported();
  if (choice === 'on' && !supported) {
    throw new Error(
      `setupBackend: option 'relaxedSimd' is 'on', but this engine does not accept WebAssembly relaxed SIMD` +
        (node === null ? ' (the browser entry of gen-optim/backend sets no engine flag)' : " even with V8's flag set") +
        `; use 'auto' (the plain build where relaxed SIMD is missing) or 'off'`,
    );
  }
  useRelaxedSimd(supported);
}

async function useWasm(
  patchKernels: boolean,
  threads: number,
  relaxedSimd: RelaxedSimdChoice,
  wasmPaths: WasmPaths | null,
  node: NodeSupport | null,
): Promise<void> {
  const wasm = await importWasm();
  // Chosen before anything is patched: a refused 'on' must leave no patched global behind.
  if (patchKernels) await chooseSimdBuild(relaxedSimd, node);
  let restore: (() => void) | undefined;
  // The paths are only read when the backend first initialises; setting them again is harmless.
  if (wasmPaths !== null) setPaths(wasm, wasmPaths);
  else if (node !== null) {
    const folder = await node.wasmDistFolder();
    if (folder !== undefined) wasm.setWasmPaths(folder);
    const initialised = (tf.engine().registry as Record<string, unknown>).wasm !== undefined;
    // With our kernels the threads are our GEMM's (startGemmPool): XNNPACK's own pool, whose
    // hand-offs made small stock kernels slower (docs/backend.md, "Threads"), stays at 1.
    if (threads > 1 && !initialised && folder !== undefined)
      restore = await node.prepareThreadedWasm(patchKernels ? 1 : threads, folder);
  }
  if (patchKernels) {
    registerWasmKernels();
    await prepareSimd(); // compiles our SIMD loops asynchronously (browsers refuse large synchronous compiles)
  }
  try {
    await select('wasm', node === null && wasmPaths === null ? BROWSER_WASM_HINT : '');
  } finally {
    restore?.();
  }
  if (restore !== undefined) node?.unrefWasmWorkers();
  if (restore !== undefined && patchKernels && node !== null) await startGemmPool(node, threads);
}

/**
 * Gives our GEMM `threads − 1` workers on the threaded backend's shared memory. Skipped (GEMM on
 * one thread, as before) where the memory is not shared or the SIMD module does not compile.
 */
async function startGemmPool(node: NodeSupport, threads: number): Promise<void> {
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = wasmMemory(backend);
  const module = sharedSimdModule();
  if (memory === undefined || module === undefined || !(memory.buffer instanceof SharedArrayBuffer)) return;
  if (gemmThreads(backend) > 1) return;
  attachGemmWorkers(backend, await node.startGemmWorkers(module, memory, threads - 1), threads - 1);
}

/** `setWasmPaths`, whose refusal after a failed start (files not found) is explained. */
function setPaths(wasm: typeof import('@tensorflow/tfjs-backend-wasm'), paths: WasmPaths): void {
  try {
    wasm.setWasmPaths(paths);
  } catch (e) {
    throw new Error(
      `setupBackend: option 'wasmPaths' came too late: tfjs already tried to start 'wasm' without it and failed ` +
        `(a tensor was created, or tf.ready()/tf.getBackend() called, before setupBackend). Call setupBackend ` +
        `before any of these, or setWasmPaths from ${WASM} at start-up. (${(e as Error).message})`,
    );
  }
}

const BROWSER_WASM_HINT =
  '. In a bundled page the .wasm files are not next to the bundled script, where tfjs-backend-wasm looks for them: ' +
  'pass their URLs as setupBackend({ backend: \'wasm\', wasmPaths }) (README, "In the browser")';

async function select(name: string, hint = ''): Promise<void> {
  if (tf.findBackendFactory(name) == null) {
    throw new Error(
      `setupBackend: backend '${name}' is not registered; import its package (e.g. '@tensorflow/tfjs-backend-${name}') first`,
    );
  }
  if (!(await tf.setBackend(name))) {
    throw new Error(`setupBackend: backend '${name}' failed to initialise${hint}`);
  }
}

async function report(): Promise<BackendReport> {
  const name = tf.getBackend();
  if (name !== 'wasm') {
    return { backend: name, kernels: [], threads: null, simd: null, gemmThreads: null, relaxedSimd: null };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const gemm = gemmThreads(tf.backend() as unknown as WasmBackend);
  const kernels = activeWasmKernels();
  return {
    backend: name,
    kernels,
    threads: wasm.getThreadsCount(),
    simd,
    gemmThreads: gemm,
    relaxedSimd: kernels.length > 0 && relaxedSimdInUse(),
  };
}
