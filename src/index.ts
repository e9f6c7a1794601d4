/**
 * gen-optim: GeN, the generalized Newton's method for learning-rate-free training, for
 * TensorFlow.js. The numeric core (parabola fit, acceptance rule, learning-rate controller) is
 * exported too, for use without tensors.
 */
import { registerOptimizers } from './tfjs/register.js';
import { registerPeerOptimizers } from './peers/register.js';

export { GeN } from './tfjs/gen.js';
export { resolveGeNOptions, GEN_DEFAULTS, type GeNOptions } from './tfjs/gen-options.js';
export { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from './tfjs/adamw.js';
export { SGDW, SGDW_DEFAULTS, type SGDWOptions } from './tfjs/sgdw.js';
export { DirectionalOptimizer, providesDirection, type DirectionProvider } from './tfjs/directional.js';
export { baseDirection } from './tfjs/base-direction.js';
export { registerOptimizers } from './tfjs/register.js';
export type { NamedTensor } from './tfjs/types.js';
export * from './core/index.js';

export * from './peers/index.js';

registerOptimizers();
registerPeerOptimizers();
