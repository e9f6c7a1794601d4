/**
 * gen-optim/core: GeN's numeric core on plain float64 numbers, without tensors: the parabola fit,
 * the acceptance rule, the learning-rate controller, its options and the step reasons.
 */
export { fitCurvature, fitParabola, type ParabolaFit, type FitOptions } from './parabola.js';
export { acceptProposal, FLOAT32_EPSILON, type Acceptance, type AcceptOptions } from './accept.js';
export { STEP_REASONS, type StepReason } from './reasons.js';
export type { StepInfo } from './step-info.js';
export { averageWeight } from './average.js';
export {
  planStep,
  replanStep,
  finishStep,
  finishNonfinite,
  needsGradientSlope,
  type StepPlan,
  type StepContext,
  type StepObservation,
  type StepOutcome,
} from './step.js';
export {
  CONTROLLER_DEFAULTS,
  CONTROLLER_OPTION_NAMES,
  HORIZON_SHAPE,
  HORIZON_WARM_UP,
  resolveControllerOptions,
  type ControllerOptions,
  type Horizon,
  type HorizonOption,
  type HorizonShape,
  type NegativeCurvatureRule,
  type AveragingRule,
  type CalibrationRefitRule,
  type SlopeCheck,
  type SlopeSource,
  SLOPE_AGREEMENT,
  type RejectionRule,
  type RisingLossRule,
  type ValidationDecay,
  VALIDATION_DECAY_DEFAULTS,
  type StepFactorGate,
  STEP_FACTOR_GATE_TOLERANCE,
  type ProbeDirection,
  LOSS_TREND_FAST,
  LOSS_TREND_SLOW,
  RENAMED_OPTIONS,
} from './options.js';
export {
  initialControllerState,
  isRefitStep,
  probeOffsets,
  horizonFactor,
  warmUpFactor,
  appliedLr,
  decideRefit,
  retryCalibration,
  slopeAgrees,
  refusesSlope,
  refuseOffParabola,
  carryOver,
  backOffNonfinite,
  trackLoss,
  lossRising,
  reportValidation,
  type ValidationReport,
  CALIBRATION_JUMP,
  MAX_CALIBRATION_STEPS,
  type ControllerState,
  type RefitDecision,
} from './controller.js';
