/**
 * gen-optim: GeN, the generalized Newton's method for learning-rate-free training, for
 * TensorFlow.js, with its AdamW and SGDW bases.
 *
 * The root holds what training with GeN needs. The learning-rate-free peers are in
 * `gen-optim/peers`, the tensor-free numeric core (parabola fit, acceptance rule, learning-rate
 * controller) in `gen-optim/core`, the wasm backend setup in `gen-optim/backend`. Importing any of
 * them has no side effects (see {@link registerOptimizers}).
 */
export { GeN } from './tfjs/gen.js';
export { GEN_DEFAULTS, type GeNOptions } from './tfjs/gen-options.js';
export type { StepInfo } from './core/step-info.js';
export type {
  ControllerOptions,
  Horizon,
  HorizonOption,
  HorizonShape,
  ProbeDirection,
  NegativeCurvatureRule,
  AveragingRule,
  CalibrationRefitRule,
  SlopeCheck,
  SlopeSource,
  RejectionRule,
  RisingLossRule,
  ValidationDecay,
} from './core/options.js';
export type { ControllerState } from './core/controller.js';
export { STEP_REASONS, type StepReason } from './core/reasons.js';
export { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from './tfjs/adamw.js';
export { SGDW, SGDW_DEFAULTS, type SGDWOptions } from './tfjs/sgdw.js';
export { DECAY_MASKS, type DecayMask, type DecayAndClipOptions } from './tfjs/decay-and-clip.js';
// tfjs idioms: a tf.train-style factory, and a model.fit callback that puts the step size into history.
export { gen } from './tfjs/factory.js';
export { StepLogger, reasonKey } from './tfjs/fit-callback.js';
// Writing a base for GeN: implement DirectionProvider on any tf.Optimizer, or extend DirectionalOptimizer.
export { DirectionalOptimizer, type DirectionProvider } from './tfjs/directional.js';
// The base of AdamW, SGDW and DirectionalOptimizer (their `options`, getConfig/fromConfig): a type only.
export type { ConfiguredOptimizer } from './tfjs/configured.js';
export type { NamedTensor } from './tfjs/types.js';
export { registerOptimizers } from './register.js';
