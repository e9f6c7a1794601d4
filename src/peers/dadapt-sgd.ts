import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import * as tf from '@tensorflow/tfjs-core';
import { plusDecay } from '../tfjs/params.js';
import { ConfiguredOptimizer } from '../tfjs/configured.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { resolveGradients } from '../tfjs/directional.js';
import { Slot } from '../tfjs/slots.js';
import { guardedStep } from './guarded-step.js';
import { copySlot, readScalars, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link DAdaptSGD}; every field optional. */
export interface DAdaptSGDOptions {
  /** Multiplier on the adapted step d (keep 1 and use your usual schedule). Default 1. */
  lr: number;
  /** Momentum μ of the primal averaging x ← μx + (1 − μ)z (0: plain dual averaging). Default 0. */
  momentum: number;
  /** Coupled weight decay λ: λx is added to the gradient. Default 0. */
  weightDecay: number;
  /** Initial d. Default 1e-6. */
  d0: number;
  /** Cap on d's growth per step. Default Infinity. */
  growthRate: number;
}

/** Defaults of {@link DAdaptSGDOptions} (the official implementation's, with lr 1 as its README advises). */
export const DADAPT_SGD_DEFAULTS: Readonly<DAdaptSGDOptions> = Object.freeze({
  lr: 1,
  momentum: 0,
  weightDecay: 0,
  d0: 1e-6,
  growthRate: Infinity,
});

const DADAPT_SGD_RULES: { readonly [K in keyof DAdaptSGDOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  momentum: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  d0: { kind: 'number', min: 0, minExclusive: true },
  growthRate: { kind: 'number', min: 1, allowInfinity: true },
};

/**
 * D-Adapted SGD (Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation",
 * ICML 2023; official code facebookresearch/dadaptation `DAdaptSGD`), dual averaging with
 * λₖ = dₖ·lr/‖g₀‖:
 *
 *     r ← r + λₖ·⟨g, s⟩,   s ← s + λₖ·g,   d̂ = 2r/‖s‖₂,   dₖ₊₁ = max(dₖ, min(d̂, dₖ·growthRate)),
 *     z = x₀ − s,   x ← μx + (1 − μ)z.
 *
 * Not an lr·D update (x is pulled towards x₀ − s), so it extends tf.Optimizer directly; z is
 * not stored since it is x₀ − s. Diagnostics: {@link DAdaptSGD.d}.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class DAdaptSGD extends ConfiguredOptimizer<DAdaptSGDOptions> {
  static get className(): string {
    return 'DAdaptSGD';
  }

  private readonly s = new Slot('s');
  private readonly x0 = new Slot('x0');
  private k = 0;
  private dCur: number;
  private numerator = 0;
  private g0Norm = 0;
  private dHatLast: number;
  private skipped = 0;

  constructor(options: Partial<DAdaptSGDOptions> = {}) {
    super(resolveOptions('DAdaptSGD', options, DADAPT_SGD_DEFAULTS, DADAPT_SGD_RULES));
    this.dCur = this.options.d0;
    this.dHatLast = this.options.d0;
  }

  /** The current distance estimate d. */
  get d(): number {
    return this.dCur;
  }

  /** The last raw estimate d̂ = 2r/‖s‖. */
  get dHat(): number {
    return this.dHatLast;
  }

  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE] = 'DAdaptSGD';

  /** The step size λ = d·lr/‖g₀‖ applied to the gradient (0 before the first step). */
  get appliedStepSize(): number {
    return this.g0Norm > 0 ? (this.dCur * this.options.lr) / this.g0Norm : 0;
  }

  /** Steps skipped because the gradient or the new weights were not finite (nothing of them is kept). */
  get skippedSteps(): number {
    return this.skipped;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.assertLive('applyGradients');
    const { variables, gradients } = resolveGradients('DAdaptSGD', variableGradients);
    if (!guardedStep(this, variables, gradients, null, () => this.step(variables, gradients))) this.skipped += 1;
  }

  private step(variables: tf.Variable[], gradients: tf.Tensor[]): void {
    const { lr, momentum, weightDecay, growthRate } = this.options;
    this.incrementIterations();
    const grads = tf.tidy(() =>
      variables.map((w, i) =>
        tf.keep(weightDecay > 0 ? plusDecay(gradients[i], w, weightDecay) : tf.clone(gradients[i])),
      ),
    );
    try {
      if (this.k === 0) {
        const gSq = readScalars(() => grads.map((g) => tf.sum(tf.square(g)))).reduce((a, b) => a + b, 0);
        // A zero first gradient gives no scale (the reference would divide by zero): wait for one.
        if (gSq === 0) return;
        this.g0Norm = Math.sqrt(gSq);
      }
      const dlr = (this.dCur * lr) / this.g0Norm;
      const sums = readScalars(() =>
        variables.flatMap((w, i) => {
          copySlot(this.x0, i, w);
          const s = this.s.get(i, w);
          const dot = tf.sum(tf.mul(grads[i], s));
          const sNew = tf.add(s, tf.mul(grads[i], dlr));
          s.assign(sNew);
          return [dot, tf.sum(tf.square(sNew))] as tf.Scalar[];
        }),
      );
      let numerator = this.numerator;
      let skSq = 0;
      for (let i = 0; i < variables.length; i++) {
        numerator += dlr * sums[2 * i];
        skSq += sums[2 * i + 1];
      }
      if (skSq === 0) return;
      this.dHatLast = (2 * numerator) / Math.sqrt(skSq);
      this.dCur = Math.max(this.dCur, Math.min(this.dHatLast, this.dCur * growthRate));
      this.numerator = numerator;
      this.k += 1;
      tf.tidy(() =>
        variables.forEach((w, i) => {
          const z = tf.sub(this.x0.get(i, w), this.s.get(i, w));
          w.assign(momentum > 0 ? tf.add(tf.mul(w, momentum), tf.mul(z, 1 - momentum)) : z);
        }),
      );
    } finally {
      tf.dispose(grads);
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry('DAdaptSGD', [this.k, this.dCur, this.numerator, this.g0Norm, this.dHatLast]),
      ...this.s.named(),
      ...this.x0.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('DAdaptSGD', weightValues, {
      slots: ['s', 'x0'],
      slotsAfterFirstStep: false, // a zero first gradient is waited out without slots
      state: { name: 'DAdaptSGD/state', length: 5 },
    });
    const rest = await this.extractIterations(weightValues);
    [this.k, this.dCur, this.numerator, this.g0Norm, this.dHatLast] = readStateEntry('DAdaptSGD', rest, 5);
    this.s.restore(slotEntries(rest, 's'));
    this.x0.restore(slotEntries(rest, 'x0'));
  }

  override dispose(): void {
    this.s.dispose();
    this.x0.dispose();
    super.dispose();
  }
}
