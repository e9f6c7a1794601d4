import type { ProbeDirection } from './options.js';
import type { StepReason } from './reasons.js';

/**
 * What one GeN step did, returned as data (`opt.lastStep`) and passed to `onStep`. Plain numbers
 * only: it can be logged, serialised and plotted without touching a tensor.
 *
 * On a refit the probes measured L(w + x·D) at `probeOffsets` x along the probed direction D and
 * the fit is L(x) ≈ intercept − a·x + (b/2)·x². The step is measured from `start` on that axis
 * (0 for the current direction; −(previous applied lr) for the previous direction, whose step
 * began there), so the proposal is a/b − start.
 */
export interface StepInfo {
  /** Index of this step (0-based). */
  step: number;
  /** Whether the parabola was refitted at this step. */
  refit: boolean;
  /** The learning rate applied at this step, w ← w + appliedLr·D (after the horizon multiplier; 0 if nothing was written). */
  appliedLr: number;
  /** The smoothed learning rate after this step (GeN's state, before any horizon multiplier). */
  smoothedLr: number;
  /** The raw proposal a/b − start of this step's fit (NaN if none or rejected). */
  proposedLr: number;
  /** Whether the fit was accepted. */
  accepted: boolean;
  /** Why the step went as it did. */
  reason: StepReason;
  /** Probe offsets of this step in learning-rate units (empty without refit). */
  probeOffsets: number[];
  /** Losses measured at the probe offsets (the entry at offset 0 is the training loss unless `probeLoss` is set). */
  probeLosses: number[];
  /** Fitted loss at offset 0 (NaN without refit). */
  intercept: number;
  /** Fitted descent slope a (NaN without refit). */
  a: number;
  /** Fitted curvature b (NaN without refit). */
  b: number;
  /** R² of the fit (NaN without refit). */
  r2: number;
  /**
   * The gradient's directional derivative a_g = −g·D along the probed direction, on the step's batch at the current
   * weights: the slope `a` would equal on a parabola. Measured at the refits whose fit takes it as its slope
   * (`slope`: after calibration by default; then `a` is this value) and at the calibration fits of `slopeCheck:
   * 'calibration'`, where a fit whose `a` disagrees with it by more than 2× is refused (`off_parabola`); NaN otherwise.
   */
  gradientSlope: number;
  /** Offset on the probed axis the proposal is measured from (0 without refit or for the current direction). */
  start: number;
  /** Training loss at the weights before the step (NaN when `applyGradients` was called directly). */
  loss: number;
  /** Which direction the probes measured, or null (no refit). */
  probed: ProbeDirection | null;
  /** Whether GeN was still calibrating the learning rate during this step. */
  calibrating: boolean;
  /**
   * Extra fits this step took at the same weights before its update (option `calibrationRefits`); the
   * probe fields describe the last of them. 0 outside calibration.
   */
  calibrationRefits: number;
  /**
   * Whether the training loss was rising at this step: the fast average of the step losses above the slow one
   * (option `risingLoss`, which with `'hold'` keeps any fit from raising the lr then). Reported whatever the option.
   */
  lossRising: boolean;
  /**
   * The step factor c this step's fit used: `stepFactor`, or 1 while `stepFactorGate: 'validation'` is closed
   * (before the first validation report, or after one that lay above the training loss by more than the tolerance).
   */
  stepFactor: number;
}
