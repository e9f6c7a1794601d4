import * as tf from '@tensorflow/tfjs-core';
import { formatValue } from '../core/validate.js';
import { withoutMetrics } from './layers-hook.js';
import { assignAlong, snapshot, restore } from './params.js';
import { recordRandom, replayRandom } from './random-replay.js';
import { withoutSideEffects } from './state-guard.js';

/**
 * Measurements for optimizers that evaluate the loss away from the current weights (GeN's probes,
 * SLS's line search). A probe leaves no trace: it replays the gradient pass's randomness (the same
 * dropout masks), runs with the training model's compiled metrics off (no leaked metric tensors,
 * unchanged `trainOnBatch` outputs), and restores every variable it does not optimise (BatchNorm's
 * moving statistics).
 */

/** The gradient pass of a step, with the randomness it drew. */
export interface RecordedGradients {
  /** The loss at the current weights. The caller disposes it (or returns it). */
  value: tf.Scalar;
  /** The variables that received a gradient, in order. */
  variables: tf.Variable[];
  /** Their gradients (disposed with {@link disposeGradients}). */
  gradients: tf.Tensor[];
  /** The values `Math.random` returned during the pass, for {@link probeLoss}. */
  tape: number[];
}

/** Throws a TypeError unless `y` is a float32 scalar tensor; returns it. */
export function assertScalarLoss(owner: string, y: unknown): tf.Scalar {
  if (!(y instanceof tf.Tensor) || y.rank !== 0 || y.dtype !== 'float32') {
    const got = y instanceof tf.Tensor ? `a ${y.dtype} tensor of shape [${y.shape.join(', ')}]` : formatValue(y);
    throw new TypeError(
      `${owner}: the loss closure must return a float32 scalar tf.Tensor (rank 0, e.g. tf.mean(...)); got ${got}.`,
    );
  }
  return y as tf.Scalar;
}

/**
 * Loss and gradients of `f` with respect to `varList` (default: every trainable variable),
 * recording the randomness the pass draws.
 * @throws {Error} there is no trainable variable.
 * @throws {TypeError} `f` does not return a float32 scalar.
 */
export function recordGradients(owner: string, f: () => tf.Scalar, varList?: tf.Variable[]): RecordedGradients {
  const candidates = varList ?? Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
  if (candidates.length === 0) throw new Error(`${owner}: there are no trainable variables to optimize.`);
  const {
    result: { value, grads },
    tape,
  } = recordRandom(() => tf.variableGrads(() => assertScalarLoss(owner, f()), candidates));
  const variables = candidates.filter((v) => grads[v.name] != null);
  return { value, variables, gradients: variables.map((v) => grads[v.name]), tape };
}

/** Disposes the gradients of a {@link RecordedGradients}. */
export function disposeGradients(r: RecordedGradients): void {
  tf.dispose(r.gradients);
}

/** The loss of `f` at the current weights, leaving no trace (see the module comment). */
export function probeLoss(
  owner: string,
  f: () => tf.Scalar,
  own: ReadonlySet<tf.Variable>,
  tape: readonly number[],
): number {
  return tf.tidy(() =>
    withoutSideEffects(own, () =>
      withoutMetrics(() => replayRandom(tape, () => assertScalarLoss(owner, f()).dataSync()[0])),
    ),
  );
}

/**
 * Losses L(w + x·D) of `f` at each offset x, each measured by {@link probeLoss}; the weights are
 * restored bit-exactly afterwards, also when `f` throws. `lossAtZero`, when given, is used for
 * x = 0 instead of a forward pass (the training pass already measured it).
 */
export function lossesAlong(
  owner: string,
  f: () => tf.Scalar,
  variables: readonly tf.Variable[],
  directions: readonly tf.Tensor[],
  offsets: readonly number[],
  tape: readonly number[],
  lossAtZero: number | null,
): number[] {
  const own = new Set(variables);
  const origin = snapshot(variables);
  try {
    return offsets.map((x) => {
      if (x === 0 && lossAtZero !== null) return lossAtZero;
      assignAlong(variables, origin, directions, x);
      return probeLoss(owner, f, own, tape);
    });
  } finally {
    restore(variables, origin);
  }
}

/**
 * The loss and whether it and every gradient are finite, in one readback on the common path:
 * Σ sum(g) is finite only if every entry is, so a finite sum settles it with one reduction per
 * gradient. A non-finite sum is either a non-finite entry or a float32 overflow of finite
 * entries; only then is the exact test Σ sum(0·g) (0 when all are finite, NaN otherwise) read
 * back as well. With `value` null the loss is NaN and only the gradients are checked.
 */
export function readLoss(value: tf.Scalar | null, gradients: readonly tf.Tensor[]): { loss: number; finite: boolean } {
  const sumOf = (parts: tf.Tensor[]) => (parts.length > 0 ? tf.addN(parts) : tf.scalar(0));
  const both = tf.tidy(() => tf.stack([value ?? tf.scalar(0), sumOf(gradients.map((g) => tf.sum(g)))]));
  const [loss, sum] = both.dataSync() as Float32Array;
  both.dispose();
  let check = sum;
  if (!Number.isFinite(sum)) {
    const exact = tf.tidy(() => sumOf(gradients.map((g) => tf.sum(tf.mul(g, 0)))));
    check = exact.dataSync()[0];
    exact.dispose();
  }
  return { loss: value ? loss : NaN, finite: Number.isFinite(value ? loss : 0) && Number.isFinite(check) };
}
