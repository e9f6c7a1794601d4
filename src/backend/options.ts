/** Options of {@link setupBackend} and their validation (errors name the option, value and choices). */

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
   * XNNPACK threads for `wasm` in Node (default 1, the stock behaviour). Values above 1 start the
   * threaded wasm build with real worker files (see docs/backend.md); it must be chosen before
   * `wasm` first initialises in the process.
   */
  threads?: number;
}

export interface ResolvedOptions {
  backend: BackendChoice;
  patchKernels: boolean;
  threads: number;
}

const KEYS = ['backend', 'patchKernels', 'threads'];

export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) return { backend: 'auto', patchKernels: true, threads: 1 };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`setupBackend: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) {
      throw new RangeError(`setupBackend: unknown option '${key}'; allowed options: ${KEYS.join(', ')}`);
    }
  }
  const backend = o.backend ?? 'auto';
  if (!(BACKEND_CHOICES as readonly unknown[]).includes(backend)) {
    throw new RangeError(
      `setupBackend: invalid option backend = ${JSON.stringify(backend)}; allowed values: ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  const patchKernels = o.patchKernels ?? true;
  if (typeof patchKernels !== 'boolean') {
    throw new RangeError(
      `setupBackend: invalid option patchKernels = ${JSON.stringify(patchKernels)}; allowed values: true, false`,
    );
  }
  const threads = o.threads ?? 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new RangeError(
      `setupBackend: invalid option threads = ${JSON.stringify(threads)}; allowed values: integers 1 to 8`,
    );
  }
  return { backend: backend as BackendChoice, patchKernels, threads };
}
