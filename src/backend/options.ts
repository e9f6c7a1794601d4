/** Options of {@link setupBackend}, validated with the library's option template (src/core/validate.ts). */
import { resolveOptions, type OptionRule } from '../core/validate.js';

/** Backends `setupBackend` knows how to select. `'auto'` picks the best available one. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu', 'webgl', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface SetupBackendOptions {
  /**
   * Which backend to use. `'auto'` (default): in Node `tensorflow` (tfjs-node) when it can be
   * imported, otherwise `wasm` with this project's kernels; in a browser, tfjs's own choice.
   */
  backend?: BackendChoice;
  /** Register this project's `wasm` kernels when `wasm` is used (default true). */
  patchKernels?: boolean;
  /**
   * Threads for `wasm` in Node (default 1). Values above 1 start the threaded wasm build (real
   * worker files, see docs/backend.md) and, with this project's kernels, `threads − 1` workers
   * that share each large matrix product with the calling thread (every dense layer, the conv
   * gradients, attention); XNNPACK's own pool then stays at 1 thread. Without our kernels
   * (`patchKernels: false`) they are XNNPACK's threads, as in the stock backend. Must be chosen
   * before `wasm` first initialises in the process.
   */
  threads?: number;
}

export type ResolvedBackendOptions = Required<SetupBackendOptions>;

/** Defaults of {@link SetupBackendOptions}. */
export const BACKEND_DEFAULTS: Readonly<ResolvedBackendOptions> = Object.freeze({
  backend: 'auto',
  patchKernels: true,
  threads: 1,
});

const BACKEND_RULES: { readonly [K in keyof ResolvedBackendOptions]: OptionRule } = {
  backend: { kind: 'oneOf', values: BACKEND_CHOICES },
  patchKernels: { kind: 'boolean' },
  threads: { kind: 'number', integer: true, min: 1, max: 8 },
};

/**
 * The options with defaults filled in.
 * @throws {TypeError} not an object, an unknown option, or a value of the wrong type.
 * @throws {RangeError} a backend name not in {@link BACKEND_CHOICES}, or threads not an integer in 1..8.
 */
export function resolveBackendOptions(options: SetupBackendOptions | undefined): Readonly<ResolvedBackendOptions> {
  return resolveOptions('setupBackend', options, BACKEND_DEFAULTS, BACKEND_RULES);
}
