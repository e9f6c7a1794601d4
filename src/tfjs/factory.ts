import type * as tf from '@tensorflow/tfjs-core';
import { AdamW, type AdamWOptions } from './adamw.js';
import { GeN } from './gen.js';
import type { GeNOptions } from './gen-options.js';
import { SGDW, type SGDWOptions } from './sgdw.js';

/**
 * GeN optimizers in the style of `tf.train`: one call builds GeN over its base.
 *
 * ```ts
 * import { gen } from 'gen-optim';
 * model.compile({ optimizer: gen.adamw({ weightDecay: 0.01, decayMask: 'matrices' }), loss: 'meanSquaredError' });
 * const opt = gen.sgd({ momentum: 0.9 }, { every: 8 });      // base options, then GeN's
 * const any = gen.wrap(tf.train.rmsprop(1e-3));               // GeN over any tf.Optimizer
 * ```
 *
 * Unlike `tf.train.adam(learningRate, …)` the arguments are option objects, and there is no
 * learning rate to pass: GeN picks the step size (a base's `lr` is ignored). Each call is exactly
 * `new GeN(new AdamW(base), options)` (or SGDW); the result owns its base (`dispose()` frees both).
 */
export const gen = Object.freeze({
  /** GeN over {@link AdamW} (decoupled weight decay, optional global-norm clipping and decay mask). */
  adamw(base: Partial<AdamWOptions> = {}, options: Partial<GeNOptions> = {}): GeN {
    return new GeN(new AdamW(base), options);
  },
  /** GeN over {@link SGDW} (momentum, Nesterov, decoupled weight decay, clipping, decay mask). */
  sgd(base: Partial<SGDWOptions> = {}, options: Partial<GeNOptions> = {}): GeN {
    return new GeN(new SGDW(base), options);
  },
  /** GeN over any `tf.Optimizer` that sets no step size of its own (e.g. `tf.train.adam()`). */
  wrap(base: tf.Optimizer, options: Partial<GeNOptions> = {}): GeN {
    return new GeN(base, options);
  },
});
