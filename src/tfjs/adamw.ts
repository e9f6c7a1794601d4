import { checkRestored } from './state-check.js';
import type { NamedTensor } from './types.js';
import * as tf from '@tensorflow/tfjs-core';
import { plusDecay } from './params.js';
import type { OptionRule } from '../core/validate.js';
import {
  clipByGlobalNorm,
  DECAY_AND_CLIP_DEFAULTS,
  decays,
  resolveWithDecayAndClip,
  type DecayAndClipOptions,
} from './decay-and-clip.js';
import { DirectionalOptimizer } from './directional.js';
import { Slot } from './slots.js';

/** Options of {@link AdamW}; every field optional. */
export interface AdamWOptions extends DecayAndClipOptions {
  /** Learning rate (ignored under GeN, which picks its own). Default 1e-3. */
  lr: number;
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2: number;
  /** Added to √v̂ in the denominator. Default 1e-8. */
  epsilon: number;
  /** Decoupled weight decay λ: each step also moves w by −lr·λ·w. Default 0.01. */
  weightDecay: number;
}

/** Defaults of {@link AdamWOptions} (PyTorch's). */
export const ADAMW_DEFAULTS: Readonly<AdamWOptions> = Object.freeze({
  ...DECAY_AND_CLIP_DEFAULTS,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0.01,
});

const ADAMW_RULES: { readonly [K in keyof Omit<AdamWOptions, keyof DecayAndClipOptions>]: OptionRule } = {
  lr: { kind: 'number', min: 0 },
  beta1: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  beta2: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  epsilon: { kind: 'number', min: 0 },
  weightDecay: { kind: 'number', min: 0 },
};

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), as PyTorch's `AdamW`:
 *
 *     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,
 *     D = −( (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λw ),   w ← w + lr·D.
 *
 * With `clipNorm` c the gradients are first scaled by min(1, c/‖g‖) (global norm over all
 * variables); `decayMask` sets λ = 0 on the variables it excludes (e.g. `'matrices'`: no decay on
 * biases and norms).
 *
 * The bias corrections are computed on the host in float64 from the step count, so a restored
 * optimizer continues bit-identically.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class AdamW extends DirectionalOptimizer<AdamWOptions> {
  static get className(): string {
    return 'AdamW';
  }

  private readonly m = new Slot('m');
  private readonly v = new Slot('v');

  constructor(options: Partial<AdamWOptions> = {}) {
    super(resolveWithDecayAndClip('AdamW', options, ADAMW_DEFAULTS, ADAMW_RULES));
  }

  protected get directionScale(): number {
    return this.options.lr;
  }

  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
    const { beta1, beta2, epsilon, weightDecay, clipNorm, decayMask } = this.options;
    const t = this.iterations + 1;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    const out = tf.tidy(() => {
      const clipped = clipByGlobalNorm(gradients, clipNorm);
      return variables.map((w, i) => {
        const g = clipped[i];
        const m = this.m.get(i, w);
        const v = this.v.get(i, w);
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        const adam = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), epsilon));
        return tf.keep(tf.neg(plusDecay(adam, w, decays(decayMask, w) ? weightDecay : 0)));
      });
    });
    this.incrementIterations();
    return out;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.m.named(), ...this.v.named()];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('AdamW', weightValues, { slots: ['m', 'v'], nonNegative: ['v'] });
    const rest = await this.extractIterations(weightValues);
    this.m.restore(rest.filter((w) => w.name.endsWith('/m')));
    this.v.restore(rest.filter((w) => w.name.endsWith('/v')));
  }

  override dispose(): void {
    this.m.dispose();
    this.v.dispose();
    super.dispose();
  }
}
