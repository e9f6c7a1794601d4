import * as tf from '@tensorflow/tfjs-core';
import { acceptProposal } from '../core/accept.js';
import {
  backOffNonfinite,
  carryOver,
  decideRefit,
  horizonFactor,
  initialControllerState,
  isRefitStep,
  probeOffsets,
  type ControllerState,
  type RefitDecision,
} from '../core/controller.js';
import { fitParabola } from '../core/parabola.js';
import { formatValue } from '../core/validate.js';
import { baseDisplacement } from './base-displacement.js';
import { configToOptions, optionsToConfig } from './configured.js';
import { resolveGradients } from './directional.js';
import { resolveGeNOptions, type GeNOptions, type StepInfo } from './gen-options.js';
import { installLayersHook, withoutMetrics } from './layers-hook.js';
import { recordRandom, replayRandom } from './random-replay.js';
import { registerOnConstruction } from './register-once.js';
import { decodeFloat64, encodeFloat64 } from './state-codec.js';
import { withoutSideEffects } from './state-guard.js';
import type { NamedTensor } from './types.js';

const IS_GEN = Symbol.for('gen-optim.GeN');

/**
 * GeN, the generalized Newton's method (Bu & Xu, ICLR 2025), wrapping any `tf.Optimizer`.
 *
 * The base optimizer proposes a displacement D per unit learning rate (D = −g for SGD). Along it
 * the loss is close to a parabola, L(w + xD) ≈ L₀ − a·x + (b/2)·x², with a = −GᵀD and
 * b = DᵀHD, whose minimiser x* = a/b is the best learning rate for this direction. Every
 * `every` steps GeN measures the loss at a few offsets x (default −lr, 0, +lr; the loss at 0 is
 * the training forward pass, so this costs two extra forward passes and no backward pass),
 * fits the parabola, smooths the proposal into its learning rate, and steps w ← w + lr·D.
 *
 * ```ts
 * const opt = new GeN(new AdamW({ weightDecay: 0.01 }));
 * for (const batch of batches) opt.minimize(() => loss(model, batch));
 * console.log(opt.learningRate, opt.lastStep?.reason);
 * ```
 *
 * GeN owns its base: `dispose()` disposes both.
 * @throws {TypeError} the base is not a tf.Optimizer, or an option has the wrong type.
 * @throws {RangeError} an option is out of range.
 */
export class GeN extends tf.Optimizer {
  private readonly [IS_GEN] = true;

  static get className(): string {
    return 'GeN';
  }

  /** The wrapped base optimizer, which supplies the direction. */
  readonly base: tf.Optimizer;
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<GeNOptions>;
  private state: ControllerState;
  private last: StepInfo | null = null;
  /**
   * The last step's displacement and the lr it was applied with, kept when the next step refits
   * with `probeDirection: 'previous'`.
   */
  private previous: { directions: tf.Tensor[]; length: number } | null = null;

  constructor(base: tf.Optimizer, options: Partial<GeNOptions> = {}) {
    super();
    const b = base as unknown as Partial<tf.Optimizer> | null | undefined;
    if (b == null || typeof b.applyGradients !== 'function' || typeof b.minimize !== 'function') {
      throw new TypeError(
        `GeN: the base optimizer must be a tf.Optimizer (e.g. new AdamW() or tf.train.sgd(0.1)); got ${formatValue(base)}.`,
      );
    }
    // Not `instanceof`: tf.Optimizer's Symbol.hasInstance is duck-typed and says yes to any optimizer.
    if ((base as unknown as Record<symbol, unknown>)[IS_GEN] === true)
      throw new TypeError('GeN: the base optimizer is already a GeN; wrap its base instead.');
    this.base = base;
    this.options = resolveGeNOptions(options);
    this.state = initialControllerState(this.options);
    installLayersHook();
    registerOnConstruction(new.target);
  }

  /** The learning rate applied at the last step (before the first step: the one the first step would start from). */
  get learningRate(): number {
    return this.last ? this.last.lr : this.state.lr * horizonFactor(this.state.step, this.options.horizon);
  }

  /** Diagnostics of the last step, or null before the first. */
  get lastStep(): StepInfo | null {
    return this.last;
  }

  /** A copy of GeN's own state (plain numbers). */
  get controllerState(): ControllerState {
    return { ...this.state };
  }

  /**
   * One GeN step: gradients of `f` at w, the base direction D, probe losses (on refit steps),
   * the fit, and w ← w + lr·D. Returns the loss at w if `returnCost`.
   * @throws {TypeError} `f` does not return a scalar tensor.
   */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const candidates = varList ?? Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
    if (candidates.length === 0) throw new Error('GeN: there are no trainable variables to optimize.');
    const checked = () => assertScalarLoss(f());
    const {
      result: { value, grads },
      tape,
    } = recordRandom(() => tf.variableGrads(checked, candidates));
    const variables = candidates.filter((v) => grads[v.name] != null);
    const gradients = variables.map((v) => grads[v.name]);
    const { loss, finite } = readLoss(value, gradients);
    if (!finite) {
      tf.dispose(grads);
      this.skipNonfinite(loss);
    } else {
      const directions = baseDisplacement(this.base, variables, gradients);
      tf.dispose(grads);
      const previous = this.previousFor(variables);
      const along = previous?.directions ?? directions;
      this.takeStep(
        variables,
        directions,
        loss,
        (xs) => this.probeLosses(f, variables, along, xs, loss, tape),
        previous?.length ?? null,
      );
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * A base step at the current learning rate for callers that compute their own gradients. No
   * probe is possible without the loss closure: `lastStep.reason` is `no_closure`.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const { variables, gradients } = resolveGradients('GeN', variableGradients);
    if (!readLoss(null, gradients).finite) {
      this.skipNonfinite(NaN);
      return;
    }
    this.takeStep(variables, baseDisplacement(this.base, variables, gradients), NaN, null);
  }

  private takeStep(
    variables: tf.Variable[],
    directions: tf.Tensor[],
    loss: number,
    probe: ((xs: number[]) => number[]) | null,
    previousLength: number | null = null,
  ): void {
    const before = this.state;
    let decision: RefitDecision;
    let xs: number[] = [];
    let losses: number[] = [];
    let fit = { a: NaN, b: NaN, r2: NaN };
    let proposedLr = NaN;
    if (probe !== null && isRefitStep(before, this.options)) {
      xs = probeOffsets(before, this.options);
      losses = probe(xs);
      fit = fitParabola(xs, losses);
      // Probing the previous direction around the current weights: the previous step started at −(its length).
      const start = previousLength === null ? 0 : -previousLength;
      const acceptance = acceptProposal(fit as ReturnType<typeof fitParabola>, xs, losses, this.options, start);
      proposedLr = acceptance.proposal;
      decision = decideRefit(before, this.options, acceptance);
    } else {
      decision = {
        state: carryOver(before),
        stepLr: before.lr,
        reason: probe === null ? 'no_closure' : 'skipped',
        accepted: false,
        skipUpdate: false,
      };
    }
    const lr = decision.skipUpdate ? 0 : decision.stepLr * horizonFactor(before.step, this.options.horizon);
    if (lr > 0) {
      tf.tidy(() => {
        const scale = tf.scalar(lr);
        variables.forEach((v, i) => v.assign(tf.add(v, tf.mul(directions[i], scale))));
      });
    }
    this.state = decision.state;
    this.keepOrDispose(directions, lr, probe !== null);
    this.record({
      step: before.step,
      refit: xs.length > 0,
      lr,
      stateLr: decision.state.lr,
      proposedLr,
      accepted: decision.accepted,
      reason: decision.reason,
      probeOffsets: xs,
      probeLosses: losses,
      a: fit.a,
      b: fit.b,
      r2: fit.r2,
      loss,
      calibrating: before.calibrating,
      probed: xs.length === 0 ? null : previousLength !== null ? 'previous' : 'current',
    });
  }

  /** The previous step's displacement, if `probeDirection` is 'previous' and it fits these variables. */
  private previousFor(variables: tf.Variable[]): { directions: tf.Tensor[]; length: number } | null {
    const p = this.previous;
    if (this.options.probeDirection !== 'previous' || p === null || p.directions.length !== variables.length)
      return null;
    return p.directions.every((d, i) => tf.util.arraysEqual(d.shape, variables[i].shape)) ? p : null;
  }

  /** Keeps this step's displacement (applied with `length`) for the next step's probes if it refits, else disposes it. */
  private keepOrDispose(directions: tf.Tensor[], length: number, closureAvailable: boolean): void {
    const keep =
      closureAvailable && this.options.probeDirection === 'previous' && isRefitStep(this.state, this.options);
    this.disposePrevious();
    if (keep) this.previous = { directions, length };
    else tf.dispose(directions);
  }

  private disposePrevious(): void {
    if (this.previous !== null) tf.dispose(this.previous.directions);
    this.previous = null;
  }

  private skipNonfinite(loss: number): void {
    const before = this.state;
    this.disposePrevious(); // the next probe must not measure a step that was not taken
    this.state = backOffNonfinite(before, this.options);
    this.record({
      step: before.step,
      refit: false,
      lr: 0,
      stateLr: this.state.lr,
      proposedLr: NaN,
      accepted: false,
      reason: 'nonfinite',
      probeOffsets: [],
      probeLosses: [],
      a: NaN,
      b: NaN,
      r2: NaN,
      loss,
      calibrating: before.calibrating,
      probed: null,
    });
  }

  private record(info: StepInfo): void {
    this.last = info;
    this.incrementIterations();
    this.options.onStep?.(info);
  }

  /**
   * Loss at w + x·D for each offset x, with the weights restored bit-exactly afterwards. Each
   * pass replays the gradient pass's randomness (same dropout masks), runs with the model's
   * metrics off, and leaves non-trained variables (BatchNorm statistics) untouched.
   */
  private probeLosses(
    f: () => tf.Scalar,
    variables: tf.Variable[],
    directions: tf.Tensor[],
    xs: number[],
    loss0: number,
    tape: number[],
  ): number[] {
    const lossFn = this.options.probeLoss ?? f;
    const reuseLoss0 = this.options.probeLoss === null;
    const own = new Set(variables);
    const w = variables.map((v) => tf.keep(tf.reshape(v, v.shape)));
    try {
      return xs.map((x) => {
        if (x === 0 && reuseLoss0) return loss0;
        return tf.tidy(() => {
          variables.forEach((v, i) => v.assign(x === 0 ? w[i] : tf.add(w[i], tf.mul(directions[i], x))));
          return withoutSideEffects(own, () =>
            withoutMetrics(() => replayRandom(tape, () => assertScalarLoss(lossFn()).dataSync()[0])),
          );
        });
      });
    } finally {
      variables.forEach((v, i) => v.assign(w[i]));
      tf.dispose(w);
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const s = this.state;
    const base = await this.base.getWeights();
    return [
      await this.saveIterations(),
      {
        name: 'gen/state',
        tensor: encodeFloat64([
          s.step,
          s.lr,
          s.calibrating ? 1 : 0,
          s.calibrationSteps,
          s.refits,
          this.previous?.length ?? NaN,
        ]),
      },
      ...base.map((w) => ({ name: `base/${w.name}`, tensor: w.tensor })),
      ...scalarAccumulators(this.base).map(([key, v]) => ({ name: `base_scalar/${key}`, tensor: v as tf.Tensor })),
      ...(this.previous?.directions ?? []).map((d, i) => ({ name: `gen/previous_direction/${i}`, tensor: d })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const find = (name: string) => weightValues.find((w) => w.name === name)?.tensor;
    const iter = find('iter');
    const state = find('gen/state');
    if (iter == null || state == null) {
      throw new Error("GeN.setWeights: expected the weights of GeN.getWeights() (entries 'iter' and 'gen/state').");
    }
    this.iterations_ = (await iter.data())[0];
    const [step, lr, calibrating, calibrationSteps, refits, previousLength] = decodeFloat64(state);
    this.state = { step, lr, calibrating: calibrating === 1, calibrationSteps, refits };
    await this.base.setWeights(
      weightValues.filter((w) => w.name.startsWith('base/')).map((w) => ({ name: w.name.slice(5), tensor: w.tensor })),
    );
    const previous = weightValues.filter((w) => w.name.startsWith('gen/previous_direction/'));
    this.disposePrevious();
    if (previous.length > 0 && Number.isFinite(previousLength)) {
      this.previous = { directions: previous.map((w) => tf.keep(tf.clone(w.tensor))), length: previousLength };
    }
    const accumulators = new Map(scalarAccumulators(this.base));
    for (const w of weightValues) {
      if (!w.name.startsWith('base_scalar/')) continue;
      accumulators.get(w.name.slice(12))?.assign(w.tensor);
    }
  }

  override dispose(): void {
    this.disposePrevious();
    this.base.dispose();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { probeLoss: _probeLoss, onStep: _onStep, ...serializable } = this.options;
    return {
      base: { className: this.base.getClassName(), config: this.base.getConfig() },
      options: optionsToConfig(serializable),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { className, config: baseConfig } = config.base as { className: string; config: tf.serialization.ConfigDict };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
    if (entry == null) {
      throw new Error(
        `GeN.fromConfig: unknown base optimizer class '${className}'; register it with tf.serialization.registerClass.`,
      );
    }
    const [baseCls, baseFromConfig] = entry;
    const base = baseFromConfig(baseCls, baseConfig);
    return new cls(base, configToOptions(config.options as tf.serialization.ConfigDict));
  }
}

/** Throws a TypeError unless `y` is a scalar tensor; returns it. */
function assertScalarLoss(y: unknown): tf.Scalar {
  if (!(y instanceof tf.Tensor) || y.rank !== 0) {
    const got = y instanceof tf.Tensor ? `a tensor of shape [${y.shape.join(', ')}]` : formatValue(y);
    throw new TypeError(
      `GeN: the loss closure must return a scalar tf.Tensor (rank 0, e.g. tf.mean(...)); got ${got}.`,
    );
  }
  return y as tf.Scalar;
}

/**
 * Reads the loss and whether it and every gradient are finite, in one readback: Σ sum(0·g) is 0
 * when all gradients are finite and NaN otherwise.
 */
function readLoss(value: tf.Scalar | null, gradients: tf.Tensor[]): { loss: number; finite: boolean } {
  const both = tf.tidy(() => {
    const zeros = gradients.map((g) => tf.sum(tf.mul(g, 0)));
    const check = zeros.length > 0 ? tf.addN(zeros) : tf.scalar(0);
    return tf.stack([value ?? tf.scalar(0), check]);
  });
  const [loss, check] = both.dataSync() as Float32Array;
  both.dispose();
  return { loss: value ? loss : NaN, finite: Number.isFinite(loss) && Number.isFinite(check) };
}

/** Scalar variables an optimizer keeps outside getWeights (Adam's β₁ᵗ, β₂ᵗ; Adamax's iteration). */
function scalarAccumulators(o: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(o).filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable && e[1].rank === 0);
}
