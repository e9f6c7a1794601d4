import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import * as tf from '@tensorflow/tfjs-core';
import { plusDecay } from '../tfjs/params.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { DistanceEstimator } from './distance-estimator.js';
import { Slot } from '../tfjs/slots.js';
import { copySlot, readScalars, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link Prodigy}; every field optional. */
export interface ProdigyOptions {
  /** Multiplier on the estimated step d (keep 1; tune `dCoef` instead). Default 1. */
  lr: number;
  /** Decay of the first moment. Default 0.9. */
  beta1: number;
  /** Decay of the second moment. Default 0.999. */
  beta2: number;
  /** Decay of the d-estimate's numerator r and sum s; null means √beta2. Default null. */
  beta3: number | null;
  /** Added to √v, scaled by d. Default 1e-8. */
  epsilon: number;
  /** Weight decay λ (decoupled unless `decouple` is false). Default 0. */
  weightDecay: number;
  /** Decoupled (AdamW-style) weight decay; false adds λw to the gradient. Default true. */
  decouple: boolean;
  /** Adam's bias correction folded into the step. Default false. */
  biasCorrection: boolean;
  /** Use d instead of d·lr in s, for warm-up schedules and restarts. Default false. */
  safeguardWarmup: boolean;
  /** Initial d; raise to 1e-5…1e-4 if d stays small. Default 1e-6. */
  d0: number;
  /** Multiplier on the d estimate: the knob to turn first (0.5 or 2 also work). Default 1. */
  dCoef: number;
  /** Cap on d's growth per step (e.g. 1.02 acts as a warm-up). Default Infinity. */
  growthRate: number;
}

/** Defaults of {@link ProdigyOptions} (the official implementation's). */
export const PRODIGY_DEFAULTS: Readonly<ProdigyOptions> = Object.freeze({
  lr: 1,
  beta1: 0.9,
  beta2: 0.999,
  beta3: null,
  epsilon: 1e-8,
  weightDecay: 0,
  decouple: true,
  biasCorrection: false,
  safeguardWarmup: false,
  d0: 1e-6,
  dCoef: 1,
  growthRate: Infinity,
});

const PRODIGY_RULES: { readonly [K in keyof ProdigyOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  beta1: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  beta2: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  beta3: { kind: 'number', nullable: true, min: 0, max: 1, maxExclusive: true },
  epsilon: { kind: 'number', min: 0, minExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  decouple: { kind: 'boolean' },
  biasCorrection: { kind: 'boolean' },
  safeguardWarmup: { kind: 'boolean' },
  d0: { kind: 'number', min: 0, minExclusive: true },
  dCoef: { kind: 'number', min: 0, minExclusive: true },
  growthRate: { kind: 'number', min: 1, allowInfinity: true },
};

/**
 * Prodigy (Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
 * ICML 2024; official code konstmish/prodigy), the Adam variant. With λₖ = dₖ·lr·bc
 * (bc = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) with bias correction, else 1):
 *
 *     r ← β₃r + (dₖ/d₀)·λₖ·⟨g, x₀ − x⟩,    s ← β₃s + (dₖ/d₀)·λₖ·g   (dₖ instead of λₖ with safeguardWarmup),
 *     m ← β₁m + (1 − β₁)·dₖ·g,            v ← β₂v + (1 − β₂)·dₖ²·g²,
 *     d̂ = dCoef·r/‖s‖₁,  d_max = max(d_max, d̂),  dₖ₊₁ = min(d_max, dₖ·growthRate),
 *     x ← x − λₖ·m/(√v + dₖ₊₁·ε) − λₖ·λ_wd·x.
 *
 * As a {@link DirectionalOptimizer}: D = −dₖ·bc·(m/(√v + dₖ₊₁ε) + λ_wd·x) and w ← w + lr·D.
 * The scalars (d, d_max, r, step) live on the host in float64 and are saved bit-exactly.
 * Diagnostics: {@link Prodigy.d}, {@link Prodigy.dHat}.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class Prodigy extends DistanceEstimator<ProdigyOptions> {
  static get className(): string {
    return 'Prodigy';
  }

  private readonly m = new Slot('m');
  private readonly v = new Slot('v');
  private readonly s = new Slot('s');
  private readonly x0 = new Slot('x0');
  private k = 0;
  private dMax: number;

  constructor(options: Partial<ProdigyOptions> = {}) {
    super(resolveOptions('Prodigy', options, PRODIGY_DEFAULTS, PRODIGY_RULES));
    this.dMax = this.options.d0;
  }

  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
    const { lr, beta1, beta2, epsilon, weightDecay, decouple, biasCorrection, safeguardWarmup, d0, dCoef, growthRate } =
      this.options;
    const beta3 = this.options.beta3 ?? Math.sqrt(beta2);
    const d = this.dCur;
    const bc = biasCorrection ? Math.sqrt(1 - beta2 ** (this.k + 1)) / (1 - beta1 ** (this.k + 1)) : 1;
    const dlr = d * lr * bc;
    const sCoef = (d / d0) * (safeguardWarmup ? d : dlr);
    const coupled = weightDecay > 0 && !decouple;
    // Per variable: ⟨g, x₀ − x⟩ and ‖s_new‖₁, with the moments updated on the way.
    const sums = readScalars(() =>
      variables.flatMap((w, i) => {
        const g = plusDecay(gradients[i], w, coupled ? weightDecay : 0);
        const x0 = copySlot(this.x0, i, w);
        const m = this.m.get(i, w);
        const v = this.v.get(i, w);
        const s = this.s.get(i, w);
        const dot = tf.sum(tf.mul(g, tf.sub(x0, w)));
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, d * (1 - beta1))));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), d * d * (1 - beta2))));
        const sNew = tf.add(tf.mul(s, beta3), tf.mul(g, sCoef));
        s.assign(sNew);
        return [dot, tf.sum(tf.abs(sNew))] as tf.Scalar[];
      }),
    );
    let numerator = this.numerator * beta3;
    let denom = 0;
    for (let i = 0; i < variables.length; i++) {
      numerator += (d / d0) * dlr * sums[2 * i];
      denom += sums[2 * i + 1];
    }
    this.incrementIterations();
    // No gradient seen yet (all zero): the reference returns without a step.
    if (denom === 0) return variables.map((w) => tf.zerosLike(w));
    const dHat = (dCoef * numerator) / denom;
    let dNew = d;
    if (d === d0) dNew = Math.max(d, dHat);
    this.dMax = Math.max(this.dMax, dHat);
    dNew = Math.min(this.dMax, dNew * growthRate);
    this.numerator = numerator;
    this.dHatLast = dHat;
    this.dCur = dNew;
    this.k += 1;
    return tf.tidy(() =>
      variables.map((w, i) => {
        const m = this.m.get(i, w);
        const v = this.v.get(i, w);
        const adam = tf.div(m, tf.add(tf.sqrt(v), dNew * epsilon));
        const step = plusDecay(adam, w, decouple ? weightDecay : 0);
        return tf.keep(tf.mul(step, -d * bc));
      }),
    );
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry('Prodigy', [this.k, this.dCur, this.dMax, this.numerator, this.dHatLast]),
      ...this.m.named(),
      ...this.v.named(),
      ...this.s.named(),
      ...this.x0.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('Prodigy', weightValues, {
      slots: ['m', 'v', 's', 'x0'],
      nonNegative: ['v'],
      state: { name: 'Prodigy/state', length: 5 },
    });
    const rest = await this.extractIterations(weightValues);
    [this.k, this.dCur, this.dMax, this.numerator, this.dHatLast] = readStateEntry('Prodigy', rest, 5);
    this.m.restore(slotEntries(rest, 'm'));
    this.v.restore(slotEntries(rest, 'v'));
    this.s.restore(slotEntries(rest, 's'));
    this.x0.restore(slotEntries(rest, 'x0'));
  }

  override dispose(): void {
    for (const slot of [this.m, this.v, this.s, this.x0]) slot.dispose();
    super.dispose();
  }
}
