/** Options of {@link setupBackend}, validated with the library's option template (src/core/validate.ts). */
import { resolveOptions, type OptionRule } from '../core/validate.js';

/** Backends `setupBackend` knows how to select. `'auto'` picks the best available one. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu', 'webgl', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Values of {@link SetupBackendOptions.relaxedSimd}. */
export const RELAXED_SIMD_CHOICES = ['auto', 'on', 'off'] as const;
/** Whether the kernels use their relaxed-SIMD build: `'auto'` where the engine accepts it, `'on'`, `'off'`. */
export type RelaxedSimdChoice = (typeof RELAXED_SIMD_CHOICES)[number];

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
  /**
   * Whether this project's `wasm` kernels use their relaxed-SIMD build, whose matrix product (every dense
   * layer, the conv gradients, attention, the recurrent products) computes each multiply-add as one
   * fused instruction where the CPU has one (x86 FMA3, Arm): 1.14–1.35× its throughput on the
   * benchmark's shapes, training steps 6–16% faster (docs/backend.md, "Fused multiply-add"). Products
   * then round once per multiply-add instead of twice, so results differ from the plain build's in the
   * last bits (deterministic on one machine); every other kernel rounds as in the plain build. With it
   * the forward convolution also runs on that product on one thread (im2col + GEMM instead of
   * XNNPACK), where a non-finite filter tap that meets padding gives NaN (the stock kernel skips it).
   * - `'auto'` (default): where the engine accepts WebAssembly relaxed SIMD as it is configured
   *   (the Chromium of this project's browser tests does); Node 20's V8 has it behind a flag, so
   *   there `'auto'` keeps the plain build unless the process was started with
   *   `--experimental-wasm-relaxed-simd`.
   * - `'on'`: also in Node 20, by setting that V8 flag for the process before compiling (it only
   *   enables the instructions); fails with an error where the engine still refuses the build, and
   *   with `patchKernels: false`.
   * - `'off'`: the plain build everywhere, whose results are the same bits on every engine.
   *
   * Fixed for the process by the first call that starts the kernels; other backends ignore it.
   */
  relaxedSimd?: RelaxedSimdChoice;
}

export type ResolvedBackendOptions = Required<SetupBackendOptions>;

/** Defaults of {@link SetupBackendOptions}. */
export const BACKEND_DEFAULTS: Readonly<ResolvedBackendOptions> = Object.freeze({
  backend: 'auto',
  patchKernels: true,
  threads: 1,
  relaxedSimd: 'auto',
});

const BACKEND_RULES: { readonly [K in keyof ResolvedBackendOptions]: OptionRule } = {
  backend: { kind: 'oneOf', values: BACKEND_CHOICES },
  patchKernels: { kind: 'boolean' },
  threads: { kind: 'number', integer: true, min: 1, max: 8 },
  relaxedSimd: { kind: 'oneOf', values: RELAXED_SIMD_CHOICES },
};

/**
 * The options with defaults filled in.
 * @throws {TypeError} not an object, an unknown option, or a value of the wrong type.
 * @throws {RangeError} a backend name not in {@link BACKEND_CHOICES}, threads not an integer in 1..8, or
 *   relaxedSimd not one of {@link RELAXED_SIMD_CHOICES}.
 */
export function resolveBackendOptions(options: SetupBackendOptions | undefined): Readonly<ResolvedBackendOptions> {
  return resolveOptions('setupBackend', options, BACKEND_DEFAULTS, BACKEND_RULES);
}
