import type { NamedTensor } from './types.js';
import * as tf from '@tensorflow/tfjs-core';
import { ConfiguredOptimizer } from './configured.js';
import { addScaled } from './params.js';
import { readLoss } from './probe.js';
import { StateSnapshot } from './state-snapshot.js';

/**
 * An optimizer that can state its step as a direction without applying it: for weights w and
 * learning rate lr it would move to w + lr·D. GeN uses D directly (exact, no subtraction of
 * weights), other optimizers go through {@link baseDirection}'s generic path.
 */
export interface DirectionProvider {
  /**
   * Advances the optimizer's state by exactly one step for these gradients and returns the
   * direction D per unit learning rate (one tensor per variable; the caller disposes them).
   * The variables are not changed.
   */
  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[];
}

/** Whether `o` implements {@link DirectionProvider}. */
export function providesDirection(o: unknown): o is DirectionProvider {
  return typeof (o as Partial<DirectionProvider>)?.computeDirection === 'function';
}

/** Looks up the registered variables behind a gradient map or list, in its order. */
export function resolveGradients(
  owner: string,
  variableGradients: tf.NamedTensorMap | NamedTensor[],
): { variables: tf.Variable[]; gradients: tf.Tensor[] } {
  const list = Array.isArray(variableGradients)
    ? variableGradients
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
  const registry = tf.engine().registeredVariables;
  const variables = list.map(({ name }) => {
    const v = registry[name];
    if (v == null) throw new Error(`${owner}: no registered variable named '${name}' for this gradient.`);
    return v;
  });
  return { variables, gradients: list.map((g) => g.tensor) };
}

/**
 * Base class of this library's own optimizers: the update rule is written once, as a direction
 * D per unit learning rate, and `applyGradients` steps w ← w + s·D with s = `directionScale`,
 * through the guarded update (a non-finite result is never written; see `skippedSteps`).
 */
export abstract class DirectionalOptimizer<O extends object = Record<string, never>>
  extends ConfiguredOptimizer<O>
  implements DirectionProvider
{
  private lastScale = NaN;
  private skipped = 0;

  constructor(options: Readonly<O> = {} as O) {
    super(options);
  }

  /** The multiplier s of D that `applyGradients` uses for the coming step (GeN ignores it and chooses its own). */
  protected abstract get directionScale(): number;

  /**
   * The step size applied at the last step, in the units of the method's base direction (for
   * this class: the s of w ← w + s·D; before the first step, the one the first step will use).
   * Every optimizer of the library has this getter, so that tables and plots read one number.
   */
  get appliedStepSize(): number {
    return Number.isNaN(this.lastScale) ? this.directionScale : this.lastScale;
  }

  /** Steps whose update was not finite (NaN or overflow) and so was not written. */
  get skippedSteps(): number {
    return this.skipped;
  }

  abstract computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[];

  /**
   * One step w ← w + s·D. A gradient that is not finite (or whose square overflows float32) is
   * not fed to the state at all; an update that is not finite is not written and the state the
   * step advanced (moments, counters, distance estimates) is put back, so one bad batch leaves no
   * NaN or ∞ behind to poison the later steps. Both count in `skippedSteps`.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.assertLive('applyGradients');
    const { variables, gradients } = resolveGradients(this.getClassName(), variableGradients);
    if (!readLoss(null, gradients).finite) {
      this.skipped += 1;
      return;
    }
    const before = StateSnapshot.capture([this]);
    let directions: tf.Tensor[];
    try {
      directions = this.computeDirection(variables, gradients);
    } catch (e) {
      before.restore();
      throw e;
    }
    const scale = this.directionScale;
    if (addScaled(variables, directions, scale)) {
      this.lastScale = scale;
      before.release();
    } else {
      this.skipped += 1;
      before.restore();
    }
    tf.dispose(directions);
  }
}
