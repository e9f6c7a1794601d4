import type { NamedTensor } from '../tfjs/types.js';
import * as tf from '@tensorflow/tfjs-core';
import { ConfiguredOptimizer } from '../tfjs/configured.js';
import { formatValue, resolveOptions, type OptionRule } from '../core/validate.js';
import { installLayersHook, withoutMetrics } from '../tfjs/layers-hook.js';
import { recordRandom, replayRandom } from '../tfjs/random-replay.js';
import { withoutSideEffects } from '../tfjs/state-guard.js';
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
 * {@link SLS.stepSize}, {@link SLS.lastTries}.
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

  /** The step size of the last step (before the first: initStepSize). */
  get stepSize(): number {
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
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const candidates = varList ?? Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
    if (candidates.length === 0) throw new Error('SLS: there are no trainable variables to optimize.');
    const {
      result: { value, grads },
      tape,
    } = recordRandom(() => tf.variableGrads(() => assertScalarLoss(f()), candidates));
    const variables = candidates.filter((v) => grads[v.name] != null);
    const gradients = variables.map((v) => grads[v.name]);
    try {
      const [loss, ...g2] = readScalars(() => [value, ...gradients.map((g) => tf.sum(tf.square(g)) as tf.Scalar)]);
      const gradSq = g2.reduce((a, b) => a + b, 0);
      let eta = this.resetStep();
      this.tries = 0;
      if (Math.sqrt(gradSq) >= MIN_GRAD_NORM && Number.isFinite(loss)) {
        const own = new Set(variables);
        const w = variables.map((v) => tf.keep(tf.reshape(v, v.shape)));
        const moveTo = (t: number) =>
          tf.tidy(() => variables.forEach((v, i) => v.assign(tf.sub(w[i], tf.mul(gradients[i], t)))));
        let found = false;
        try {
          while (this.tries < MAX_BACKTRACKS) {
            moveTo(eta);
            this.tries += 1;
            const next = tf.tidy(() =>
              withoutSideEffects(own, () =>
                withoutMetrics(() => replayRandom(tape, () => assertScalarLoss(f()).dataSync()[0])),
              ),
            );
            if (next <= loss - this.options.c * eta * gradSq) {
              found = true;
              break;
            }
            eta *= this.options.betaB;
          }
          if (!found) moveTo(FALLBACK_STEP);
        } finally {
          tf.dispose(w);
        }
      }
      this.step = eta;
    } finally {
      tf.dispose(grads);
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
    throw new Error(
      'SLS: the line search needs the loss closure; call minimize(f) (model.fit does) instead of applyGradients.',
    );
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), stateEntry('SLS', [this.step, this.tries])];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    [this.step, this.tries] = readStateEntry('SLS', rest, 2);
  }
}

/** Throws a TypeError unless `y` is a scalar tensor; returns it. */
function assertScalarLoss(y: unknown): tf.Scalar {
  if (!(y instanceof tf.Tensor) || y.rank !== 0) {
    const got = y instanceof tf.Tensor ? `a tensor of shape [${y.shape.join(', ')}]` : formatValue(y);
    throw new TypeError(
      `SLS: the loss closure must return a scalar tf.Tensor (rank 0, e.g. tf.mean(...)); got ${got}.`,
    );
  }
  return y as tf.Scalar;
}
