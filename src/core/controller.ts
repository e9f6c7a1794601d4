import type { Acceptance } from './accept.js';
import {
  COOLDOWN_FRACTION,
  HORIZON_SHAPE,
  HORIZON_WARM_UP,
  LOSS_TREND_FAST,
  LOSS_TREND_SLOW,
  MAX_CALIBRATION_STEPS,
  SLOPE_AGREEMENT,
  STEP_FACTOR_GATE_TOLERANCE,
  VALIDATION_DECAY_DEFAULTS,
  type AveragingRule,
  type ControllerOptions,
  type HorizonOption,
} from './options.js';
import type { StepReason } from './reasons.js';

/** How far the learning rate may move in one calibration step (up or down). */
export const CALIBRATION_JUMP = 10;
export { MAX_CALIBRATION_STEPS } from './options.js';
/** Band that ends calibration when `clip` is null. */
const DEFAULT_BAND: readonly [number, number] = [0.5, 2];

/** GeN's own state: plain, JSON-safe numbers. The base optimizer keeps its own tensors. */
export interface ControllerState {
  /** Steps taken so far (skipped ones included). */
  step: number;
  /** The smoothed learning rate, before the horizon multiplier. Also the probe distance unit. */
  lr: number;
  /** Whether the controller is still calibrating (see `calibrate`). */
  calibrating: boolean;
  /** Calibration steps taken so far. */
  calibrationSteps: number;
  /** Refits done so far. */
  refits: number;
  /** Fast exponential average of the step losses (option `risingLoss`); NaN before the first finite loss. */
  lossFast: number;
  /** Slow exponential average of the step losses (option `risingLoss`); NaN before the first finite loss. */
  lossSlow: number;
  /** The lowest validation loss reported so far (`reportValidationLoss`); NaN before the first report. */
  validationBest: number;
  /** Reports in a row since the last new best or the last decay (option `validationDecay`). */
  validationWaits: number;
  /** The validation multiplier v of the applied step, in (0, 1]: 1 until the first decay (option `validationDecay`). */
  validationScale: number;
  /**
   * Whether the last validation report opened the step factor (option `stepFactorGate: 'validation'`): its loss
   * was at most (1 + tolerance) × the fast training-loss average. False before the first report.
   */
  stepFactorOpen: boolean;
}

/** The state before the first step. */
export function initialControllerState(o: ControllerOptions): ControllerState {
  return {
    step: 0,
    lr: o.initialLr,
    calibrating: o.calibrate,
    calibrationSteps: 0,
    refits: 0,
    lossFast: NaN,
    lossSlow: NaN,
    validationBest: NaN,
    validationWaits: 0,
    validationScale: 1,
    stepFactorOpen: false,
  };
}

/** What one validation report did ({@link reportValidation}). */
export interface ValidationReport {
  /** The state after the report. */
  state: ControllerState;
  /** Whether the report is a new best (the first finite report always is). */
  improved: boolean;
  /** Whether the report multiplied the applied step by `validationDecay.factor`. */
  decayed: boolean;
}

/**
 * Folds a reported validation loss into the state (option `validationDecay`, with factor f and patience P): a
 * loss below the best so far becomes the best and resets the count; any other finite loss counts one, and the
 * P-th in a row sets v ← f·v and resets the count. A loss that is not finite is a report that did not improve.
 * The applied step is v·s(t)·lr from the next step on.
 */
export function reportValidation(s: ControllerState, o: ControllerOptions, loss: number): ValidationReport {
  const gated = { ...s, stepFactorOpen: stepFactorOpens(s, loss) };
  if (Number.isFinite(loss) && !(loss >= s.validationBest)) {
    return { state: { ...gated, validationBest: loss, validationWaits: 0 }, improved: true, decayed: false };
  }
  if (o.validationDecay === null) return { state: gated, improved: false, decayed: false };
  const waits = s.validationWaits + 1;
  const { factor = VALIDATION_DECAY_DEFAULTS.factor, patience = VALIDATION_DECAY_DEFAULTS.patience } =
    o.validationDecay;
  if (waits < patience) {
    return { state: { ...gated, validationWaits: waits }, improved: false, decayed: false };
  }
  const scale = s.validationScale * factor;
  // A scale that underflows to 0 would stop training for good and not be a valid state: keep the last one.
  const state = { ...gated, validationWaits: 0, validationScale: scale > 0 ? scale : s.validationScale };
  return { state, improved: false, decayed: scale > 0 };
}

/**
 * Whether a validation report opens the step factor (`stepFactorGate: 'validation'`): its loss ℓ_val is finite
 * and ℓ_val ≤ (1 + τ)·ℓ_fast, with ℓ_fast the fast average of the training losses so far and τ =
 * {@link STEP_FACTOR_GATE_TOLERANCE}. No training loss seen yet, or a loss that is not finite, closes it.
 */
function stepFactorOpens(s: ControllerState, loss: number): boolean {
  return Number.isFinite(loss) && Number.isFinite(s.lossFast) && loss <= (1 + STEP_FACTOR_GATE_TOLERANCE) * s.lossFast;
}

/** The step factor c in effect: `stepFactor`, or 1 while `stepFactorGate: 'validation'` is closed. */
export function activeStepFactor(s: ControllerState, o: ControllerOptions): number {
  return o.stepFactorGate === 'always' || s.stepFactorOpen ? o.stepFactor : 1;
}

/**
 * Folds a step's training loss into the two loss averages of `risingLoss`: ℓ_fast ← ℓ_fast + α_f·(ℓ − ℓ_fast),
 * ℓ_slow likewise with α_s ({@link LOSS_TREND_FAST}, {@link LOSS_TREND_SLOW}); both start at the first finite
 * loss. A loss that is not finite (or no loss: a step without the closure) leaves them as they are.
 */
export function trackLoss(s: ControllerState, loss: number): ControllerState {
  if (!Number.isFinite(loss)) return s;
  if (!Number.isFinite(s.lossFast) || !Number.isFinite(s.lossSlow)) return { ...s, lossFast: loss, lossSlow: loss };
  return {
    ...s,
    lossFast: s.lossFast + LOSS_TREND_FAST * (loss - s.lossFast),
    lossSlow: s.lossSlow + LOSS_TREND_SLOW * (loss - s.lossSlow),
  };
}

/** Whether the training loss is rising: its fast average is above its slow one (`risingLoss`). */
export function lossRising(s: ControllerState): boolean {
  return s.lossFast > s.lossSlow;
}

/** Whether the step about to be taken refits the parabola: every step while calibrating, else every Φ. */
export function isRefitStep(s: ControllerState, o: ControllerOptions): boolean {
  return s.calibrating || s.step % o.every === 0;
}

/**
 * Whether this step's fit takes its slope from the gradient (option `slope`): always with `gradient`, after
 * calibration with `alternating`.
 */
export function usesGradientSlope(s: ControllerState, o: ControllerOptions): boolean {
  return o.slope === 'gradient' || (o.slope === 'alternating' && !s.calibrating);
}

/**
 * The probe offsets of the next refit, in learning-rate units: probes × lr. With `slope: 'alternating'` after
 * calibration, one probe at ±h·lr (h = max |probes|) beside 0, on the + side at the refits of even ⌊step/Φ⌋ and on
 * the − side at the others, so that consecutive refits alternate.
 */
export function probeOffsets(s: ControllerState, o: ControllerOptions): number[] {
  if (o.slope === 'alternating' && !s.calibrating) {
    const h = Math.max(...o.probes.map(Math.abs));
    const side = Math.floor(s.step / o.every) % 2 === 0 ? 1 : -1;
    return [0, side * h * s.lr];
  }
  return o.probes.map((p) => p * s.lr);
}

/**
 * The horizon multiplier s at a step: 1 without a horizon (null, or 'auto' before the run length
 * is known); with t = clamp((step − start) / T, 0, 1), `linear` 1 − t, `cosine` (1 + cos πt) / 2,
 * `constant` 1.
 */
export function horizonFactor(step: number, horizon: HorizonOption): number {
  const shape = horizon === null || horizon === 'auto' ? 'constant' : (horizon.shape ?? HORIZON_SHAPE);
  if (horizon === null || horizon === 'auto' || shape === 'constant') return 1;
  const t = Math.min(Math.max((step - (horizon.start ?? 0)) / horizon.steps, 0), 1);
  if (shape === 'linear') return 1 - t;
  if (shape === 'cooldown') return Math.min(1, (1 - t) / COOLDOWN_FRACTION);
  return (1 + Math.cos(Math.PI * t)) / 2;
}

/**
 * The warm-up multiplier of a horizon (its `warmUp` fraction f): with W = ⌊f·T⌋ and k = step − start, (k + 1)/W for
 * 0 ≤ k < W, else 1; 1 without a horizon or with f = 0.
 */
export function warmUpFactor(step: number, horizon: HorizonOption): number {
  if (horizon === null || horizon === 'auto') return 1;
  const w = Math.floor((horizon.warmUp ?? HORIZON_WARM_UP) * horizon.steps);
  const k = Math.max(step - (horizon.start ?? 0), 0);
  return k < w ? (k + 1) / w : 1;
}

/**
 * The horizon multiplier on the applied step: its warm-up times s(step), or times 1 when s acts on the proposal (the
 * warm-up always acts on the applied step).
 */
export function appliedHorizonFactor(step: number, horizon: HorizonOption): number {
  const onProposal = horizon !== null && horizon !== 'auto' && horizon.on === 'proposal';
  return warmUpFactor(step, horizon) * (onProposal ? 1 : horizonFactor(step, horizon));
}

/** The horizon multiplier on an accepted proposal: s(step) when the horizon acts on it (`on: 'proposal'`), else 1. */
function proposalHorizonFactor(step: number, horizon: HorizonOption): number {
  return horizon !== null && horizon !== 'auto' && horizon.on === 'proposal' ? horizonFactor(step, horizon) : 1;
}

/** The learning rate actually applied at the step `s.step`: lr × horizon multiplier × validation multiplier. */
export function appliedLr(s: ControllerState, o: ControllerOptions): number {
  return s.lr * appliedHorizonFactor(s.step, o.horizon) * s.validationScale;
}

/** What a refit decided. */
export interface RefitDecision {
  /** The state after this step (step counter advanced). */
  state: ControllerState;
  /**
   * The learning rate for this step's update (before the horizon). Equal to `state.lr`, except
   * while calibrating: then an increase waits one step, so that the next probes, taken at the
   * larger distance, look at it before any step that large is applied.
   */
  stepLr: number;
  reason: StepReason;
  accepted: boolean;
  /** Whether the weights must be left as they are this step. */
  skipUpdate: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * Whether a fit grows the lr: an insignificant one (after calibration only under insignificantCurvature 'grow', or
 * 'grow-if-downhill' with a downhill slope), or a downhill nonconvex one under negativeCurvature 'grow'.
 */
function growsLr(acc: Acceptance, o: ControllerOptions, calibrating: boolean): boolean {
  if (acc.reason === 'insignificant') {
    const rule = o.insignificantCurvature;
    return calibrating || rule === 'grow' || (rule === 'grow-if-downhill' && acc.downhill);
  }
  return acc.reason === 'nonconvex' && acc.downhill && o.negativeCurvature === 'grow';
}

/** Where calibration would land the lr from an accepted proposal: c·x* ÷ W. */
const calibrationTarget = (s: ControllerState, acc: Acceptance, o: ControllerOptions) =>
  (activeStepFactor(s, o) * acc.proposal) / o.calibrationDivisor;

/** Whether a calibration target lies in the band [lo·lr, hi·lr] that ends calibration. */
function inCalibrationBand(target: number, lr: number, o: ControllerOptions): boolean {
  const [bandLo, bandHi] = o.clip ?? DEFAULT_BAND;
  return target >= bandLo * lr && target <= bandHi * lr;
}

/**
 * Whether a calibration fit is taken again, at the same weights and on the same batch, before
 * the step is applied (option `calibrationRefits`): when its target c·x* ÷ W lies outside the band
 * [lo·lr, hi·lr], or the fit is one that grows the lr (insignificant, or downhill nonconvex with
 * 'grow'), and fewer than `calibrationRefits` refits were taken at this step. With
 * `calibrationRefitsOn: 'decrease'` only a target below the band is taken again. Returns the state
 * to probe from again, lr ← clamp(c·x* ÷ W, lr/J, J·lr) (growing: J·lr), clamped to [minLr, maxLr];
 * the step counter and the calibration steps are unchanged. Null: decide the step from this fit.
 *
 * Why: a calibration step applies an lr the probes measured only at the old distance. From a
 * large initial lr the probes span far beyond the region where the loss is a parabola, x* comes
 * out large, and the first update overshoots the local optimum (docs/algorithm.md §12). Probing
 * again at the new distance before stepping makes the first update one whose distance was probed.
 */
export function retryCalibration(
  s: ControllerState,
  o: ControllerOptions,
  acc: Acceptance,
  refitsThisStep: number,
): ControllerState | null {
  if (!s.calibrating || refitsThisStep >= o.calibrationRefits) return null;
  const lr = s.lr;
  let next: number;
  const increases = o.calibrationRefitsOn === 'any';
  if (acc.accepted) {
    const target = calibrationTarget(s, acc, o);
    if (inCalibrationBand(target, lr, o) || (target > lr && !increases)) return null;
    next = clamp(target, lr / CALIBRATION_JUMP, lr * CALIBRATION_JUMP);
  } else if (growsLr(acc, o, true) && increases) {
    next = lr * CALIBRATION_JUMP;
  } else {
    return null;
  }
  next = clamp(next, o.minLr, o.maxLr);
  if (!(next > 0) || !Number.isFinite(next) || next === lr) return null;
  return { ...s, lr: next, refits: s.refits + 1 };
}

/** The smoothing step towards a target: γ·lr + (1 − γ)·target, or lr^γ·target^(1 − γ) (`averaging`). */
function smoother(g: number, averaging: AveragingRule): (lr: number, target: number) => number {
  return averaging === 'geometric'
    ? (lr, target) => lr * Math.pow(target / lr, 1 - g)
    : (lr, target) => g * lr + (1 - g) * target;
}

/**
 * Updates the learning rate from one fit (the proposal is in learning-rate units).
 *
 * Normal mode, with band [lo, hi] = clip and γ = smoothing:
 *   accepted       lr ← γ·lr + (1 − γ)·clamp(x*, lo·lr, hi·lr)
 *   insignificant  lr ← γ·lr + (1 − γ)·hi·lr      (probe further out next time; also a downhill
 *                  nonconvex fit with negativeCurvature 'grow'); with insignificantCurvature 'hold',
 *                  or 'grow-if-downhill' and a slope that is not downhill, lr unchanged
 *   accepted uses the target c·x* with c = stepFactor (default 1.5), or 1 while stepFactorGate 'validation'
 *                  (the default) is closed: always so in a run that reports no validation loss
 *   shape failure  lr ← γ·lr + (1 − γ)·lo·lr      (gentle back-off: not_descent, nonconvex, poor_fit;
 *                  lr unchanged with rejection 'hold')
 *   nonfinite      lr ← lr / 2, and the step is skipped
 * With averaging 'geometric' each γ·lr + (1 − γ)·t above is lr^γ·t^(1 − γ) instead.
 * With risingLoss 'hold', or while stepFactorGate 'validation' is open, while {@link lossRising}, the accepted and
 * growing targets are capped at lr.
 * Calibration mode (no smoothing, J = 10, W = calibrationDivisor): accepted lr ← clamp(x* ÷ W, lr/J, J·lr), ending
 * calibration once x* ÷ W lies in [lo·lr, hi·lr] at calibration step minCalibrationSteps or later; insignificant (or downhill nonconvex with 'grow') lr ← J·lr;
 * shape failure lr ← lr/2; nonfinite lr ← lr/J.
 * Always clamped to [minLr, maxLr] afterwards. While calibrating, this step's update uses
 * min(old, new) lr: decreases act at once, increases from the next step on (see `stepLr`).
 */
export function decideRefit(s: ControllerState, o: ControllerOptions, acc: Acceptance): RefitDecision {
  const [lo, hi] = o.clip ?? [0, Infinity];
  const lr = s.lr;
  let next: number;
  let reason: StepReason = acc.reason;
  let calibrating = s.calibrating;
  let skipUpdate = false;
  const grows = growsLr(acc, o, s.calibrating);

  if (s.calibrating) {
    if (acc.accepted) {
      const target = calibrationTarget(s, acc, o);
      next = clamp(target, lr / CALIBRATION_JUMP, lr * CALIBRATION_JUMP);
      if (next !== target) reason = 'clipped';
      if (inCalibrationBand(target, lr, o) && s.calibrationSteps + 1 >= o.minCalibrationSteps) calibrating = false;
    } else if (grows) {
      next = lr * CALIBRATION_JUMP;
    } else if (acc.reason === 'nonfinite') {
      next = lr / CALIBRATION_JUMP;
      skipUpdate = true;
    } else {
      next = lr / 2;
    }
    if (s.calibrationSteps + 1 >= MAX_CALIBRATION_STEPS) calibrating = false;
  } else {
    const smooth = smoother(o.smoothing, o.averaging);
    // While the loss rises, `risingLoss: 'hold'` lets no fit raise the lr; so does an open step-factor gate, whose
    // factor needs that guard (docs/algorithm.md §16, §19).
    const guarded = o.risingLoss === 'hold' || (o.stepFactorGate === 'validation' && s.stepFactorOpen);
    const ceiling = guarded && lossRising(s) ? 1 : Infinity;
    if (acc.accepted) {
      const target = activeStepFactor(s, o) * acc.proposal;
      const clipped = clamp(target, lo * lr, hi * lr);
      if (clipped !== target) reason = 'clipped';
      next = smooth(lr, proposalHorizonFactor(s.step, o.horizon) * Math.min(clipped, ceiling * lr));
    } else if (grows) {
      next = smooth(lr, Math.min((o.clip ? hi : DEFAULT_BAND[1]) * lr, ceiling * lr));
    } else if (acc.reason === 'nonfinite') {
      next = lr / 2;
      skipUpdate = true;
    } else if (acc.reason === 'insignificant' || o.rejection === 'hold') {
      // An insignificant fit that does not grow the lr measured nothing either way: the lr holds.
      next = lr;
    } else {
      next = smooth(lr, (o.clip ? lo : DEFAULT_BAND[0]) * lr);
    }
  }
  next = clamp(next, o.minLr, o.maxLr);
  if (!(next > 0) || !Number.isFinite(next)) next = lr; // never let the state become 0, NaN or ∞
  return {
    stepLr: s.calibrating ? Math.min(next, lr) : next,
    state: {
      ...s,
      step: s.step + 1,
      lr: next,
      calibrating,
      calibrationSteps: s.calibrationSteps + (s.calibrating ? 1 : 0),
      refits: s.refits + 1,
    },
    reason,
    accepted: acc.accepted,
    skipUpdate,
  };
}

/**
 * Whether a fitted slope a agrees with the gradient's directional derivative a_g along the same direction, on the
 * same batch at the same weights (`slopeCheck`): same sign and 1/{@link SLOPE_AGREEMENT} ≤ a/a_g ≤ SLOPE_AGREEMENT.
 * With probes at ±δ, a − a_g = (δ²/6)·L''' + O(δ⁴): a disagreement says the probes spanned more than the parabola.
 * An a_g that was not measured (NaN) agrees with everything.
 */
export function slopeAgrees(a: number, gradientSlope: number): boolean {
  if (Number.isNaN(gradientSlope)) return true;
  const ratio = a / gradientSlope;
  return ratio >= 1 / SLOPE_AGREEMENT && ratio <= SLOPE_AGREEMENT;
}

/**
 * Whether `slopeCheck` refuses this fit: while calibrating, a fit that would be accepted or grow the lr as a downhill
 * nonconvex one, whose slope disagrees with the gradient ({@link slopeAgrees}). Rejected fits keep their own reason,
 * and so do insignificant ones: their curvature is within the rounding of the loss, and so may their slope be.
 */
export function refusesSlope(
  s: ControllerState,
  o: ControllerOptions,
  acc: Acceptance,
  a: number,
  gradientSlope: number,
): boolean {
  if (o.slopeCheck !== 'calibration' || !s.calibrating) return false;
  if (!acc.accepted && (!growsLr(acc, o, true) || acc.reason === 'insignificant')) return false;
  return !slopeAgrees(a, gradientSlope);
}

/**
 * A calibration fit refused by `slopeCheck` (reason `off_parabola`): nothing is written and lr ← lr/10, so the next
 * fit probes a tenth of the distance; it counts as a calibration step and a refit (calibration still ends after
 * MAX_CALIBRATION_STEPS).
 */
export function refuseOffParabola(s: ControllerState, o: ControllerOptions): RefitDecision {
  const next = clamp(s.lr / CALIBRATION_JUMP, o.minLr, o.maxLr);
  return {
    stepLr: 0,
    state: {
      ...s,
      step: s.step + 1,
      lr: next > 0 && Number.isFinite(next) ? next : s.lr,
      calibrating: s.calibrationSteps + 1 < MAX_CALIBRATION_STEPS,
      calibrationSteps: s.calibrationSteps + 1,
      refits: s.refits + 1,
    },
    reason: 'off_parabola',
    accepted: false,
    skipUpdate: true,
  };
}

/** A step without refit: the learning rate carries over. */
export function carryOver(s: ControllerState): ControllerState {
  return { ...s, step: s.step + 1 };
}

/** A step whose loss or gradient was not finite: nothing is written and the lr backs off. */
export function backOffNonfinite(s: ControllerState, o: ControllerOptions): ControllerState {
  const factor = s.calibrating ? CALIBRATION_JUMP : 2;
  return { ...s, step: s.step + 1, lr: Math.max(s.lr / factor, o.minLr) || s.lr };
}
