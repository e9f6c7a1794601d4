import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import * as tf from '@tensorflow/tfjs-core';
import { ConfiguredOptimizer } from '../tfjs/configured.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { resolveGradients } from '../tfjs/directional.js';
import { Slot } from '../tfjs/slots.js';
import { guardedStep } from './guarded-step.js';
import { copySlot, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link ScheduleFreeAdamW}; every field optional. */
export interface ScheduleFreeAdamWOptions {
  /** Learning rate γ: still needed (1–10× your AdamW learning rate). Default 0.0025. */
  lr: number;
  /** Interpolation β between z and x for the gradient point y (0 < β < 1). Default 0.9. */
  beta1: number;
  /** Decay of the second moment. Default 0.999. */
  beta2: number;
  /** Added to √v. Default 1e-8. */
  epsilon: number;
  /** Weight decay λ, taken at y. Default 0. */
  weightDecay: number;
  /** Linear learning-rate warm-up over this many steps (0: none). Default 0. */
  warmupSteps: number;
  /** Polynomial weighting (k+1)^r of the iterates in the average. Default 0. */
  r: number;
  /** Iterate weights also scale as lr_max^weightLrPower (de-weights warm-up). Default 2. */
  weightLrPower: number;
}

/** Defaults of {@link ScheduleFreeAdamWOptions} (the official implementation's). */
export const SCHEDULE_FREE_ADAMW_DEFAULTS: Readonly<ScheduleFreeAdamWOptions> = Object.freeze({
  lr: 0.0025,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  warmupSteps: 0,
  r: 0,
  weightLrPower: 2,
});

const SCHEDULE_FREE_ADAMW_RULES: { readonly [K in keyof ScheduleFreeAdamWOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  // β₁ = 0 would make x unrecoverable from y and z (x = (y − (1 − β₁)z)/β₁).
  beta1: { kind: 'number', min: 0, max: 1, minExclusive: true, maxExclusive: true },
  beta2: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  epsilon: { kind: 'number', min: 0, minExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  warmupSteps: { kind: 'number', min: 0, integer: true },
  r: { kind: 'number', min: 0 },
  weightLrPower: { kind: 'number', min: 0 },
};

/**
 * Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled", NeurIPS 2024; official code
 * facebookresearch/schedule_free, `AdamWScheduleFree`). Three sequences: gradients are taken at
 * y, z takes the AdamW-normalised steps, x is a weighted average of the z's:
 *
 *     γₖ = lr·min(1, (k+1)/warmupSteps)·√(1 − β₂ᵏ⁺¹),   γ_max = max over steps of γₖ,
 *     wₖ = (k+1)^r·γ_max^weightLrPower,   cₖ₊₁ = wₖ/Σwᵢ,
 *     v ← β₂v + (1 − β₂)g²,   ĝ = g/(√v + ε) + λ·y,
 *     z ← z − γₖĝ,   x ← (1 − cₖ₊₁)x + cₖ₊₁z,   y = (1 − β₁)z + β₁x.
 *
 * The variables hold y while training (x is not stored: x = (y − (1 − β₁)z)/β₁). Call
 * {@link ScheduleFreeAdamW.eval} before evaluating or saving the model (the variables then hold x)
 * and {@link ScheduleFreeAdamW.train} before training again; stepping in eval mode throws.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class ScheduleFreeAdamW extends ConfiguredOptimizer<ScheduleFreeAdamWOptions> {
  static get className(): string {
    return 'ScheduleFreeAdamW';
  }

  private readonly z = new Slot('z');
  private readonly v = new Slot('v');
  private k = 0;
  private lrMax = -1;
  private weightSum = 0;
  private training = true;
  private lastLr = 0;
  private lastWeight = 0;
  private tracked: tf.Variable[] = [];
  private skipped = 0;

  constructor(options: Partial<ScheduleFreeAdamWOptions> = {}) {
    super(resolveOptions('ScheduleFreeAdamW', options, SCHEDULE_FREE_ADAMW_DEFAULTS, SCHEDULE_FREE_ADAMW_RULES));
  }

  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE] = 'ScheduleFreeAdamW';

  /** The step size γₖ of the last step (warm-up and bias correction included). */
  get appliedStepSize(): number {
    return this.lastLr;
  }

  /** The averaging weight cₖ₊₁ of the last step. */
  get averagingWeight(): number {
    return this.lastWeight;
  }

  /** 'train' (variables hold y) or 'eval' (variables hold x). */
  get mode(): 'train' | 'eval' {
    return this.training ? 'train' : 'eval';
  }

  /**
   * Switches the variables to x, the point to evaluate and save. Idempotent. `variables`
   * defaults to those of the last step, in the same order (pass them after setWeights).
   */
  eval(variables: tf.Variable[] = this.tracked): void {
    if (!this.training) return;
    // x = y + (1 − 1/β₁)(z − y)
    this.lerpToZ(variables, 1 - 1 / this.options.beta1);
    this.training = false;
  }

  /** Switches the variables back to y, the point where gradients are taken. Idempotent. */
  train(variables: tf.Variable[] = this.tracked): void {
    if (this.training) return;
    // y = x + (1 − β₁)(z − x)
    this.lerpToZ(variables, 1 - this.options.beta1);
    this.training = true;
  }

  private lerpToZ(variables: tf.Variable[], t: number): void {
    const zs = this.z.named();
    if (zs.length === 0) return; // no step yet: y = x = z
    if (variables.length !== zs.length) {
      throw new Error(
        `ScheduleFreeAdamW: expected the ${zs.length} variables it trains, in the same order; got ${variables.length}.`,
      );
    }
    tf.tidy(() => variables.forEach((w, i) => w.assign(tf.add(w, tf.mul(tf.sub(zs[i].tensor, w), t)))));
  }

  /** Steps skipped because the gradient or the new weights were not finite (nothing of them is kept). */
  get skippedSteps(): number {
    return this.skipped;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.assertLive('applyGradients');
    if (!this.training) {
      throw new Error(
        'ScheduleFreeAdamW: not in train mode (the variables hold the evaluation point x); call opt.train() before stepping.',
      );
    }
    const { variables, gradients } = resolveGradients('ScheduleFreeAdamW', variableGradients);
    if (!guardedStep(this, variables, gradients, null, () => this.step(variables, gradients))) this.skipped += 1;
  }

  private step(variables: tf.Variable[], gradients: tf.Tensor[]): void {
    const { lr, beta1, beta2, epsilon, weightDecay, warmupSteps, r, weightLrPower } = this.options;
    const k = this.k;
    const sched = k < warmupSteps ? (k + 1) / warmupSteps : 1;
    const gamma = lr * sched * Math.sqrt(1 - beta2 ** (k + 1));
    this.lrMax = Math.max(gamma, this.lrMax);
    const weight = (k + 1) ** r * this.lrMax ** weightLrPower;
    this.weightSum += weight;
    const c = this.weightSum === 0 ? 0 : weight / this.weightSum;
    tf.tidy(() =>
      variables.forEach((y, i) => {
        const z = copySlot(this.z, i, y);
        const v = this.v.get(i, y);
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradients[i]), 1 - beta2));
        v.assign(vNew);
        let gHat = tf.div(gradients[i], tf.add(tf.sqrt(vNew), epsilon));
        if (weightDecay > 0) gHat = tf.add(gHat, tf.mul(y, weightDecay));
        // y ← y + c(z − y) + γ(β₁(1 − c) − 1)ĝ: the new y without forming x.
        const yNew = tf.add(tf.add(y, tf.mul(tf.sub(z, y), c)), tf.mul(gHat, gamma * (beta1 * (1 - c) - 1)));
        z.assign(tf.sub(z, tf.mul(gHat, gamma)));
        y.assign(yNew);
      }),
    );
    this.tracked = variables;
    this.lastLr = gamma;
    this.lastWeight = c;
    this.k += 1;
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry('ScheduleFreeAdamW', [
        this.k,
        this.lrMax,
        this.weightSum,
        this.training ? 1 : 0,
        this.lastLr,
        this.lastWeight,
      ]),
      ...this.z.named(),
      ...this.v.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('ScheduleFreeAdamW', weightValues, {
      slots: ['z', 'v'],
      nonNegative: ['v'],
      state: { name: 'ScheduleFreeAdamW/state', length: 6 },
    });
    const rest = await this.extractIterations(weightValues);
    const [k, lrMax, weightSum, training, lastLr, lastWeight] = readStateEntry('ScheduleFreeAdamW', rest, 6);
    Object.assign(this, { k, lrMax, weightSum, training: training === 1, lastLr, lastWeight });
    this.z.restore(slotEntries(rest, 'z'));
    this.v.restore(slotEntries(rest, 'v'));
    this.tracked = [];
  }

  override dispose(): void {
    this.z.dispose();
    this.v.dispose();
    super.dispose();
  }
}
