import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import * as tf from '@tensorflow/tfjs-core';
import { plusDecay } from '../tfjs/params.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { DistanceEstimator } from './distance-estimator.js';
import { Slot } from '../tfjs/slots.js';
import { readScalars, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link DAdaptAdam}; every field optional. */
export interface DAdaptAdamOptions {
  /** Multiplier on the adapted step d (keep 1 and use your usual schedule). Default 1. */
  lr: number;
  /** Decay of the first moment. Default 0.9. */
  beta1: number;
  /** Decay of the second moment (√beta2 decays s and r). Default 0.999. */
  beta2: number;
  /** Added to √v. Default 1e-8. */
  epsilon: number;
  /** Weight decay λ: an L2 term in the gradient, or decoupled if `decouple`. Default 0. */
  weightDecay: number;
  /** AdamW-style decoupled weight decay instead of L2. Default false. */
  decouple: boolean;
  /** Adam's bias correction folded into the step. Default false. */
  biasCorrection: boolean;
  /** Initial d. Default 1e-6. */
  d0: number;
  /** Cap on d's growth per step. Default Infinity. */
  growthRate: number;
}

/** Defaults of {@link DAdaptAdamOptions} (the official implementation's). */
export const DADAPT_ADAM_DEFAULTS: Readonly<DAdaptAdamOptions> = Object.freeze({
  lr: 1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  decouple: false,
  biasCorrection: false,
  d0: 1e-6,
  growthRate: Infinity,
});

const DADAPT_ADAM_RULES: { readonly [K in keyof DAdaptAdamOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  beta1: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  beta2: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  epsilon: { kind: 'number', min: 0, minExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  decouple: { kind: 'boolean' },
  biasCorrection: { kind: 'boolean' },
  d0: { kind: 'number', min: 0, minExclusive: true },
  growthRate: { kind: 'number', min: 1, allowInfinity: true },
};

/**
 * D-Adapted Adam (Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation",
 * ICML 2023; official code facebookresearch/dadaptation). With λₖ = dₖ·lr·bc (bc as in Adam's
 * bias correction if enabled, else 1) and g including λ_wd·x unless decoupled:
 *
 *     r ← √β₂·r + (1 − √β₂)·λₖ·⟨g, s/(√v + ε)⟩        (s, v before this step's update)
 *     m ← β₁m + (1 − β₁)·λₖ·g,   v ← β₂v + (1 − β₂)·g²,   s ← √β₂·s + (1 − √β₂)·λₖ·g,
 *     d̂ = r/((1 − √β₂)·‖s‖₁),   dₖ₊₁ = max(dₖ, min(d̂, dₖ·growthRate)),
 *     x ← x − m/(√v + ε) − λₖ·λ_wd·x (the last term only if decoupled).
 *
 * The first moment is stored per unit lr (m/lr), so as a {@link DirectionalOptimizer}
 * D = −(m/lr)/(√v + ε) − dₖ·bc·λ_wd·x and w ← w + lr·D. Diagnostics: {@link DAdaptAdam.d}.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class DAdaptAdam extends DistanceEstimator<DAdaptAdamOptions> {
  static get className(): string {
    return 'DAdaptAdam';
  }

  private readonly m = new Slot('m');
  private readonly v = new Slot('v');
  private readonly s = new Slot('s');
  private k = 0;

  constructor(options: Partial<DAdaptAdamOptions> = {}) {
    super(resolveOptions('DAdaptAdam', options, DADAPT_ADAM_DEFAULTS, DADAPT_ADAM_RULES));
  }

  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
    const { lr, beta1, beta2, epsilon, weightDecay, decouple, biasCorrection, growthRate } = this.options;
    const sqrtBeta2 = Math.sqrt(beta2);
    const d = this.dCur;
    const bc = biasCorrection ? Math.sqrt(1 - beta2 ** (this.k + 1)) / (1 - beta1 ** (this.k + 1)) : 1;
    const dlr = d * lr * bc;
    const coupled = weightDecay > 0 && !decouple;
    // Per variable: ⟨g, s/(√v + ε)⟩ with the old s and v, and ‖s_new‖₁.
    const sums = readScalars(() =>
      variables.flatMap((w, i) => {
        const g = plusDecay(gradients[i], w, coupled ? weightDecay : 0);
        const m = this.m.get(i, w);
        const v = this.v.get(i, w);
        const s = this.s.get(i, w);
        const dot = tf.sum(tf.mul(g, tf.div(s, tf.add(tf.sqrt(v), epsilon))));
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, d * bc * (1 - beta1))));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const sNew = tf.add(tf.mul(s, sqrtBeta2), tf.mul(g, dlr * (1 - sqrtBeta2)));
        s.assign(sNew);
        return [dot, tf.sum(tf.abs(sNew))] as tf.Scalar[];
      }),
    );
    let acc = 0;
    let skL1 = 0;
    for (let i = 0; i < variables.length; i++) {
      acc += dlr * sums[2 * i];
      skL1 += sums[2 * i + 1];
    }
    this.incrementIterations();
    // No gradient seen yet (all zero): the reference returns without a step.
    if (skL1 === 0) return variables.map((w) => tf.zerosLike(w));
    this.numerator = sqrtBeta2 * this.numerator + (1 - sqrtBeta2) * acc;
    this.dHatLast = this.numerator / ((1 - sqrtBeta2) * skL1);
    this.dCur = Math.max(d, Math.min(this.dHatLast, d * growthRate));
    this.k += 1;
    return tf.tidy(() =>
      variables.map((w, i) => {
        const adam = tf.div(this.m.get(i, w), tf.add(tf.sqrt(this.v.get(i, w)), epsilon));
        const step = weightDecay > 0 && decouple ? tf.add(adam, tf.mul(w, d * bc * weightDecay)) : adam;
        return tf.keep(tf.neg(step));
      }),
    );
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry('DAdaptAdam', [this.k, this.dCur, this.numerator, this.dHatLast]),
      ...this.m.named(),
      ...this.v.named(),
      ...this.s.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('DAdaptAdam', weightValues, {
      slots: ['m', 'v', 's'],
      nonNegative: ['v'],
      state: { name: 'DAdaptAdam/state', length: 4 },
    });
    const rest = await this.extractIterations(weightValues);
    [this.k, this.dCur, this.numerator, this.dHatLast] = readStateEntry('DAdaptAdam', rest, 4);
    this.m.restore(slotEntries(rest, 'm'));
    this.v.restore(slotEntries(rest, 'v'));
    this.s.restore(slotEntries(rest, 's'));
  }

  override dispose(): void {
    for (const slot of [this.m, this.v, this.s]) slot.dispose();
    super.dispose();
  }
}
