import * as tf from '@tensorflow/tfjs-core';
import {
  assertKnownKeys,
  checkNumber,
  checkOneOf,
  formatValue,
  resolveOptions,
  type OptionRule,
} from '../core/validate.js';

/**
 * Which variables get weight decay: `'all'`, `'matrices'` (variables of rank ≥ 2: dense and
 * convolution kernels, embeddings; no decay on biases and on BatchNorm/LayerNorm scales and
 * offsets, which are rank 1, as in optax's and the usual torch parameter groups), or a predicate on
 * the variable's name and shape that returns true for the variables to decay. A predicate is not
 * part of `getConfig` (a saved model restores `'all'`); the two strings are.
 */
export type DecayMask = 'all' | 'matrices' | ((name: string, shape: readonly number[]) => boolean);

/** The string forms of {@link DecayMask}. */
export const DECAY_MASKS = ['all', 'matrices'] as const;

/** Validates a {@link DecayMask} option; returns it. */
export function checkDecayMask(owner: string, value: unknown): DecayMask {
  if (typeof value === 'function') return value as DecayMask;
  if (typeof value !== 'string') {
    throw new TypeError(
      `${owner}: option 'decayMask' must be 'all', 'matrices' or a function (name, shape) => boolean; got ${formatValue(value)}.`,
    );
  }
  return checkOneOf(owner, 'decayMask', value, DECAY_MASKS);
}

/** Validates a `clipNorm` option: null (no clipping) or a number > 0; returns it. */
export function checkClipNorm(owner: string, value: unknown): number | null {
  return value === null ? null : checkNumber(owner, 'clipNorm', value, { min: 0, minExclusive: true });
}

/** Whether the variable takes weight decay under `mask`. */
export function decays(mask: DecayMask, variable: tf.Variable): boolean {
  if (mask === 'all') return true;
  if (mask === 'matrices') return variable.rank >= 2;
  const answer = mask(variable.name, variable.shape);
  if (typeof answer !== 'boolean') {
    throw new TypeError(
      `decayMask: the predicate must return true or false; got ${formatValue(answer)} for variable '${variable.name}'.`,
    );
  }
  return answer;
}

/**
 * Gradients clipped by their global norm: gᵢ ← gᵢ · min(1, c / ‖g‖), ‖g‖ = √(Σᵢ Σ gᵢ²) over all
 * variables together (torch's `clip_grad_norm_`, optax's `clip_by_global_norm`). The factor stays on
 * the device (no readback); a zero gradient gets factor 1, a non-finite norm makes the update
 * non-finite, which the guarded update then refuses. `null` returns the gradients themselves.
 * Call inside `tf.tidy`.
 */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], clipNorm: number | null): tf.Tensor[] {
  if (clipNorm === null || gradients.length === 0) return [...gradients];
  const norm = tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g)))));
  const factor = tf.minimum(1, tf.div(clipNorm, norm));
  return gradients.map((g) => tf.mul(g, factor));
}

/** The two options {@link AdamW} and {@link SGDW} share beyond their update rule. */
export interface DecayAndClipOptions {
  /** Clip the gradients by their global norm to at most this (before any moment update). Default null: no clipping. */
  clipNorm: number | null;
  /** Which variables get weight decay (see {@link DecayMask}). Default 'all'. */
  decayMask: DecayMask;
}

/** Defaults of {@link DecayAndClipOptions}. */
export const DECAY_AND_CLIP_DEFAULTS: Readonly<DecayAndClipOptions> = Object.freeze({
  clipNorm: null,
  decayMask: 'all',
});

/**
 * {@link resolveOptions} for an optimizer whose options also hold {@link DecayAndClipOptions}:
 * unknown keys are rejected against the full list, the numeric options checked by `rules`, the
 * two shared ones by their own checks. Returns a frozen copy.
 */
export function resolveWithDecayAndClip<O extends DecayAndClipOptions>(
  owner: string,
  given: Partial<O> | undefined,
  defaults: Readonly<O>,
  rules: { readonly [K in Exclude<keyof O, keyof DecayAndClipOptions>]: OptionRule },
): Readonly<O> {
  type Numeric = Omit<O, keyof DecayAndClipOptions>;
  assertKnownKeys(owner, given, Object.keys(defaults));
  const { clipNorm, decayMask, ...rest } = (given ?? {}) as Partial<O>;
  const { clipNorm: _c, decayMask: _d, ...numericDefaults } = defaults;
  const numeric = resolveOptions<Numeric>(
    owner,
    rest as unknown as Partial<Numeric>,
    numericDefaults as unknown as Numeric,
    rules as { readonly [K in keyof Numeric]: OptionRule },
  );
  return Object.freeze({
    ...numeric,
    clipNorm: checkClipNorm(owner, clipNorm === undefined ? defaults.clipNorm : clipNorm),
    decayMask: checkDecayMask(owner, decayMask === undefined ? defaults.decayMask : decayMask),
  }) as unknown as Readonly<O>;
}
