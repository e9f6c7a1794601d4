import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import * as tf from '@tensorflow/tfjs-core';
import { plusDecay } from '../tfjs/params.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { DirectionalOptimizer, resolveGradients } from '../tfjs/directional.js';
import { Slot } from '../tfjs/slots.js';
import { PolynomialAverager } from '../tfjs/polynomial-averager.js';
import { copySlot, readScalars, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link DoG} and {@link LDoG}; every field optional. */
export interface DoGOptions {
  /** Multiplier c on the step size (the authors advise keeping 1). Default 1. */
  lr: number;
  /** r_ε relative to 1 + ‖x₀‖ (first step's distance); 1e-4 with BatchNorm. Default 1e-6. */
  repsRel: number;
  /** Coupled weight decay λ: λx is added to the gradient. Default 0. */
  weightDecay: number;
  /** Added to the sum of squared gradient norms. Default 1e-8. */
  epsilon: number;
  /** γ of the polynomial-decay iterate average. Default 8. */
  averageGamma: number;
}

/** Defaults of {@link DoGOptions} (the official implementation's; γ = 8 as in its averager). */
export const DOG_DEFAULTS: Readonly<DoGOptions> = Object.freeze({
  lr: 1,
  repsRel: 1e-6,
  weightDecay: 0,
  epsilon: 1e-8,
  averageGamma: 8,
});

const DOG_RULES: { readonly [K in keyof DoGOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  repsRel: { kind: 'number', min: 0, minExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  epsilon: { kind: 'number', min: 0, minExclusive: true },
  averageGamma: { kind: 'number', min: 0 },
};

/**
 * DoG and L-DoG's shared machinery (Ivgi, Hinder & Carmon, "DoG is SGD's Best Friend",
 * ICML 2023): per block (all weights for DoG, each tensor for L-DoG), the step size is the
 * largest distance travelled from x₀ over the root of the summed squared gradient norms. The
 * iterate average that the method needs is kept here ({@link averagedWeights},
 * {@link swapToAverage}/{@link swapBack}); it is updated by `applyGradients` (so by `minimize`
 * and `model.fit`), not when GeN calls `computeDirection` directly.
 */
export abstract class DoGBase extends DirectionalOptimizer<DoGOptions> {
  private readonly x0 = new Slot('x0');
  private readonly averager: PolynomialAverager;
  private k = 0;
  private rbar: number[] = [];
  private gsum: number[] = [];
  private etas: number[] = [];

  /** Whether each tensor is its own block (L-DoG) or all are one (DoG). */
  protected abstract get layerwise(): boolean;

  constructor(owner: string, options: Partial<DoGOptions>) {
    super(resolveOptions(owner, options, DOG_DEFAULTS, DOG_RULES));
    this.averager = new PolynomialAverager(owner, this.options.averageGamma);
  }

  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE]: string = this.getClassName();

  protected get directionScale(): number {
    return this.options.lr;
  }

  /** The step size η applied to the gradient (for LDoG, with one η per layer: their median). */
  override get appliedStepSize(): number {
    if (this.etas.length === 0) return 0;
    const s = [...this.etas].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }

  /** The step sizes ηₖ = lr·r̄ₖ/√Gₖ of the last step, one per block (one for DoG). */
  get stepSizes(): number[] {
    return [...this.etas];
  }

  /** The distances r̄ per block. */
  get distances(): number[] {
    return [...this.rbar];
  }

  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
    const { lr, repsRel, weightDecay, epsilon } = this.options;
    const first = this.k === 0;
    // Per variable: ‖g‖² (g with λx), and ‖x‖² on the first step or ‖x − x₀‖² after.
    const sums = readScalars(() =>
      variables.flatMap((w, i) => {
        const g = plusDecay(gradients[i], w, weightDecay);
        const x0 = copySlot(this.x0, i, w);
        return [tf.sum(tf.square(g)), tf.sum(tf.square(first ? w : tf.sub(w, x0)))] as tf.Scalar[];
      }),
    );
    const blocks = this.layerwise ? variables.map((_, i) => [i]) : [variables.map((_, i) => i)];
    blocks.forEach((block, b) => {
      const g2 = block.reduce((acc, i) => acc + sums[2 * i], 0);
      const dist = Math.sqrt(block.reduce((acc, i) => acc + sums[2 * i + 1], 0));
      if (first) {
        this.rbar[b] = repsRel * (1 + dist);
        this.gsum[b] = g2 + epsilon;
      } else {
        this.rbar[b] = Math.max(this.rbar[b], dist);
        this.gsum[b] += g2;
      }
    });
    this.etas = blocks.map((_, b) => (lr * this.rbar[b]) / Math.sqrt(this.gsum[b]));
    const scale = variables.map(
      (_, i) => this.rbar[this.layerwise ? i : 0] / Math.sqrt(this.gsum[this.layerwise ? i : 0]),
    );
    this.k += 1;
    this.incrementIterations();
    return tf.tidy(() =>
      variables.map((w, i) => {
        const g = plusDecay(gradients[i], w, weightDecay);
        return tf.keep(tf.mul(g, -scale[i]));
      }),
    );
  }

  /** One DoG step w ← w − η·g, then the iterate average is updated. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (this.averager.swapped) {
      throw new Error(
        `${this.getClassName()}: the variables hold the averaged weights; call train() (or swapBack()) before training.`,
      );
    }
    super.applyGradients(variableGradients);
    this.averager.update(resolveGradients(this.getClassName(), variableGradients).variables);
  }

  /** Copies of the polynomially averaged weights, in the variables' order (the caller disposes them). */
  averagedWeights(): tf.Tensor[] {
    return this.averager.averagedWeights();
  }

  /**
   * Puts the averaged weights into the variables (for evaluation); `variables` defaults to those
   * of the last step, in the same order. Undo with {@link swapBack} before training again.
   */
  swapToAverage(variables?: tf.Variable[]): void {
    this.averager.swapToAverage(variables);
  }

  /** Restores the trained weights replaced by {@link swapToAverage}. */
  swapBack(): void {
    this.averager.swapBack();
  }

  /** 'eval' while the variables hold the average, else 'train'. */
  get mode(): 'train' | 'eval' {
    return this.averager.swapped ? 'eval' : 'train';
  }

  /**
   * DoG's authors evaluate it at its iterate average: this puts the average into the variables, as
   * {@link swapToAverage} does, once a step has been taken; calling it again changes nothing. It is the
   * eval/train interface of the Schedule-Free peers and GeN, so a loop that calls `eval()` before evaluating
   * and `train()` after evaluates every method at the point it is meant to be evaluated at.
   * @returns whether the variables now hold the average (false before the first step).
   */
  eval(variables?: tf.Variable[]): boolean {
    if (this.averager.swapped) return true;
    if (this.averager.named().length === 0) return false;
    this.averager.swapToAverage(variables);
    return true;
  }

  /** Puts the trained weights back after {@link eval}; in train mode it changes nothing. */
  train(): void {
    if (this.averager.swapped) this.averager.swapBack();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry(this.getClassName(), [
        this.k,
        this.averager.t,
        this.rbar.length,
        ...this.rbar,
        ...this.gsum,
        ...this.etas,
      ]),
      ...this.x0.named(),
      ...this.averager.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored(this.getClassName(), weightValues, {
      slots: ['x0', 'average'],
      state: { name: `${this.getClassName()}/state`, length: 3 },
    });
    const rest = await this.extractIterations(weightValues);
    const state = readStateEntry(this.getClassName(), rest, 3);
    const [k, t, n] = state;
    this.k = k;
    this.rbar = state.slice(3, 3 + n);
    this.gsum = state.slice(3 + n, 3 + 2 * n);
    this.etas = state.slice(3 + 2 * n, 3 + 3 * n);
    this.x0.restore(slotEntries(rest, 'x0'));
    this.averager.restore(slotEntries(rest, 'average'), t);
  }

  override dispose(): void {
    this.x0.dispose();
    this.averager.dispose();
    super.dispose();
  }
}
