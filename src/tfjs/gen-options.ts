import type * as tf from '@tensorflow/tfjs-core';
import { resolveControllerOptions, type ControllerOptions } from '../core/options.js';
import type { StepReason } from '../core/reasons.js';
import { checkOneOf, checkOptionalFunction } from '../core/validate.js';

/** What one GeN step did, returned as data (`opt.lastStep`) and passed to `onStep`. */
export interface StepInfo {
  /** Index of this step (0-based). */
  step: number;
  /** Whether the parabola was refitted at this step. */
  refit: boolean;
  /** The learning rate applied at this step (after the horizon multiplier; 0 if skipped). */
  lr: number;
  /** The smoothed learning rate after this step (GeN's state, before any horizon multiplier). */
  stateLr: number;
  /** The raw proposal a/b of this step's fit (NaN if none or rejected). */
  proposedLr: number;
  /** Whether the fit was accepted. */
  accepted: boolean;
  /** Why the step went as it did. */
  reason: StepReason;
  /** Probe offsets of this step in learning-rate units (empty without refit). */
  probeOffsets: number[];
  /** Losses measured at the probe offsets (the entry at offset 0 is the training loss unless `probeLoss` is set). */
  probeLosses: number[];
  /** Fitted descent slope a (NaN without refit). */
  a: number;
  /** Fitted curvature b (NaN without refit). */
  b: number;
  /** R² of the fit (NaN without refit). */
  r2: number;
  /** Training loss at the weights before the step (NaN when `applyGradients` was called directly). */
  loss: number;
  /** Which displacement the probes measured: this step's, the previous step's, or none (no refit). */
  probed: 'current' | 'previous' | null;
  /** Whether GeN was still calibrating the learning rate during this step. */
  calibrating: boolean;
}

/** Options of {@link GeN}: every field optional, each with its default. */
export interface GeNOptions extends ControllerOptions {
  /**
   * A separate loss closure for the probes (for example on a held-out batch). All probe offsets,
   * 0 included, are then evaluated with it, so a refit costs K forward passes instead of K − 1.
   * Default null: probes reuse the training closure and its loss at 0.
   */
  probeLoss: (() => tf.Scalar) | null;
  /**
   * Which direction the probes measure. `previous`: the base displacement of the previous step,
   * probed on the current batch. That direction was built from other batches, so the fitted slope
   * is an unbiased estimate of the full-batch slope; along the current direction, on the batch it
   * came from, the slope includes the batch's own gradient noise and the proposal is biased upward
   * (gen-paper.md §2.4). `current`: the direction about to be applied (the paper's Algorithm 1;
   * exact on full-batch problems). Default `previous`; the first step always probes the current one.
   */
  probeDirection: 'previous' | 'current';
  /** Called with the {@link StepInfo} of every step. Default null. */
  onStep: ((info: StepInfo) => void) | null;
}

/** Options that are functions: not part of `getConfig`. */
export const FUNCTION_OPTIONS = ['probeLoss', 'onStep'] as const;
/** Options of the tfjs layer beyond the controller's. */
const ADAPTER_OPTIONS = [...FUNCTION_OPTIONS, 'probeDirection'] as const;

/**
 * Fills defaults and validates every GeN option, in one place.
 * @throws {TypeError} unknown option or wrong type, naming option and value.
 * @throws {RangeError} value out of range, naming option, value and what is allowed.
 */
export function resolveGeNOptions(given: Partial<GeNOptions> = {}): Readonly<GeNOptions> {
  const numeric = resolveControllerOptions('GeN', given, ADAPTER_OPTIONS);
  return Object.freeze({
    ...numeric,
    probeDirection: checkOneOf('GeN', 'probeDirection', given.probeDirection ?? 'previous', ['previous', 'current']),
    probeLoss: checkOptionalFunction<GeNOptions['probeLoss']>('GeN', 'probeLoss', given.probeLoss),
    onStep: checkOptionalFunction<GeNOptions['onStep']>('GeN', 'onStep', given.onStep),
  });
}
