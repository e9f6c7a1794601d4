import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import { disposeGradients, recordGradients } from '../tfjs/probe.js';
import { guardedStep } from './guarded-step.js';
import * as tf from '@tensorflow/tfjs-core';
import { ConfiguredOptimizer } from '../tfjs/configured.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { Slot } from '../tfjs/slots.js';
import { copySlot, readScalars, readStateEntry, slotEntries, stateEntry } from './shared.js';

/** Options of {@link ScheduleFreePlus}; every field optional. */
export interface ScheduleFreePlusOptions {
  /** Multiplier on the Polyak step (the method is meant to run at 1). Default 1. */
  lr: number;
  /** Decay of Adam's first moment m (the inner momentum). Default 0.9. */
  beta1: number;
  /** Decay of Adam's second moment v. Default 0.95. */
  beta2: number;
  /** Schedule-Free interpolation β_sf: y = β̃x + (1 − β̃)z. Default 0.9. */
  sfBeta: number;
  /** Where β̃ ends when annealed (sfBetaAnnealSteps > 0). Default 0.965. */
  sfBetaMax: number;
  /** Steps over which β̃ goes from sfBeta to sfBetaMax, log-linearly in 1 − β̃ (0: no annealing). Default 0. */
  sfBetaAnnealSteps: number;
  /** Added to √v̂. Default 1e-8. */
  epsilon: number;
  /** Decoupled weight decay λ in the AdamC form z ← z − α²λy (values like 20–50, not AdamW's 0.1). Default 0. */
  weightDecay: number;
  /** Polynomial weighting (k+1)^r of the iterates in the average. Default 0. */
  r: number;
  /** Iterate weights also scale as α_max^weightLrPower. Default 2. */
  weightLrPower: number;
  /** EMA decay β_p of the gradient ℓ₁ norm in the Polyak denominator (0: this step's norm). Default 0. */
  polyakBeta: number;
  /** Steps during which the averaging weight c is 1 (x follows z). Default 0. */
  cWarmup: number;
  /** Linear warm-up γ_k = min(1, (k+1)/warmupSteps) of the step (0: none). Default 0. */
  warmupSteps: number;
}

/**
 * Defaults of {@link ScheduleFreePlusOptions}: the official implementation's at commit 70785b5
 * (which fixed cWarmup's default from 0.9 to 0); warmupSteps 0 = no warm-up, as there.
 */
export const SCHEDULE_FREE_PLUS_DEFAULTS: Readonly<ScheduleFreePlusOptions> = Object.freeze({
  lr: 1,
  beta1: 0.9,
  beta2: 0.95,
  sfBeta: 0.9,
  sfBetaMax: 0.965,
  sfBetaAnnealSteps: 0,
  epsilon: 1e-8,
  weightDecay: 0,
  r: 0,
  weightLrPower: 2,
  polyakBeta: 0,
  cWarmup: 0,
  warmupSteps: 0,
});

const unit = { kind: 'number', min: 0, max: 1, maxExclusive: true } as const;
const SCHEDULE_FREE_PLUS_RULES: { readonly [K in keyof ScheduleFreePlusOptions]: OptionRule } = {
  lr: { kind: 'number', min: 0, minExclusive: true },
  beta1: unit,
  beta2: unit,
  // 1 − β̃ is annealed in log space, so β̃ = 1 has no logarithm.
  sfBeta: unit,
  sfBetaMax: unit,
  sfBetaAnnealSteps: { kind: 'number', min: 0, integer: true },
  epsilon: { kind: 'number', min: 0, minExclusive: true },
  weightDecay: { kind: 'number', min: 0 },
  r: { kind: 'number', min: 0 },
  weightLrPower: { kind: 'number', min: 0 },
  polyakBeta: unit,
  cWarmup: { kind: 'number', min: 0, integer: true },
  warmupSteps: { kind: 'number', min: 0, integer: true },
};

/** √(π/2) = E‖g‖₂·√n / E‖g‖₁ for Gaussian g: turns an ℓ₁ norm into an ℓ₂-scale estimate. */
const L1_TO_L2 = Math.sqrt(Math.PI / 2);

/**
 * ScheduleFree+ (A. Defazio, "ScheduleFree+: Scaling Learning-Rate-Free & Schedule-Free Learning
 * to Large Language Models", arXiv 2605.19095, 2026; official code facebookresearch/schedule_free
 * `AdamCScheduleFreePlusPaper`, commit 70785b5, whose defaults these are): Schedule-Free AdamW whose step size is a Polyak
 * step computed from the loss, so there is no learning rate to tune. At step k (from 0), with
 * g = ∇f(y), F = f(y) and x, y, z the Schedule-Free sequences (gradients at y, z takes the
 * steps, x averages the z's):
 *
 *     β̃ = 1 − (1 − β_sf)^(1−p)·(1 − β_sf,max)^p,   p = min(k/T_anneal, 1)   (β̃ = β_sf if T_anneal = 0)
 *     I = β̃·⟨g, z − x⟩
 *     e ← β_p·e + (1 − β_p)·√(π/2)·‖g‖₁,   ê = e/(1 − β_pᵏ⁺¹)   (e starts at 0; see the EMA note below)
 *     α = max(lr·γ_k, ε)·max(0, F + I)/ê                       (γ_k the warm-up factor)
 *     α_max = max(α_max, α)   (α_max starts at ε)
 *     c = 1 if k < cWarmup, else c = w/W with w = (k+1)^r·α_max^weightLrPower, W = Σ w
 *     z ← z − α²·λ·y                                           (AdamC decoupled weight decay)
 *     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *     z ← z − α·(m/(1 − β₁ᵏ⁺¹))/(√(v/(1 − β₂ᵏ⁺¹)) + ε)
 *     x ← (1 − c)x + c·z,   y = β̃x + (1 − β̃)z.
 *
 * Along the Adam direction (about ±1 per coordinate) a step α lowers the linearised loss by
 * about α‖g‖₁, so α = F/(√(π/2)‖g‖₁) is a Polyak step aimed at a loss of 0; I ≈ ⟨g, z − y⟩
 * corrects F for the gradient being taken at y rather than at z. The optimal value is taken as
 * 0, so where the loss cannot get near 0 (regularised objectives, noisy labels) the step is too
 * long; `lr` < 1 shortens it. The norm and the inner product are global (over all variables),
 * as in the reference.
 *
 * The Polyak step needs the loss, so this optimizer overrides `minimize(f)` (one gradient pass,
 * as `model.fit` calls it); `applyGradients` throws. The variables hold y while training; call
 * {@link ScheduleFreePlus.eval} before evaluating or saving the model (the variables then hold
 * x) and {@link ScheduleFreePlus.train} before training again; stepping in eval mode throws.
 *
 * Deviations from the reference, all on purpose:
 * - It starts in train mode (the reference starts in eval mode and throws until `.train()` is
 *   called); before the first step x = y = z, so no value differs.
 * - One parameter group; the state keeps z, x, m, v (y lives in the variables): one copy fewer.
 * - ê = 0 (an all-zero gradient) or a non-finite F + I gives α = 0: the step leaves z alone
 *   (m, v and the average still update). The reference divides by zero (ZeroDivisionError) for
 *   ê = 0, gives α = 0 for NaN (Python's max(0, nan)) and an infinite step for +∞.
 * - The EMA of the norm: the reference writes the bias-corrected ê back into its EMA state
 *   (`group['grad_l1_ema'] = group['grad_l1_ema_corr'] = grad_l1_ema_corr`), so every step
 *   corrects an already corrected value again; its own docstring ("raw and bias-corrected EMA")
 *   and the paper's transcription describe the raw EMA above, which this port keeps. The two
 *   agree at the default β_p = 0. For β_p > 0 the reference's early ê is far larger (with
 *   β_p = 0.9 and a constant norm n: 5.3n at k = 1, 17.8n at k = 2, instead of n), so its early
 *   steps are far smaller.
 * - `warmupSteps` is this library's: the reference has no warm-up option and leaves γ_k to an
 *   external schedule on `lr` (the paper's γ_t); warmupSteps = 0 (the default) is the reference.
 * - The scalars (‖g‖₁, ⟨g, z − x⟩, F) are float32 reductions read back once per step; the
 *   step-size arithmetic is float64 on the host, as the reference does with `.item()`.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class ScheduleFreePlus extends ConfiguredOptimizer<ScheduleFreePlusOptions> {
  static get className(): string {
    return 'ScheduleFreePlus';
  }

  private readonly z = new Slot('z');
  private readonly x = new Slot('x');
  private readonly m = new Slot('m');
  private readonly v = new Slot('v');
  private k = 0;
  private l1Ema = 0;
  private alphaMax: number;
  private weightSum = 0;
  private training = true;
  /** β̃ of the last step: y = β̃x + (1 − β̃)z, needed to rebuild y in train(). */
  private lastBeta: number;
  private lastAlpha = 0;
  private lastWeight = 0;
  private lastNumerator = 0;
  private lastIp = 0;
  private lastL1Corr = 0;
  private tracked: tf.Variable[] = [];
  private skipped = 0;

  /** Steps skipped because the loss, the gradient or the new weights were not finite (nothing of them is kept). */
  get skippedSteps(): number {
    return this.skipped;
  }

  constructor(options: Partial<ScheduleFreePlusOptions> = {}) {
    super(resolveOptions('ScheduleFreePlus', options, SCHEDULE_FREE_PLUS_DEFAULTS, SCHEDULE_FREE_PLUS_RULES));
    this.alphaMax = this.options.epsilon;
    this.lastBeta = this.options.sfBeta;
  }

  /** The step size α actually applied at the last step (lr, warm-up and Polyak step included; 0 before). */
  get appliedStepSize(): number {
    return this.lastAlpha;
  }

  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE] = 'ScheduleFreePlus';

  /** The Polyak numerator max(0, F + I) of the last step. */
  get polyakNumerator(): number {
    return this.lastNumerator;
  }

  /** The correction I = β̃⟨g, z − x⟩ of the last step. */
  get interpolationCorrection(): number {
    return this.lastIp;
  }

  /** The bias-corrected gradient-norm estimate ê (√(π/2)·‖g‖₁ averaged) of the last step. */
  get gradNormEstimate(): number {
    return this.lastL1Corr;
  }

  /** The averaging weight c of the last step. */
  get averagingWeight(): number {
    return this.lastWeight;
  }

  /** The interpolation β̃ of the last step (y = β̃x + (1 − β̃)z). */
  get interpolation(): number {
    return this.lastBeta;
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
    const xs = this.matching(variables, this.x);
    if (xs.length > 0) variables.forEach((w, i) => w.assign(xs[i])); // no step yet: y = x = z
    this.training = false;
  }

  /** Switches the variables back to y = β̃x + (1 − β̃)z, where gradients are taken. Idempotent. */
  train(variables: tf.Variable[] = this.tracked): void {
    if (this.training) return;
    const xs = this.matching(variables, this.x);
    const zs = this.matching(variables, this.z);
    if (xs.length > 0) tf.tidy(() => variables.forEach((w, i) => w.assign(interpolate(xs[i], zs[i], this.lastBeta))));
    this.training = true;
  }

  private matching(variables: tf.Variable[], slot: Slot): tf.Tensor[] {
    const named = slot.named();
    if (named.length > 0 && variables.length !== named.length) {
      throw new Error(
        `ScheduleFreePlus: expected the ${named.length} variables it trains, in the same order; got ${variables.length}.`,
      );
    }
    return named.map((n) => n.tensor);
  }

  /**
   * One ScheduleFree+ step on the loss `f`, evaluated at y (the variables). Returns the loss at
   * y if `returnCost`.
   * @throws {Error} in eval mode, or there is nothing to optimize.
   * @throws {TypeError} `f` does not return a scalar tensor.
   */
  override minimize(f: () => tf.Scalar, returnCost: true, varList?: tf.Variable[]): tf.Scalar;
  override minimize(f: () => tf.Scalar, returnCost?: false, varList?: tf.Variable[]): null;
  override minimize(f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]): tf.Scalar | null;
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    this.assertLive('minimize');
    if (!this.training) {
      throw new Error(
        'ScheduleFreePlus: not in train mode (the variables hold the evaluation point x); call opt.train() before stepping.',
      );
    }
    const grads = recordGradients('ScheduleFreePlus', f, varList);
    try {
      const { variables, gradients, value } = grads;
      const taken = guardedStep(this, variables, gradients, value, () => this.step(variables, gradients, value));
      if (!taken) this.skipped += 1;
    } catch (e) {
      grads.value.dispose();
      throw e;
    } finally {
      disposeGradients(grads);
    }
    this.incrementIterations();
    if (returnCost) return grads.value;
    grads.value.dispose();
    return null;
  }

  private step(variables: tf.Variable[], gradients: tf.Tensor[], loss: tf.Scalar): void {
    const o = this.options;
    const k = this.k;
    const p = o.sfBetaAnnealSteps > 0 ? Math.min(k / o.sfBetaAnnealSteps, 1) : 0;
    const beta =
      o.sfBetaAnnealSteps > 0
        ? 1 - Math.exp(Math.log(1 - o.sfBeta) * (1 - p) + Math.log(1 - o.sfBetaMax) * p)
        : o.sfBeta;
    // New slots copy y, so z − x = 0 for them (the reference skips their inner product).
    const zs = variables.map((y, i) => copySlot(this.z, i, y));
    const xs = variables.map((y, i) => copySlot(this.x, i, y));
    const [fValue, ...parts] = readScalars(() => [
      loss,
      ...gradients.map((g) => tf.sum(tf.abs(g)) as tf.Scalar),
      ...gradients.map((g, i) => tf.sum(tf.mul(g, tf.sub(zs[i], xs[i]))) as tf.Scalar),
    ]);
    const n = gradients.length;
    const l1 = parts.slice(0, n).reduce((a, b) => a + b, 0);
    const ip = beta * parts.slice(n).reduce((a, b) => a + b, 0);
    this.l1Ema = o.polyakBeta * this.l1Ema + (1 - o.polyakBeta) * l1 * L1_TO_L2;
    const l1Corr = this.l1Ema / (1 - o.polyakBeta ** (k + 1));
    const numerator = fValue + ip > 0 ? fValue + ip : 0; // Python's max(0, F + I): NaN gives 0
    const polyak = l1Corr > 0 && Number.isFinite(numerator) ? numerator / l1Corr : 0;
    const warm = k < o.warmupSteps ? (k + 1) / o.warmupSteps : 1;
    const alpha = Math.max(o.lr * warm, o.epsilon) * polyak;
    this.alphaMax = Math.max(alpha, this.alphaMax);
    let c = 1;
    if (k >= o.cWarmup) {
      const weight = (k + 1) ** o.r * this.alphaMax ** o.weightLrPower;
      this.weightSum += weight;
      c = weight / this.weightSum;
    }
    const bc1 = 1 - o.beta1 ** (k + 1);
    const bc2 = 1 - o.beta2 ** (k + 1);
    tf.tidy(() =>
      variables.forEach((y, i) => {
        const g = gradients[i];
        const m = this.m.get(i, y);
        const v = this.v.get(i, y);
        let z: tf.Tensor = zs[i];
        if (o.weightDecay > 0) z = tf.sub(z, tf.mul(y, alpha * alpha * o.weightDecay));
        const mNew = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
        const vNew = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
        const dir = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), o.epsilon));
        z = tf.sub(z, tf.mul(dir, alpha));
        const x = tf.add(tf.mul(xs[i], 1 - c), tf.mul(z, c));
        m.assign(mNew);
        v.assign(vNew);
        zs[i].assign(z);
        xs[i].assign(x);
        y.assign(interpolate(x, z, beta));
      }),
    );
    this.tracked = variables;
    Object.assign(this, {
      lastBeta: beta,
      lastAlpha: alpha,
      lastWeight: c,
      lastNumerator: numerator,
      lastIp: ip,
      lastL1Corr: l1Corr,
    });
    this.k += 1;
  }

  /**
   * Without the loss there is no Polyak step.
   * @throws {Error} always: use `minimize(f)` (as `model.fit` does).
   */
  override applyGradients(_variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.assertLive('applyGradients');
    throw new Error(
      'ScheduleFreePlus: the Polyak step needs the loss value; call minimize(f) (model.fit does) instead of applyGradients.',
    );
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      stateEntry('ScheduleFreePlus', [
        this.k,
        this.l1Ema,
        this.alphaMax,
        this.weightSum,
        this.training ? 1 : 0,
        this.lastBeta,
        this.lastAlpha,
        this.lastWeight,
        this.lastNumerator,
        this.lastIp,
        this.lastL1Corr,
      ]),
      ...this.z.named(),
      ...this.x.named(),
      ...this.m.named(),
      ...this.v.named(),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('ScheduleFreePlus', weightValues, {
      slots: ['z', 'x', 'm', 'v'],
      nonNegative: ['v'],
      state: { name: 'ScheduleFreePlus/state', length: 11 },
    });
    const rest = await this.extractIterations(weightValues);
    const [
      k,
      l1Ema,
      alphaMax,
      weightSum,
      training,
      lastBeta,
      lastAlpha,
      lastWeight,
      lastNumerator,
      lastIp,
      lastL1Corr,
    ] = readStateEntry('ScheduleFreePlus', rest, 11);
    Object.assign(this, {
      k,
      l1Ema,
      alphaMax,
      weightSum,
      training: training === 1,
      lastBeta,
      lastAlpha,
      lastWeight,
      lastNumerator,
      lastIp,
      lastL1Corr,
    });
    this.z.restore(slotEntries(rest, 'z'));
    this.x.restore(slotEntries(rest, 'x'));
    this.m.restore(slotEntries(rest, 'm'));
    this.v.restore(slotEntries(rest, 'v'));
    this.tracked = [];
  }

  override dispose(): void {
    this.z.dispose();
    this.x.dispose();
    this.m.dispose();
    this.v.dispose();
    super.dispose();
  }
}

/** β·x + (1 − β)·z, the one formula for y (shared by the step and train(), so both give the same bits). */
function interpolate(x: tf.Tensor, z: tf.Tensor, beta: number): tf.Tensor {
  return tf.add(tf.mul(x, beta), tf.mul(z, 1 - beta));
}
