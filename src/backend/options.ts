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
}

export interface ResolvedOptions { backend: BackendChoice; patchKernels: boolean }

const KEYS = ['backend', 'patchKernels'];

export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) return { backend: 'auto', patchKernels: true };
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
    throw new RangeError(`setupBackend: invalid option backend = ${JSON.stringify(backend)}; allowed values: ${BACKEND_CHOICES.join(', ')}`);
  }
  const patchKernels = o.patchKernels ?? true;
  if (typeof patchKernels !== 'boolean') {
    throw new RangeError(`setupBackend: invalid option patchKernels = ${JSON.stringify(patchKernels)}; allowed values: true, false`);
  }
  return { backend: backend as BackendChoice, patchKernels };
}
