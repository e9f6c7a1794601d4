import * as tf from '@tensorflow/tfjs-core';
import { appliedLr, initialControllerState, reportValidation, type ControllerState } from '../core/controller.js';
import {
  finishNonfinite,
  finishStep,
  needsGradientSlope,
  planStep,
  replanStep,
  type StepOutcome,
} from '../core/step.js';
import type { StepInfo } from '../core/step-info.js';
import { HORIZON_SHAPE, resolveHorizon, type ControllerOptions, type Horizon } from '../core/options.js';
import { baseDirection } from './base-direction.js';
import { assertBase, IS_GEN } from './base-check.js';
import { ownInstance } from './configured.js';
import { resolveGradients } from './directional.js';
import { resolveGeNOptions, type GeNOptions } from './gen-options.js';
import { genConfig, genFromConfig, loadGeN, saveGeN } from './gen-persistence.js';
import { HeldDirection } from './held-direction.js';
import { installLayersHook, LEARN_RUN_LENGTH } from './layers-hook.js';
import { addScaled } from './params.js';
import { PolynomialAverager } from './polynomial-averager.js';
import { disposeGradients, gradientSlopeAlong, lossesAlong, readLoss, recordGradients } from './probe.js';
import { registerOnConstruction } from './register-once.js';
import { StepTransaction } from './step-transaction.js';
import { isSpike, nextScale } from './gradient-spike.js';
import { assertLive } from './disposal.js';
import type { NamedTensor } from './types.js';

/**
 * GeN, the generalized Newton's method (Bu & Xu, ICLR 2025), wrapping any `tf.Optimizer`.
 *
 * The base optimizer proposes a direction D per unit learning rate (D = −g for SGD). Along it
 * the loss is close to a parabola, L(w + xD) ≈ L₀ − a·x + (b/2)·x², with a = −GᵀD and
 * b = DᵀHD, whose minimiser x* = a/b is the best learning rate for this direction. Every
 * `every` steps GeN measures the loss at a few offsets x and fits the parabola: while it calibrates at −lr, 0, +lr
 * (the loss at 0 is the training forward pass: two extra forward passes, no backward pass), after that at 0 and
 * one of ±lr in turn, with a = −g·D from the gradient it has (one extra forward pass; option `slope`). It smooths the
 * proposal into its learning rate and steps w ← w + lr·D.
 * The decisions are made by the pure core (`core/step.ts`); this class only moves tensors.
 *
 * ```ts
 * const opt = new GeN(new AdamW({ weightDecay: 0.01 }));
 * for (const batch of batches) opt.minimize(() => loss(model, batch));
 * console.log(opt.appliedStepSize, opt.lastStep?.reason);
 * ```
 *
 * Without a run length (`horizon: null`, or `'auto'` outside `model.fit`) GeN also keeps an average of its
 * iterates (`iterateAverage`): call {@link GeN.eval} before evaluating and {@link GeN.train} before the next step.
 *
 * GeN owns its base: `dispose()` disposes both.
 * @throws {TypeError} the base is not an optimizer GeN can drive, or an option has the wrong type.
 * @throws {RangeError} an option is out of range.
 */
export class GeN extends tf.Optimizer {
  static get className(): string {
    return 'GeN';
  }

  /** `instanceof` by prototype: tf.Optimizer's own check is duck-typed and says yes to any optimizer. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return ownInstance(this, x);
  }

  /** Brand checked by {@link assertBase}: a GeN is no base for another GeN. */
  private readonly [IS_GEN] = true;

  /** The wrapped base optimizer, which supplies the direction. */
  readonly base: tf.Optimizer;
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<GeNOptions>;
  private state: ControllerState;
  private last: StepInfo | null = null;
  /** The last step's direction and the lr it was applied with, kept when the next step probes it. */
  private readonly previous = new HeldDirection();
  /** The options the core decides with: `options`, with horizon 'auto' replaced once `model.fit` tells the run length. */
  private rule: Readonly<ControllerOptions>;
  private disposed = false;
  /** Recent scale of ‖g‖² for the spike detector (see gradient-spike.ts); 0 before the first step. */
  private gradScale = 0;
  /** Whether the held direction came from setWeights and has not yet been checked against a step's variables. */
  private heldRestored = false;
  /** The iterate average (`iterateAverage`), kept while GeN has no horizon; null before its first step. */
  private averager: PolynomialAverager | null = null;
  /** The variables of the step in progress: folded into the average once the step has committed. */
  private stepped: tf.Variable[] | null = null;

  constructor(base: tf.Optimizer, options: Partial<GeNOptions> = {}) {
    super();
    assertBase(base);
    this.base = base;
    this.options = resolveGeNOptions(options);
    this.rule = this.options;
    this.state = initialControllerState(this.options);
    installLayersHook();
    registerOnConstruction(new.target);
  }

  /** The learning rate applied at the last step (before the first: the one the first step would start from). */
  get appliedStepSize(): number {
    return this.last ? this.last.appliedLr : appliedLr(this.state, this.rule);
  }

  /** The horizon in force: the `horizon` option, or the one learned from `model.fit` when it is 'auto'; null for none. */
  get horizon(): Horizon | null {
    return this.rule.horizon === 'auto' ? null : this.rule.horizon;
  }

  /**
   * Called by `model.fit` (through the layers hook) with the number of steps it is about to take.
   * With horizon 'auto', those steps, from the current step on, become the horizon.
   */
  [LEARN_RUN_LENGTH](steps: number): void {
    if (this.options.horizon !== 'auto' || !(steps >= 1)) return;
    const horizon = resolveHorizon('GeN', { steps: Math.floor(steps), shape: HORIZON_SHAPE, start: this.state.step });
    this.rule = Object.freeze({ ...this.options, horizon });
    this.dropAverage();
  }

  /** 'eval' while the variables hold the iterate average ({@link eval}), else 'train'. */
  get mode(): 'train' | 'eval' {
    return this.averager?.swapped ? 'eval' : 'train';
  }

  /**
   * Puts the iterate average x̄ into the variables, for evaluating or saving the model, when GeN keeps
   * one: `iterateAverage` is set, GeN has no horizon, and it has taken a step. Call {@link train} before
   * the next step (stepping in eval mode throws). Calling it again changes nothing. `variables`: the ones it
   * averages, in their order (default: those of the last step; needed after `setWeights` before any step).
   * @returns whether the variables now hold the average (false: GeN keeps none, they hold the trained weights).
   */
  eval(variables?: tf.Variable[]): boolean {
    assertLive(this, this.disposed, 'eval');
    if (this.averager === null) return false;
    if (!this.averager.swapped) this.averager.swapToAverage(variables);
    return true;
  }

  /** Puts the trained weights back after {@link eval}, bit-exactly; in train mode it changes nothing. */
  train(): void {
    assertLive(this, this.disposed, 'train');
    if (this.averager?.swapped) this.averager.swapBack();
  }

  /**
   * Tells GeN a validation loss (GeN never measures one itself), e.g. every 5% of the run or at the end of each
   * epoch, on data it does not train on. By default (`stepFactorGate: 'validation'`) the report opens the step
   * factor (`stepFactor`, 1.5) when the loss is at most 1.1 × the fast average of the training losses, and closes
   * it otherwise: while it is open the lr tracks c·x* instead of the one-step optimum x*, with the rising-loss
   * guard (docs/algorithm.md §19). With `validationDecay` set, after `validationDecay.patience` reports in a row
   * without a new best the applied step is also multiplied by `validationDecay.factor` for the rest of the run:
   * lr_applied = v·s(t)·lr with v ← factor·v (§17). A loss that is not finite closes the gate and counts as a
   * report that did not improve; the gate, the best and v are saved with GeN's state. In the anytime mode measure
   * the loss at the trained weights, not inside {@link eval}: the gate compares it with training losses measured there.
   * @param loss the validation loss, a number or a scalar tensor (read synchronously; the caller keeps it).
   * @returns what the report did: whether it is a new best, whether it decayed the step, v after it, and whether
   * the step factor is open after it.
   * @throws {TypeError} the loss is neither a number nor a one-element tensor.
   */
  reportValidationLoss(loss: number | tf.Tensor): {
    improved: boolean;
    decayed: boolean;
    validationScale: number;
    stepFactorOpen: boolean;
  } {
    assertLive(this, this.disposed, 'reportValidationLoss');
    let value: number;
    if (typeof loss === 'number') value = loss;
    else if (loss instanceof tf.Tensor && loss.size === 1) value = loss.dataSync()[0];
    else {
      const what = loss instanceof tf.Tensor ? `a tensor of shape [${loss.shape.join(', ')}]` : typeof loss;
      throw new TypeError(`GeN.reportValidationLoss: the loss must be a number or a one-element tensor; got ${what}.`);
    }
    const report = reportValidation(this.state, this.rule, value);
    this.state = report.state;
    return {
      improved: report.improved,
      decayed: report.decayed,
      validationScale: report.state.validationScale,
      stepFactorOpen: report.state.stepFactorOpen,
    };
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
   * @throws {TypeError} `f` does not return a float32 scalar tensor.
   */
  override minimize(f: () => tf.Scalar, returnCost: true, varList?: tf.Variable[]): tf.Scalar;
  override minimize(f: () => tf.Scalar, returnCost?: false, varList?: tf.Variable[]): null;
  override minimize(f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]): tf.Scalar | null;
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    assertLive(this, this.disposed, 'minimize');
    this.assertTraining('minimize');
    return this.transaction((tx) => {
      const grads = recordGradients('GeN', f, varList);
      const { variables, gradients, tape, value } = grads;
      tx.track([value, ...gradients]);
      this.willAverage(variables);
      // The plan needs only GeN's state and the held direction, so it is made before the loss is read: where the fit
      // takes the gradient's slope along the held direction, that slope rides in the loss's readback (issue 14: one
      // scalar readback per probe).
      const held = this.previous.fitting(variables);
      const reuse = this.options.probeLoss === null;
      let state = this.state;
      let plan = planStep(state, this.rule, { closure: true, previousLr: held?.lr ?? null });
      const slopeNow = reuse && needsGradientSlope(state, this.rule, plan);
      const early = slopeNow && plan.probed === 'previous' && held ? held.directions : null;
      const { loss, finite, gradSquares, gradientSlope: earlySlope } = readLoss(value, gradients, early);
      if (!finite) {
        disposeGradients(grads);
        this.nonfinite(tx, variables, loss);
      } else if (isSpike(gradSquares, this.gradScale)) {
        disposeGradients(grads);
        this.finish(spikeOutcome(finishNonfinite(this.state, this.rule, loss)), null);
      } else {
        this.gradScale = nextScale(gradSquares, this.gradScale);
        tx.beforeBaseStep();
        const directions = tx.track(baseDirection(this.base, variables, gradients));
        if (held === null && this.heldRestored) this.refuseRestoredDirection(variables);
        this.heldRestored = false;
        const along = plan.probed === 'previous' && held ? held.directions : directions;
        // The gradient is of the probes' loss only without probeLoss (slopeCheck, slope; docs/algorithm.md §21, §24).
        const gradientSlope = early !== null ? earlySlope : slopeNow ? gradientSlopeAlong(gradients, along) : NaN;
        disposeGradients(grads);
        const measure = (offsets: number[]) =>
          offsets.length === 0
            ? []
            : lossesAlong('GeN', this.options.probeLoss ?? f, variables, along, offsets, tape, reuse ? loss : null);
        let probeLosses = measure(plan.offsets);
        // While calibrating, the core may ask for the fit again at the new distance (calibrationRefits).
        let refits = 0;
        for (;;) {
          const again = replanStep(state, this.rule, plan, { loss, probeLosses, gradientSlope }, refits);
          if (again === null) break;
          ({ state, plan } = again);
          probeLosses = measure(plan.offsets);
          refits += 1;
        }
        const outcome = finishStep(state, this.rule, plan, { loss, probeLosses, gradientSlope }, true, refits);
        this.apply(tx, variables, directions, outcome, true);
      }
      if (returnCost) return value;
      value.dispose();
      return null;
    });
  }

  /**
   * A base step at the current learning rate for callers that compute their own gradients. No
   * probe is possible without the loss closure: `lastStep.reason` is `no_closure`.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    assertLive(this, this.disposed, 'applyGradients');
    this.assertTraining('applyGradients');
    this.transaction((tx) => {
      const { variables, gradients } = resolveGradients('GeN', variableGradients);
      this.willAverage(variables);
      if (!readLoss(null, gradients).finite) return this.nonfinite(tx, variables, null);
      const plan = planStep(this.state, this.rule, { closure: false, previousLr: null });
      tx.beforeBaseStep();
      const directions = tx.track(baseDirection(this.base, variables, gradients));
      const outcome = finishStep(this.state, this.rule, plan, { loss: NaN, probeLosses: [] }, false);
      this.apply(tx, variables, directions, outcome, false);
    });
  }

  /**
   * Runs one step so that it either completes or leaves no trace: if `body` (the loss closure, a
   * probe, the base, `onStep`) throws, the weights, the base's state and GeN's own state are put
   * back bit-exactly, the step's tensors are disposed, and the error is rethrown as it is.
   */
  private transaction<T>(body: (tx: StepTransaction) => T): T {
    const tx = new StepTransaction([this.base]);
    const own = {
      state: this.state,
      last: this.last,
      iterations: this.iterations_,
      held: this.previous.value,
      heldRestored: this.heldRestored,
      gradScale: this.gradScale,
    };
    try {
      const result = body(tx);
      tx.commit();
      if (own.held !== null && own.held !== this.previous.value) tf.dispose(own.held.directions);
      this.foldAverage();
      return result;
    } catch (e) {
      this.stepped = null;
      tx.rollback();
      const now = this.previous.swap(own.held);
      if (now !== null && now !== own.held) tf.dispose(now.directions);
      this.state = own.state;
      this.last = own.last;
      this.iterations_ = own.iterations;
      this.heldRestored = own.heldRestored;
      this.gradScale = own.gradScale;
      throw e;
    }
  }

  /**
   * A step whose loss or gradients are not finite: nothing of it is written and the lr backs off.
   * When the loss overflows (±∞) right after a step whose direction GeN still holds, that step is
   * what broke the run (a gradient spike can carry the weights far away while staying finite), so
   * it is undone, w ← w − lr·D (reason `rolled_back`). A NaN loss is not taken as the step's fault
   * (a bad batch or operation gives NaN wherever the weights are), so it only skips.
   */
  private nonfinite(tx: StepTransaction, variables: tf.Variable[], loss: number | null): void {
    const outcome = finishNonfinite(this.state, this.rule, loss ?? NaN);
    const overflowed = loss === Infinity || loss === -Infinity;
    const undo = overflowed ? this.previous.fitting(variables) : null;
    if (undo !== null && undo.lr > 0) {
      tx.beforeWrite(variables);
      if (addScaled(variables, undo.directions, -undo.lr)) {
        return this.finish({ ...outcome, info: { ...outcome.info, reason: 'rolled_back' } }, null);
      }
    }
    this.finish(outcome, null);
  }

  /** Writes the decided update through the guard; a non-finite update is refused and reported as such. */
  private apply(
    tx: StepTransaction,
    variables: tf.Variable[],
    directions: tf.Tensor[],
    outcome: StepOutcome,
    closure: boolean,
  ): void {
    if (outcome.appliedLr !== 0) tx.beforeWrite(variables);
    const written = outcome.appliedLr === 0 || addScaled(variables, directions, outcome.appliedLr);
    if (!written) {
      tf.dispose(directions);
      return this.finish(finishNonfinite(this.state, this.rule, outcome.info.loss), null);
    }
    // Held after every written closure step, not only before a refit: the same single copy, and
    // the step can then be undone (see `nonfinite`). The probes only ever read it on a refit.
    const keep = outcome.keepDirection || (closure && outcome.appliedLr > 0);
    this.finish(outcome, keep ? directions : null);
    if (!keep) tf.dispose(directions);
  }

  private finish(outcome: StepOutcome, keep: tf.Tensor[] | null): void {
    // swap, not replace: the old direction is disposed when the step commits (it may roll back).
    this.previous.swap(keep === null ? null : { directions: keep, lr: outcome.appliedLr });
    this.state = outcome.state;
    this.last = outcome.info;
    this.incrementIterations();
    this.options.onStep?.(outcome.info);
  }

  override async getWeights(): Promise<NamedTensor[]> {
    assertLive(this, this.disposed, 'getWeights');
    const average = this.averager === null ? null : { weights: this.averager.named(), count: this.averager.t - 1 };
    return [
      await this.saveIterations(),
      ...(await saveGeN(this.base, {
        state: this.state,
        previous: this.previous.value,
        gradScale: this.gradScale,
        average,
      })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    assertLive(this, this.disposed, 'setWeights');
    this.assertTraining('setWeights');
    const held = await loadGeN(this.base, weightValues, this.options.iterateAverage !== null);
    this.iterations_ = held.iterations;
    this.state = held.state;
    this.previous.replace(held.previous);
    this.heldRestored = held.previous !== null;
    this.gradScale = held.gradScale;
    this.dropAverage();
    if (held.average !== null) {
      this.averager = new PolynomialAverager('GeN', this.options.iterateAverage ?? 0);
      this.averager.restore(held.average.weights, held.average.count + 1);
      tf.dispose(held.average.weights.map((w) => w.tensor));
    }
  }

  /** @throws {Error} in eval mode: the variables hold the iterate average, not the weights being trained. */
  private assertTraining(method: string): void {
    if (this.mode === 'eval') {
      throw new Error(
        `GeN.${method}: the variables hold the iterate average (eval mode); call opt.train() before stepping or restoring.`,
      );
    }
  }

  /**
   * Notes the step's variables for the average, checked before anything is written: a variable list the
   * average does not fit is refused while the step can still be refused whole.
   */
  private willAverage(variables: tf.Variable[]): void {
    if (this.options.iterateAverage === null || this.horizon !== null) return;
    this.averager?.assertFits(variables);
    this.stepped = variables;
  }

  /** Folds the committed step's weights into the average (after the t-th step: x̄ ← (1 − cₜ)·x̄ + cₜ·w). */
  private foldAverage(): void {
    const variables = this.stepped;
    this.stepped = null;
    // willAverage noted them only with the option set and no horizon in force.
    if (variables === null || this.options.iterateAverage === null) return;
    this.averager ??= new PolynomialAverager('GeN', this.options.iterateAverage);
    this.averager.update(variables);
  }

  /** Forgets the average (a horizon now anneals the step); kept while the variables hold it. */
  private dropAverage(): void {
    if (this.averager === null || this.averager.swapped) return;
    this.averager.dispose();
    this.averager = null;
  }

  /** @throws {Error} the restored held direction does not fit the variables: the state of another model. */
  private refuseRestoredDirection(variables: tf.Variable[]): never {
    const shapes = (ts: readonly { shape: number[] }[]) => ts.map((t) => `[${t.shape}]`).join(', ');
    throw new Error(
      `GeN: the restored state holds a direction of shapes ${shapes(this.previous.value?.directions ?? [])}, ` +
        `but this step's variables have shapes ${shapes(variables)}: the state comes from another model (or a truncated list).`,
    );
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.previous.replace(null);
    this.averager?.dispose();
    this.averager = null;
    this.base.dispose();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return genConfig(this.base, this.options);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { base, options } = genFromConfig(config);
    return new cls(base, options);
  }
}

/** A spike is skipped like a non-finite step, under its own reason. */
function spikeOutcome(o: StepOutcome): StepOutcome {
  return { ...o, info: { ...o.info, reason: 'spike' } };
}
