import { acceptProposal } from './accept.js';
import {
  backOffNonfinite,
  carryOver,
  lossRising,
  activeStepFactor,
  trackLoss,
  decideRefit,
  appliedHorizonFactor,
  retryCalibration,
  isRefitStep,
  refuseOffParabola,
  refusesSlope,
  probeOffsets,
  usesGradientSlope,
  type ControllerState,
  type RefitDecision,
} from './controller.js';
import type { ControllerOptions, ProbeDirection } from './options.js';
import { fitCurvature, fitParabola, type ParabolaFit } from './parabola.js';
import type { StepInfo } from './step-info.js';

/**
 * The sequence of one GeN step, on plain numbers (optax's init/update shape). The tensor layer
 * asks {@link planStep} what to measure, measures it, and hands the observations to
 * {@link finishStep}, which returns the new state, the learning rate to apply and the step's
 * {@link StepInfo}. Everything GeN decides is decided here, so it can be tested without tensors.
 */

/** What the tensor layer must measure before the step can be decided. */
export interface StepPlan {
  /** Index of the step about to be taken. */
  step: number;
  /** Probe offsets x (learning-rate units) along the probed direction; empty when this step does not refit. */
  offsets: number[];
  /** Offset on the probed axis the step is measured from: 0, or −(previous applied lr) for the previous direction. */
  start: number;
  /** Which direction the probes measure, or null when nothing is probed. */
  probed: ProbeDirection | null;
}

/** What the tensor layer knows when it plans a step. */
export interface StepContext {
  /** Whether the loss closure is available (`minimize`) or not (`applyGradients`: nothing can be probed). */
  closure: boolean;
  /**
   * The learning rate the previous step was applied with, when the tensor layer still holds that
   * step's direction and it fits the current variables; null otherwise.
   */
  previousLr: number | null;
}

/** What the tensor layer measured for a plan. */
export interface StepObservation {
  /** Training loss at the current weights (NaN without the closure). */
  loss: number;
  /** Losses at `plan.offsets`, in order (empty when the plan has none). */
  probeLosses: readonly number[];
  /**
   * The exact directional derivative a_g = −g·D of the step's loss at the current weights along the probed
   * direction D, in the fit's convention (L(x) ≈ l₀ − a·x + …, so a = a_g on a parabola); measured only when
   * {@link needsGradientSlope} says so, else NaN or absent.
   */
  gradientSlope?: number;
}

/** The decided step. */
export interface StepOutcome {
  /** GeN's state after the step. */
  state: ControllerState;
  /** The update to write: w ← w + appliedLr·D. 0 means: leave the weights as they are. */
  appliedLr: number;
  /** Whether the tensor layer keeps this step's direction for the next step's probes (else it disposes it). */
  keepDirection: boolean;
  /** The step's diagnostics. */
  info: StepInfo;
}

/**
 * Plans a step: a refit probes every step while calibrating and every Φ = `every` steps after;
 * it measures the previous step's direction when `probeDirection` is 'previous' and that
 * direction is still held, else the current one.
 */
export function planStep(s: ControllerState, o: ControllerOptions, ctx: StepContext): StepPlan {
  if (!ctx.closure || !isRefitStep(s, o)) return { step: s.step, offsets: [], start: 0, probed: null };
  const previous = o.probeDirection === 'previous' && ctx.previousLr !== null;
  return {
    step: s.step,
    offsets: probeOffsets(s, o),
    start: previous ? -(ctx.previousLr as number) : 0,
    probed: previous ? 'previous' : 'current',
  };
}

/**
 * Whether the tensor layer must measure `gradientSlope` for this plan: at every refit whose fit takes the gradient's
 * slope (`slope`), and at calibration refits with `slopeCheck: 'calibration'`.
 */
export function needsGradientSlope(s: ControllerState, o: ControllerOptions, plan: StepPlan): boolean {
  if (plan.offsets.length === 0) return false;
  return usesGradientSlope(s, o) || (o.slopeCheck === 'calibration' && s.calibrating);
}

/**
 * The parabola through a refit's probes: fitted to all of them, or, where the step takes the gradient's slope
 * (`slope`), with the intercept at the loss at offset 0 and that slope, the curvature alone fitted. A gradient slope
 * that was not measured (NaN) gives a non-finite fit, which the acceptance rule rejects.
 */
function fitProbes(s: ControllerState, o: ControllerOptions, plan: StepPlan, obs: StepObservation): ParabolaFit {
  if (!usesGradientSlope(s, o)) return fitParabola(plan.offsets, obs.probeLosses);
  const l0 = obs.probeLosses[plan.offsets.indexOf(0)];
  return fitCurvature(plan.offsets, obs.probeLosses, l0, obs.gradientSlope ?? NaN);
}

/**
 * Whether a calibration step is probed again before it is decided (option `calibrationRefits`;
 * {@link retryCalibration} says when): the state and plan of the next fit, at the same weights and
 * on the same batch with offsets at the new lr, or null to decide the step from `obs` with
 * {@link finishStep}. `refitsThisStep` counts the extra fits already taken at this step.
 */
export function replanStep(
  s: ControllerState,
  o: ControllerOptions,
  plan: StepPlan,
  obs: StepObservation,
  refitsThisStep: number,
): { state: ControllerState; plan: StepPlan } | null {
  // Outside calibration, or with no extra fit left, nothing is fitted twice: finishStep fits once.
  if (plan.offsets.length === 0 || !s.calibrating || refitsThisStep >= o.calibrationRefits) return null;
  const acceptance = acceptProposal(fitProbes(s, o, plan, obs), plan.offsets, obs.probeLosses, o, plan.start);
  const state = retryCalibration(s, o, acceptance, refitsThisStep);
  return state === null ? null : { state, plan: { ...plan, offsets: probeOffsets(state, o) } };
}

/**
 * Decides a step from its observations: fit the parabola L(x) ≈ l₀ − a·x + (b/2)·x² to the
 * probes, accept or reject it ({@link acceptProposal}), update the learning rate
 * ({@link decideRefit}), and apply the horizon and the validation multiplier: appliedLr = stepLr × s(step / T) × v. Without a
 * refit the learning rate carries over.
 */
export function finishStep(
  s: ControllerState,
  o: ControllerOptions,
  plan: StepPlan,
  obs: StepObservation,
  closure: boolean,
  refitsThisStep = 0,
): StepOutcome {
  let decision: RefitDecision;
  let fit = { l0: NaN, a: NaN, b: NaN, r2: NaN };
  let proposedLr = NaN;
  // The step's loss joins the loss averages before the decision (option `risingLoss`).
  const tracked = trackLoss(s, obs.loss);
  if (plan.offsets.length > 0) {
    const full = fitProbes(s, o, plan, obs);
    fit = full;
    const acceptance = acceptProposal(full, plan.offsets, obs.probeLosses, o, plan.start);
    proposedLr = acceptance.proposal;
    decision = refusesSlope(tracked, o, acceptance, full.a, obs.gradientSlope ?? NaN)
      ? refuseOffParabola(tracked, o)
      : decideRefit(tracked, o, acceptance);
  } else {
    decision = {
      state: carryOver(tracked),
      stepLr: s.lr,
      reason: closure ? 'skipped' : 'no_closure',
      accepted: false,
      skipUpdate: false,
    };
  }
  const appliedLr = decision.skipUpdate
    ? 0
    : decision.stepLr * appliedHorizonFactor(s.step, o.horizon) * s.validationScale;
  return {
    state: decision.state,
    appliedLr,
    // A refused fit's direction was not taken: the next probes must measure their own.
    keepDirection:
      closure &&
      o.probeDirection === 'previous' &&
      isRefitStep(decision.state, o) &&
      decision.reason !== 'off_parabola',
    info: {
      step: s.step,
      refit: plan.offsets.length > 0,
      appliedLr,
      smoothedLr: decision.state.lr,
      proposedLr,
      accepted: decision.accepted,
      reason: decision.reason,
      probeOffsets: [...plan.offsets],
      probeLosses: [...obs.probeLosses],
      intercept: fit.l0,
      a: fit.a,
      b: fit.b,
      r2: fit.r2,
      gradientSlope: obs.gradientSlope ?? NaN,
      start: plan.start,
      loss: obs.loss,
      probed: plan.probed,
      calibrating: s.calibrating,
      calibrationRefits: refitsThisStep,
      lossRising: lossRising(tracked),
      stepFactor: activeStepFactor(s, o),
    },
  };
}

/**
 * A step that must not write: the loss or a gradient was not finite, or the update
 * w + appliedLr·D was (overflow). Nothing is written, the held direction is dropped (the next
 * probes must not measure a step that was not taken) and the learning rate backs off.
 */
export function finishNonfinite(s: ControllerState, o: ControllerOptions, loss: number): StepOutcome {
  const state = backOffNonfinite(s, o);
  return {
    state,
    appliedLr: 0,
    keepDirection: false,
    info: {
      step: s.step,
      refit: false,
      appliedLr: 0,
      smoothedLr: state.lr,
      proposedLr: NaN,
      accepted: false,
      reason: 'nonfinite',
      probeOffsets: [],
      probeLosses: [],
      intercept: NaN,
      a: NaN,
      b: NaN,
      r2: NaN,
      gradientSlope: NaN,
      start: 0,
      loss,
      probed: null,
      calibrating: s.calibrating,
      calibrationRefits: 0,
      lossRising: lossRising(s),
      stepFactor: activeStepFactor(s, o),
    },
  };
}
