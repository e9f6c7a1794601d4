import * as tf from '@tensorflow/tfjs-core';
import { formatValue } from '../core/validate.js';
import { withoutMetrics } from './layers-hook.js';
import { sumOfSquares } from './fused-ops.js';
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
 * The loss and whether it and every gradient are usable, in one readback: Σ sum(g²) is NaN or ∞
 * when a gradient entry is NaN or ±∞, and also when a finite entry is so large that its square
 * overflows float32 (|g| ≳ 1.8e19). Such a gradient counts as not finite: no optimizer can use
 * it (Adam's second moment would become ∞ for good, an SGD step would throw the weights to
 * ~1e35 and end the run), so it must not reach the base. With `value` null the loss is NaN and
 * only the gradients are checked. `gradSquares` is Σ‖g‖² (for GeN's spike detector).
 *
 * With `along` (a direction known before the base step: GeN's held previous direction), the same
 * readback also carries the gradient's slope along it, a_g = −Σ g·D ({@link gradientSlopeAlong}),
 * so a refit that takes the gradient's slope reads back nothing beyond its probes; NaN without.
 */
export function readLoss(
  value: tf.Scalar | null,
  gradients: readonly tf.Tensor[],
  along: readonly tf.Tensor[] | null = null,
): { loss: number; finite: boolean; gradSquares: number; gradientSlope: number } {
  const all = tf.tidy(() => {
    const squares = gradients.map((g) => sumOfSquares(g));
    const check = squares.length > 0 ? tf.addN(squares) : tf.scalar(0);
    const read: tf.Tensor[] = [value ?? tf.scalar(0), check];
    if (along !== null) read.push(dotAlong(gradients, along));
    return tf.stack(read);
  });
  const [loss, check, dot] = all.dataSync() as Float32Array;
  all.dispose();
  return {
    loss: value ? loss : NaN,
    finite: Number.isFinite(value ? loss : 0) && Number.isFinite(check),
    gradSquares: check,
    gradientSlope: along !== null ? -dot : NaN,
  };
}

/** Σ g·D over the variables, as a scalar tensor (call inside a tidy). */
const dotAlong = (gradients: readonly tf.Tensor[], directions: readonly tf.Tensor[]) =>
  gradients.length > 0 ? tf.addN(gradients.map((g, i) => tf.sum(tf.mul(g, directions[i])))) : tf.scalar(0);

/**
 * The directional derivative of the loss along D from its gradients at the same weights, in the fit's convention:
 * a_g = −Σ g·D (L(w + x·D) ≈ l₀ − a·x + …, so a = a_g on a parabola), in one readback. `slopeCheck` compares the
 * fitted slope with it (src/core/controller.ts, `slopeAgrees`).
 */
export function gradientSlopeAlong(gradients: readonly tf.Tensor[], directions: readonly tf.Tensor[]): number {
  const dot = tf.tidy(() => dotAlong(gradients, directions));
  const value = dot.dataSync()[0];
  dot.dispose();
  return -value;
}
