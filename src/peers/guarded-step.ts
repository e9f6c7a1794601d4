import type * as tf from '@tensorflow/tfjs-core';
import { allFinite } from '../tfjs/params.js';
import { readLoss } from '../tfjs/probe.js';
import { StateSnapshot } from '../tfjs/state-snapshot.js';

/**
 * The finite-weights guarantee for the peers that write the weights themselves instead of
 * w ← w + s·D (D-Adapt SGD's dual averaging, the Schedule-Free interpolations): the gradients
 * (and the loss, if given) are checked before the step (Σ g² must be finite, as in GeN), and the
 * weights after it; when either check fails the optimizer's state and the weights are put back
 * as they were (zero-copy, see {@link StateSnapshot}) and false is returned: the step is skipped.
 */
export function guardedStep(
  owner: object,
  variables: tf.Variable[],
  gradients: readonly tf.Tensor[],
  loss: tf.Scalar | null,
  step: () => void,
): boolean {
  if (!readLoss(loss, gradients).finite) return false;
  const before = StateSnapshot.capture([owner, variables]);
  try {
    step();
  } catch (e) {
    before.restore();
    throw e;
  }
  if (allFinite(variables)) {
    before.release();
    return true;
  }
  before.restore();
  return false;
}
