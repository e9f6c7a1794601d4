import { checkRestored } from '../tfjs/state-check.js';
import type { NamedTensor } from '../tfjs/types.js';
import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import * as tf from '@tensorflow/tfjs-core';
import { ConfiguredOptimizer } from '../tfjs/configured.js';
import { resolveOptions, type OptionRule } from '../core/validate.js';
import { installLayersHook } from '../tfjs/layers-hook.js';
import { allFinite, assignAlong, restore, snapshot } from '../tfjs/params.js';
import { disposeGradients, probeLoss, recordGradients } from '../tfjs/probe.js';
import { readScalars, readStateEntry, stateEntry } from './shared.js';

/** Options of {@link SLS}; every field optional. */
export interface SLSOptions {
  /** Mini-batches per epoch n: the step may grow by γ^(1/n) per step. Set it! Default 500. */
  nBatchesPerEpoch: number;
  /** Step size tried on the first step. Default 1. */
  initStepSize: number;
  /** Armijo constant c of the sufficient-decrease condition. Default 0.1. */
  c: number;
  /** Backtracking factor β_b (step ← β_b·step while the condition fails). Default 0.9. */
  betaB: number;
  /** Growth γ per epoch of the starting step (reset option 1). Default 2. */
  gamma: number;
  /** Where each search starts: 0 the last step, 1 the last step·γ^(1/n), 2 initStepSize. Default 1. */
  resetOption: number;
  /** Cap on the starting step size. Default 10. */
  etaMax: number;
}

/** Defaults of {@link SLSOptions} (the official implementation's). */
export const SLS_DEFAULTS: Readonly<SLSOptions> = Object.freeze({
  nBatchesPerEpoch: 500,
  initStepSize: 1,
  c: 0.1,
  betaB: 0.9,
  gamma: 2,
  resetOption: 1,
  etaMax: 10,
});

/** Backtracking gives up after this many tries and takes a tiny step, as the reference does. */
const MAX_BACKTRACKS = 100;
const FALLBACK_STEP = 1e-6;
/** Below this gradient norm no search is made and the weights stay (reference threshold). */
const MIN_GRAD_NORM = 1e-8;

const SLS_RULES: { readonly [K in keyof SLSOptions]: OptionRule } = {
  nBatchesPerEpoch: { kind: 'number', min: 1, integer: true },
  initStepSize: { kind: 'number', min: 0, minExclusive: true },
  c: { kind: 'number', min: 0, max: 1, minExclusive: true, maxExclusive: true },
  betaB: { kind: 'number', min: 0, max: 1, minExclusive: true, maxExclusive: true },
  gamma: { kind: 'number', min: 1 },
  resetOption: { kind: 'number', min: 0, max: 2, integer: true },
  etaMax: { kind: 'number', min: 0, minExclusive: true },
};

/**
 * SGD with the stochastic Armijo line search (Vaswani et al., "Painless Stochastic Gradient:
 * Interpolation, Line-Search, and Convergence Rates", NeurIPS 2019; official code
 * IssamLaradji/sls `Sls`), on the same mini-batch as the gradient:
 *
 *     η ← min(η_prev·γ^(1/n), η_max)                                   (reset option 1)
 *     while f(w − η∇f) > f(w) − c·η·‖∇f‖²:  η ← β_b·η                  (≤ 100 tries, else η = 1e-6)
 *     w ← w − η∇f.
 *
 * Needs the loss closure, so it overrides `minimize(f)` (one gradient pass plus one forward per
 * try). Each try replays the gradient pass's randomness (same dropout masks), runs without the
 * model's compiled metrics, and leaves BatchNorm statistics untouched. Diagnostics:
 * {@link SLS.appliedStepSize}, {@link SLS.lastTries}.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class SLS extends ConfiguredOptimizer<SLSOptions> {
  static get className(): string {
    return 'SLS';
  }

  private step: number;
  private tries = 0;

  constructor(options: Partial<SLSOptions> = {}) {
    super(resolveOptions('SLS', options, SLS_DEFAULTS, SLS_RULES));
    this.step = this.options.initStepSize;
    installLayersHook();
  }

  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE] = 'SLS';

  /** The step size of the last step (before the first: initStepSize). */
  get appliedStepSize(): number {
    return this.step;
  }

  /** Loss evaluations the last line search made (0 when the gradient was too small to search). */
  get lastTries(): number {
    return this.tries;
  }

  /**
   * One SLS step on the loss `f`: gradient at w, backtracking on the same `f`, w ← w − η∇f.
   * Returns the loss at w if `returnCost`.
   * @throws {TypeError} `f` does not return a scalar tensor.
   */
  override minimize(f: () => tf.Scalar, returnCost: true, varList?: tf.Variable[]): tf.Scalar;
  override minimize(f: () => tf.Scalar, returnCost?: false, varList?: tf.Variable[]): null;
  override minimize(f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]): tf.Scalar | null;
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    this.assertLive('minimize');
    const grads = recordGradients('SLS', f, varList);
    const { value, variables, gradients, tape } = grads;
    const triesBefore = this.tries;
    try {
      const [loss, ...g2] = readScalars(() => [value, ...gradients.map((g) => tf.sum(tf.square(g)) as tf.Scalar)]);
      const gradSq = g2.reduce((a, b) => a + b, 0);
      let eta = this.resetStep();
      this.tries = 0;
      // A gradient whose squared norm is not finite gives no usable trial point: no search, no step.
      if (Math.sqrt(gradSq) >= MIN_GRAD_NORM && Number.isFinite(loss) && Number.isFinite(gradSq)) {
        const own = new Set(variables);
        const origin = snapshot(variables);
        let found = false;
        try {
          while (this.tries < MAX_BACKTRACKS) {
            assignAlong(variables, origin, gradients, -eta);
            this.tries += 1;
            const next = probeLoss('SLS', f, own, tape);
            if (next <= loss - this.options.c * eta * gradSq) {
              found = true;
              break;
            }
            eta *= this.options.betaB;
          }
          if (!found) assignAlong(variables, origin, gradients, -FALLBACK_STEP);
          // The finite-weights guarantee: an accepted point with a non-finite entry is not kept.
          if (allFinite(variables)) tf.dispose(origin);
          else restore(variables, origin);
        } catch (e) {
          restore(variables, origin); // a throwing closure leaves the weights where they were
          throw e;
        }
      }
      this.step = eta;
    } catch (e) {
      this.tries = triesBefore;
      value.dispose();
      throw e;
    } finally {
      disposeGradients(grads);
    }
    this.incrementIterations();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** The first step size to try, from the last one and the reset option (applied on the first step too, as in the reference). */
  private resetStep(): number {
    const { resetOption, gamma, nBatchesPerEpoch, initStepSize, etaMax } = this.options;
    if (resetOption === 0) return this.step;
    if (resetOption === 2) return initStepSize;
    return Math.min(this.step * gamma ** (1 / nBatchesPerEpoch), etaMax);
  }

  /**
   * Without the loss closure there is no line search.
   * @throws {Error} always: use `minimize(f)` (as `model.fit` does).
   */
  override applyGradients(_variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.assertLive('applyGradients');
    throw new Error(
      'SLS: the line search needs the loss closure; call minimize(f) (model.fit does) instead of applyGradients.',
    );
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), stateEntry('SLS', [this.step, this.tries])];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.assertLive('setWeights');
    checkRestored('SLS', weightValues, { slots: [], state: { name: 'SLS/state', length: 2 } });
    const rest = await this.extractIterations(weightValues);
    [this.step, this.tries] = readStateEntry('SLS', rest, 2);
  }
}
