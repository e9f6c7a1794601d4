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

/** Options of {@link SGDW}; every field optional. */
export interface SGDWOptions extends DecayAndClipOptions {
  /** Learning rate (ignored under GeN, which picks its own). Default 0.01. */
  lr: number;
  /** Heavy-ball momentum μ (0 for plain SGD). Default 0. */
  momentum: number;
  /** Use Nesterov momentum (needs momentum > 0). Default false. */
  nesterov: boolean;
  /** Decoupled weight decay λ: each step also moves w by −lr·λ·w. Default 0. */
  weightDecay: number;
  /**
   * Divide the momentum direction by its start-up factor, Adam's bias correction applied to heavy-ball:
   * d = b/(1 − μᵗ) at step t (Nesterov: (g + μb)/(1 − μᵗ⁺¹)), so that a constant gradient g gives
   * d = g/(1 − μ) from the first step instead of growing to it. Needs momentum > 0 to change anything.
   * Default false (PyTorch's SGD).
   */
  biasCorrection: boolean;
}

/** Defaults of {@link SGDWOptions}. */
export const SGDW_DEFAULTS: Readonly<SGDWOptions> = Object.freeze({
  ...DECAY_AND_CLIP_DEFAULTS,
  lr: 0.01,
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  biasCorrection: false,
});

const SGDW_RULES: { readonly [K in keyof Omit<SGDWOptions, keyof DecayAndClipOptions>]: OptionRule } = {
  lr: { kind: 'number', min: 0 },
  momentum: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  nesterov: { kind: 'boolean' },
  weightDecay: { kind: 'number', min: 0 },
  biasCorrection: { kind: 'boolean' },
};

/**
 * SGD with momentum, optional Nesterov, and decoupled weight decay (PyTorch's SGD update with
 * the decay taken out of the gradient):
 *
 *     b ← μb + g,   d = g + μb (Nesterov) or b,   D = −(d + λw),   w ← w + lr·D.
 *
 * With `biasCorrection` the momentum term is divided by its start-up factor: d = b/(1 − μᵗ), or
 * (g + μb)/(1 − μᵗ⁺¹) with Nesterov, at step t = 1, 2, … .
 *
 * With μ = 0 and λ = 0 this is plain gradient descent, D = −g. With `clipNorm` c the gradients are
 * first scaled by min(1, c/‖g‖) (global norm over all variables); `decayMask` sets λ = 0 on the
 * variables it excludes (e.g. `'matrices'`: no decay on biases and norms).
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class SGDW extends DirectionalOptimizer<SGDWOptions> {
  static get className(): string {
    return 'SGDW';
  }

  private readonly buffer = new Slot('momentum');

  constructor(options: Partial<SGDWOptions> = {}) {
    super(resolveWithDecayAndClip('SGDW', options, SGDW_DEFAULTS, SGDW_RULES));
    if (this.options.nesterov && this.options.momentum === 0) {
      throw new RangeError("SGDW: option 'nesterov' needs 'momentum' > 0; got momentum 0.");
    }
  }

  protected get directionScale(): number {
    return this.options.lr;
  }

  computeDirection(variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
    const { momentum, nesterov, weightDecay, clipNorm, decayMask, biasCorrection } = this.options;
    const t = this.iterations + 1;
    // A constant gradient g builds b up to g/(1 − μ) only geometrically; the correction gives that scale at once.
    const correction = biasCorrection && momentum > 0 ? 1 / (1 - momentum ** (nesterov ? t + 1 : t)) : 1;
    const out = tf.tidy(() => {
      const clipped = clipByGlobalNorm(gradients, clipNorm);
      return variables.map((w, i) => {
        const g = clipped[i];
        let d: tf.Tensor = g;
        if (momentum > 0) {
          const b = this.buffer.get(i, w);
          const bNew = tf.add(tf.mul(b, momentum), g);
          b.assign(bNew);
          d = nesterov ? tf.add(g, tf.mul(bNew, momentum)) : bNew;
          if (correction !== 1) d = tf.mul(d, correction);
        }
        return tf.keep(tf.neg(plusDecay(d, w, decays(decayMask, w) ? weightDecay : 0)));
      });
    });
    this.incrementIterations();
    return out;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.buffer.named()];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('SGDW', weightValues, { slots: this.options.momentum > 0 ? ['momentum'] : [] });
    this.buffer.restore(await this.extractIterations(weightValues));
  }

  override dispose(): void {
    this.buffer.dispose();
    super.dispose();
  }
}
