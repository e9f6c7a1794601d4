/**
 * The browser entry of `gen-optim/backend` (package.json `exports`, condition `browser`): the API of
 * `index.ts` without the Node-only helpers, so that a bundle of it contains no `node:` import. In a
 * page the `.wasm` binaries must be given with `wasmPaths` (see {@link SetupOptions}).
 */
import { setup, type BackendReport, type SetupOptions } from './setup.js';

export * from './entry-exports.js';

/** `setupBackend` of `index.ts`, for browsers and workers. */
export function setupBackend(options?: SetupOptions): Promise<BackendReport> {
  return setup(options, null);
}
