/**
 * Why a step went the way it did, as recorded in `lastStep.reason`.
 *
 * - `ok`: the fit was accepted and its proposal used as is.
 * - `clipped`: the fit was accepted, but the proposal lay outside the clip band and was clipped.
 * - `not_descent`: the fitted slope says the base direction goes uphill.
 * - `nonconvex`: the fitted curvature is negative: the parabola has no minimum.
 * - `poor_fit`: with 4 or more probes, R² fell below `minR2`.
 * - `off_parabola`: while calibrating with `slopeCheck: 'calibration'`, the fitted slope and the gradient's
 *   directional derivative disagreed by more than 2×: the probes spanned more than the parabola; the update was
 *   skipped and the lr divided by 10.
 * - `insignificant`: the curvature was within float32 rounding noise of the loss: the probes were
 *   too close together to measure it, so the learning rate (and with it the probe distance) grows while
 *   calibrating and, after calibration, if the slope is downhill; on a flat fit it holds (`insignificantCurvature`).
 * - `nonfinite`: a loss or gradient was NaN or infinite (or a gradient so large that its square
 *   overflows float32); the step was skipped, nothing was written.
 * - `rolled_back`: as `nonfinite`, and the loss overflowed (±∞) right after a step whose direction
 *   GeN still held: that step was undone (w ← w − lr·D, `appliedLr` 0), so one bad step cannot end a run.
 * - `spike`: the gradient's norm was over 1e4× its recent maximum (a corrupted batch); the step
 *   was skipped like a `nonfinite` one, so that the base never sees it.
 * - `skipped`: not a refit step; the learning rate was carried over.
 * - `no_closure`: `applyGradients` was called directly, so no probe was possible; a base step was
 *   taken at the current learning rate.
 */
export type StepReason =
  | 'ok'
  | 'clipped'
  | 'not_descent'
  | 'nonconvex'
  | 'poor_fit'
  | 'off_parabola'
  | 'insignificant'
  | 'nonfinite'
  | 'rolled_back'
  | 'spike'
  | 'skipped'
  | 'no_closure';

/** Every {@link StepReason}, for tallies and exhaustive checks. */
export const STEP_REASONS: readonly StepReason[] = Object.freeze([
  'ok',
  'clipped',
  'not_descent',
  'nonconvex',
  'poor_fit',
  'off_parabola',
  'insignificant',
  'nonfinite',
  'rolled_back',
  'spike',
  'skipped',
  'no_closure',
]);
