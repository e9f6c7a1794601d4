import type * as tf from '@tensorflow/tfjs-core';
import { CONTROLLER_DEFAULTS, resolveControllerOptions, type ControllerOptions } from '../core/options.js';
import type { StepInfo } from '../core/step-info.js';
import { checkOptionalFunction } from '../core/validate.js';

/** Options of {@link GeN}: every field optional, each with its default. */
export interface GeNOptions extends ControllerOptions {
  /**
   * A separate loss closure for the probes (for example on a held-out batch). All probe offsets,
   * 0 included, are then evaluated with it, so a refit costs K forward passes instead of K − 1.
   * Default null: probes reuse the training closure and its loss at 0.
   */
  probeLoss: (() => tf.Scalar) | null;
  /** Called with the {@link StepInfo} of every step. Default null. */
  onStep: ((info: StepInfo) => void) | null;
}

/** Defaults of {@link GeNOptions}. */
export const GEN_DEFAULTS: Readonly<GeNOptions> = Object.freeze({
  ...CONTROLLER_DEFAULTS,
  probeLoss: null,
  onStep: null,
});

/** Options that are functions: not part of `getConfig`. */
const FUNCTION_OPTIONS = ['probeLoss', 'onStep'] as const;

/**
 * Fills defaults and validates every GeN option, in one place.
 * @throws {TypeError} unknown option or wrong type, naming option and value.
 * @throws {RangeError} value out of range, naming option, value and what is allowed.
 */
export function resolveGeNOptions(given: Partial<GeNOptions> = {}): Readonly<GeNOptions> {
  const resolved = resolveControllerOptions('GeN', given, FUNCTION_OPTIONS);
  const probeLoss = checkOptionalFunction<GeNOptions['probeLoss']>('GeN', 'probeLoss', given.probeLoss);
  // A probe loss of its own is not the gradient's: the slope is then fitted unless the caller asked otherwise (the
  // probes' default is the same for both).
  const numeric =
    probeLoss !== null && given.slope === undefined
      ? Object.freeze({ ...resolved, slope: 'fitted' as const })
      : resolved;
  if (probeLoss !== null && numeric.slope !== 'fitted') {
    throw new TypeError(
      `GeN: option 'slope' must be 'fitted' when 'probeLoss' is given; got '${numeric.slope}' (the gradient is of ` +
        "the training closure's loss, not of the probes' loss).",
    );
  }
  return Object.freeze({
    ...numeric,
    probeLoss,
    onStep: checkOptionalFunction<GeNOptions['onStep']>('GeN', 'onStep', given.onStep),
  });
}
