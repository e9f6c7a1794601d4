/**
 * What both entries of `gen-optim/backend` export besides `setupBackend` (index.ts for Node and by default,
 * browser.ts for bundlers that follow the `browser` condition): one list, so the two cannot drift apart.
 */
export {
  BACKEND_CHOICES,
  RELAXED_SIMD_CHOICES,
  type BackendChoice,
  type RelaxedSimdChoice,
  type SetupBackendOptions,
} from './options.js';
export { activeWasmKernels, registerWasmKernels, unregisterWasmKernels, WASM_KERNEL_NAMES } from './wasm-kernels.js';
export type { BackendReport, SetupOptions } from './setup.js';
export { WASM_FILES, type WasmPaths } from './wasm-paths.js';
