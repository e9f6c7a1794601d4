import * as tf from '@tensorflow/tfjs-core';
import { averageWeight } from '../core/average.js';
import type { NamedTensor } from './types.js';
import { restore, snapshot } from './params.js';
import { Slot } from './slots.js';

/**
 * Polynomial-decay iterate averaging (Shamir & Zhang 2013), as DoG's authors use it
 * (formll/dog `PolynomialDecayAverager`) and GeN's `iterateAverage`: after the t-th step (t = 1, 2, …)
 *
 *     x̄ₜ = (1 − cₜ)·x̄ₜ₋₁ + cₜ·xₜ,    cₜ = (γ+1)/(t+γ)    (core `averageWeight`),
 *
 * so x̄₁ = x₁ and later iterates weigh polynomially more. Also swaps the averaged point into
 * the variables for evaluation and back.
 */
export class PolynomialAverager {
  private readonly average = new Slot('average');
  /** Index of the next averaging step (1 before the first). */
  t = 1;
  private tracked: tf.Variable[] = [];
  private saved: tf.Tensor[] | null = null;

  constructor(
    private readonly owner: string,
    private readonly gamma: number,
  ) {}

  /** Whether the variables currently hold the average. */
  get swapped(): boolean {
    return this.saved !== null;
  }

  /**
   * Refuses variables the average cannot fold (before a step writes anything).
   * @throws {Error} their count or a shape differs from the averaged ones'.
   */
  assertFits(variables: readonly tf.Variable[]): void {
    const avg = this.average.named();
    if (avg.length === 0) return;
    const bad =
      variables.length !== avg.length
        ? -1
        : variables.findIndex((v, i) => !tf.util.arraysEqual(v.shape, avg[i].tensor.shape));
    if (variables.length === avg.length && bad < 0) return;
    const shapes = (ts: readonly { shape: number[] }[]) => ts.map((t) => `[${t.shape}]`).join(', ');
    throw new Error(
      `${this.owner}: the iterate average holds shapes ${shapes(avg.map((e) => e.tensor))}, but this step's variables have ` +
        `shapes ${shapes(variables)}: step the variables it averages, in the same order.`,
    );
  }

  /** Folds the variables' current values into the average. */
  update(variables: tf.Variable[]): void {
    const a = averageWeight(this.t, this.gamma);
    tf.tidy(() =>
      variables.forEach((w, i) => {
        const avg = this.average.get(i, w);
        avg.assign(tf.add(tf.mul(avg, 1 - a), tf.mul(w, a)));
      }),
    );
    this.tracked = variables;
    this.t += 1;
  }

  /** Copies of the averaged weights, in the variables' order (the caller disposes them). */
  averagedWeights(): tf.Tensor[] {
    return this.average.named().map((e) => tf.clone(e.tensor));
  }

  /** Puts the averaged weights into the variables, keeping the current ones for {@link swapBack}. */
  swapToAverage(variables: tf.Variable[] = this.tracked): void {
    if (this.saved !== null)
      throw new Error(`${this.owner}: the variables already hold the average; call swapBack() first.`);
    const avg = this.average.named();
    if (avg.length === 0) throw new Error(`${this.owner}: there is no average before the first step.`);
    if (variables.length !== avg.length) {
      throw new Error(
        `${this.owner}: expected the ${avg.length} variables it trains, in the same order; got ${variables.length}.`,
      );
    }
    this.saved = snapshot(variables);
    variables.forEach((v, i) => v.assign(avg[i].tensor));
    this.tracked = variables;
  }

  /** Restores the weights that {@link swapToAverage} replaced. */
  swapBack(): void {
    if (this.saved === null)
      throw new Error(`${this.owner}: the variables do not hold the average; nothing to swap back.`);
    restore(this.tracked, this.saved);
    this.saved = null;
  }

  /** The average as named tensors (the slot variables themselves, for getWeights). */
  named(): NamedTensor[] {
    return this.average.named();
  }

  restore(weights: NamedTensor[], t: number): void {
    this.average.restore(weights);
    this.t = t;
    this.tracked = [];
  }

  dispose(): void {
    if (this.saved !== null) tf.dispose(this.saved);
    this.saved = null;
    this.average.dispose();
  }
}
