import type * as tf from '@tensorflow/tfjs-core';
import { formatValue } from '../core/validate.js';

/**
 * Marks an optimizer that sets its own step size (Prodigy, D-Adaptation, DoG, Schedule-Free,
 * SLS): GeN refuses it as a base, because two step-size controllers on one direction fight.
 * The value is the method's name, for the error message.
 */
export const SETS_OWN_STEP_SIZE = Symbol.for('gen-optim.setsOwnStepSize');
/** Marks a GeN, which cannot be the base of another GeN. */
export const IS_GEN = Symbol.for('gen-optim.GeN');

/**
 * Throws unless GeN can drive `base`: a tf.Optimizer (duck-typed, as tfjs does) that is neither a
 * GeN nor a method that sets its own step size.
 * @throws {TypeError} saying what to use instead.
 */
export function assertBase(base: unknown): asserts base is tf.Optimizer {
  const b = base as Partial<tf.Optimizer> & Record<symbol, unknown>;
  if (b == null || typeof b.applyGradients !== 'function' || typeof b.minimize !== 'function') {
    throw new TypeError(
      `GeN: the base optimizer must be a tf.Optimizer (e.g. new AdamW() or tf.train.sgd(0.1)); got ${formatValue(base)}.`,
    );
  }
  if (b[IS_GEN] === true) throw new TypeError('GeN: the base optimizer is already a GeN; wrap its base instead.');
  const own = b[SETS_OWN_STEP_SIZE];
  if (typeof own === 'string') {
    throw new TypeError(
      `GeN: ${own} sets its own step size, so GeN cannot drive it (the two step-size rules fight and the loss diverges). ` +
        `Use ${own} on its own, or give GeN a base with a fixed step rule: new AdamW(), new SGDW({ momentum: 0.9 }) or a tf.train optimizer.`,
    );
  }
}
