/**
 * gen-optim/peers: the learning-rate-free peers of GeN, for side-by-side comparison in one engine.
 * Constructing one registers its class with tfjs serialization; `registerPeerOptimizers()` (or the
 * root's `registerOptimizers()`) registers them all, for loading in a fresh process.
 */
export { Prodigy, PRODIGY_DEFAULTS, type ProdigyOptions } from './prodigy.js';
export { DAdaptAdam, DADAPT_ADAM_DEFAULTS, type DAdaptAdamOptions } from './dadapt-adam.js';
export { DAdaptSGD, DADAPT_SGD_DEFAULTS, type DAdaptSGDOptions } from './dadapt-sgd.js';
export { DoGBase, DOG_DEFAULTS, type DoGOptions } from './dog-base.js';
export { DoG } from './dog.js';
export { LDoG } from './ldog.js';
export { PolynomialAverager } from '../tfjs/polynomial-averager.js';
export {
  ScheduleFreeAdamW,
  SCHEDULE_FREE_ADAMW_DEFAULTS,
  type ScheduleFreeAdamWOptions,
} from './schedule-free-adamw.js';
export { ScheduleFreePlus, SCHEDULE_FREE_PLUS_DEFAULTS, type ScheduleFreePlusOptions } from './schedule-free-plus.js';
export { SLS, SLS_DEFAULTS, type SLSOptions } from './sls.js';
export { registerPeerOptimizers } from './register.js';
