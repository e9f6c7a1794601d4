/**
 * One call that gives TensorFlow.js a backend able to train this project's models.
 *
 * ```ts
 * const report = await setupBackend();          // Node: tfjs-node if installed, else patched wasm
 * report.backend;                               // 'wasm'
 * report.kernels;                               // ['Conv2DBackpropFilter', 'UnsortedSegmentSum', …]
 * ```
 *
 * This is the Node (and default) entry of `gen-optim/backend`; bundlers that follow the `browser`
 * export condition get `browser.ts`, the same API without the Node-only helpers. The library never
 * prints: everything worth knowing is in the returned report.
 */
import { wasmDistFolder } from './node-paths.js';
import { startGemmWorkers } from './node-gemm-workers.js';
import { enableRelaxedSimd } from './node-relaxed-simd.js';
import { prepareThreadedWasm, unrefWasmWorkers } from './node-threads.js';
import { setup, type BackendReport, type SetupOptions } from './setup.js';

export * from './entry-exports.js';

const NODE = { wasmDistFolder, prepareThreadedWasm, unrefWasmWorkers, startGemmWorkers, enableRelaxedSimd };

/**
 * Selects and initialises a backend, completing `wasm` with this project's kernels.
 *
 * - `backend: 'auto'` (default): in Node, `tensorflow` when `@tensorflow/tfjs-node` can be
 *   imported, otherwise `wasm` + our kernels; in a browser, whatever tfjs picks among the
 *   backends the page imported (our kernels are added if that is `wasm`).
 * - an explicit name selects that backend and fails with a clear error if it cannot start (for
 *   `wasm`: also when `@tensorflow/tfjs-backend-wasm` is missing or its version differs from
 *   tfjs-core's, naming the package to install).
 * - `patchKernels: false` leaves the stock `wasm` kernels alone (for comparisons).
 * - `relaxedSimd`: our kernels' build with fused multiply-adds in the GEMM (see {@link SetupBackendOptions}).
 * - `wasmPaths`: where a bundled page serves the `.wasm` binaries (see {@link SetupOptions}).
 */
export function setupBackend(options?: SetupOptions): Promise<BackendReport> {
  return setup(options, NODE);
}
