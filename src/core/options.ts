import { FLOAT32_EPSILON } from './accept.js';
import { assertKnownKeys, checkBoolean, checkNumber, checkOneOf, formatValue, withDefaults } from './validate.js';

/** Shape of the horizon multiplier s(t) on the applied step, t = step / steps. */
export type HorizonShape = 'constant' | 'linear' | 'cosine' | 'cooldown';

/** Calibration ends after this many steps even if no proposal landed in the clip band. */
export const MAX_CALIBRATION_STEPS = 25;

/** The most extra fits `calibrationRefits` may allow one calibration step (each moves the lr up to 10×). */
export const MAX_CALIBRATION_REFITS = 10;

/** The final fraction of a run over which the `cooldown` shape decays linearly to 0. */
export const COOLDOWN_FRACTION = 0.2;

/** A training horizon: the applied learning rate is multiplied by s(t), t = (step − start) / steps. */
export interface Horizon {
  /** Total number of steps T of the run. */
  steps: number;
  /**
   * `linear`: s = 1 − t; `cosine`: s = (1 + cos πt) / 2; `cooldown`: s = 1 until the last
   * {@link COOLDOWN_FRACTION} of the run, then linear to 0 (the warmup-stable-decay shape);
   * `constant`: s = 1. Default {@link HORIZON_SHAPE}.
   */
  shape?: HorizonShape;
  /** The step the run begins at (GeN's step counter). Default 0; `model.fit` sets it to the step it starts at. */
  start?: number;
  /**
   * What s multiplies. `step` (default): the applied step, lr_applied = s·lr, the smoothed lr
   * untouched. `proposal`: the official code's placement, inside the smoothing,
   * lr ← γ·lr + (1 − γ)·s·clip(x*); with the clip band [½, 2] that is a geometric decay by up to
   * ×(γ + (1 − γ)·2s) per refit once s < ½, whatever x* says.
   */
  on?: 'step' | 'proposal';
  /**
   * The fraction of the horizon over which the applied step ramps up: for the first W = ⌊warmUp·steps⌋ steps from
   * `start`, it is multiplied by (k + 1)/W at the k-th of them (the tuned schedules' linear warm-up). Acts on the
   * applied step wherever `on` puts s, and is not fed back into the smoothed lr, so the probes measure at the
   * distance they would without it. A number in [0, 1); default {@link HORIZON_WARM_UP} (no ramp).
   */
  warmUp?: number;
}

/** The shape of a horizon given without one, and of the horizon GeN learns from `model.fit`. */
export const HORIZON_SHAPE: HorizonShape = 'cooldown';

/** The warm-up fraction of a horizon given without one, and of the horizon GeN learns from `model.fit`. */
export const HORIZON_WARM_UP = 0;

/**
 * `auto`: no horizon until the run length is known; `model.fit` (and `fitDataset` with
 * `batchesPerEpoch`) tells it, and the horizon is then the {@link HORIZON_SHAPE} over that run.
 */
export type HorizonOption = Horizon | 'auto' | null;

/** The numeric options of GeN's learning-rate controller (all plain numbers). */
export interface ControllerOptions {
  /** Initial learning rate; also the first probe distance. Default 1e-3. Matters little: see `calibrate`. */
  initialLr: number;
  /** Refit the parabola every `every` steps (Φ in the paper). Default 4. */
  every: number;
  /** Smoothing γ of the learning rate: lr ← γ·lr + (1 − γ)·proposal. Default 0.9. */
  smoothing: number;
  /** Band [lo, hi] (relative to the current lr) a proposal is clipped to; null for none. Default [0.5, 2]. */
  clip: readonly [number, number] | null;
  /**
   * Probe offsets in units of the current lr; must contain 0 and at least 3 distinct values (2 with `slope:
   * 'gradient'`). Default [-1, 0, 1], or [0, 1] with `slope: 'gradient'`.
   */
  probes: readonly number[];
  /** Minimum R² of a fit with 4 or more probes: a finite number ≤ 1. Default 0.9. */
  minR2: number;
  /** Lower bound on the learning rate. Default 0. */
  minLr: number;
  /** Upper bound on the learning rate. Default Infinity. */
  maxLr: number;
  /**
   * A horizon multiplying the applied step (not the smoothed state): `{ steps }` where the run
   * length is known, `'auto'` to learn it from `model.fit`, null for none (the run length is
   * unknown: every step uses the smoothed lr as it is). Default `'auto'`.
   */
  horizon: HorizonOption;
  /**
   * Start by refitting every step without smoothing, moving the lr up to 10× per step towards the
   * proposal, until a proposal lands inside the clip band (at most 25 steps; never at the first step with the
   * default `minCalibrationSteps`). This makes the
   * initial `lr` matter little. Default true.
   */
  calibrate: boolean;
  /**
   * Calibration lands the lr at proposal / calibrationDivisor instead of at the proposal; from there the
   * smoothed rule raises it by at most ×(γ + (1 − γ)·clip[1]) = ×1.1 per refit: an automatic
   * warm-up of about ln(calibrationDivisor) / ln(1.1) refits (12 refits, ~46 steps at every = 4, for the
   * default 3), like the slow rise of the official code from a small initial lr. Landing on the
   * one-step optimum at once (calibrationDivisor = 1) overshoots early in training: on the benchmark's
   * character transformer and matrix factorisation it cost 15–25% perplexity and diverged (see
   * docs/algorithm.md §2). Default 3.
   */
  calibrationDivisor: number;
  /**
   * The fewest calibration steps before a proposal in the clip band may end calibration. The first
   * refit of a run probes the first direction from the initial weights, and no step has been applied
   * yet that any fit has judged; with 1, a first proposal that happens to land near `initialLr`
   * ends calibration at once (docs/algorithm.md §11). Default 2.
   */
  minCalibrationSteps: number;
  /**
   * The most extra fits one calibration step takes before its update, at the same weights and on the
   * same batch, while the proposal's target lies outside the clip band (or the fit grows the lr): each
   * probes again at the distance the previous fit proposed, so the update a calibration step applies
   * is one whose distance was probed. 0: every calibration step applies after one fit (0.5's rule).
   * Each extra fit costs the probe forwards only (no gradient). Measured in the 0.6 round (docs/algorithm.md §12)
   * and not adopted: from a large `initialLr` it removes the overshoot of the first update, but it cost the LSTM
   * task 0.76 perplexity (`'any'`) and moved brown-genre's SGD seeds onto the majority-class plateau (`'decrease'`).
   * Default 0.
   */
  calibrationRefits: number;
  /**
   * Which calibration fits `calibrationRefits` takes again. `decrease`: only those whose target lies below
   * the band, the decreases, which a calibration step would otherwise apply at once at a distance its probes
   * did not span (an increase waits one step, so the next probes span it first). `any`: also the targets
   * above the band and the fits that grow the lr, so that an increase too is probed before it is applied;
   * this skips the geometric ramp from a small `initialLr` (docs/algorithm.md §12). Default `any`.
   */
  calibrationRefitsOn: CalibrationRefitRule;
  /**
   * Whether a calibration fit is checked against the gradient. `calibration`: while calibrating, a fit that would be
   * accepted (or grow the lr as a downhill nonconvex one; an insignificant fit's slope may be rounding) is refused, reason `off_parabola`, when its slope a and the exact directional derivative
   * of the same batch's loss along the probed direction, a_g = −g·D (one dot product with the gradient the step has),
   * disagree by more than a factor {@link SLOPE_AGREEMENT} (or in sign): with probes at ±δ, a − a_g = (δ²/6)·L''' + O(δ⁴),
   * so the probes spanned more than the region where the loss along D is a parabola, and neither x* nor the distance
   * can be trusted. The update is skipped and the lr divided by 10, so the next fit probes a tenth of the distance.
   * Off outside calibration, with `probeLoss` (the probes' loss is not the gradient's) and in `applyGradients`.
   * `off`: no check (every version before 1.1). Default `calibration` since 1.1 (chosen on the development tasks,
   * docs/algorithm.md §21: from an initial lr of 0.1 moby-char's GeN-AdamW ends at perplexity 7.35 instead of 11.42).
   */
  slopeCheck: SlopeCheck;
  /**
   * Where a fit's slope comes from. `fitted`: the parabola L(x) ≈ l₀ − a·x + (b/2)·x² is fitted to the probes, a
   * and b both (two probe forwards per refit at the default probes; the paper's estimator). `gradient`: a is the
   * exact directional derivative of the same batch's loss along the probed direction, a = a_g = −g·D (one dot
   * product with the gradient the step has), l₀ the step's own loss, and only b is fitted to the probes: with one
   * probe at x = h, b = 2·(L(h) − l₀ + a_g·h)/h², so a refit costs one forward pass instead of two. The one-sided
   * curvature carries an O(h) error, b + h·L'''/3, where the symmetric fit's is O(h²) (docs/algorithm.md §24).
   * `alternating`: the fitted slope (and `probes`) while calibrating, so that `slopeCheck` still compares the two
   * there; after calibration the gradient's slope with one probe at ±h·lr (h = max |probes|) whose side alternates
   * from refit to refit, so that the one-sided errors ±h·L'''/3 of consecutive fits have opposite signs and the
   * smoothing averages them out (docs/algorithm.md §24). Both need the loss closure's own loss at the probes: not
   * allowed with `probeLoss`. Default `alternating` since 1.3 (chosen on the development tasks, docs/algorithm.md §24:
   * as good as `fitted` there at about half the cost of a refit), and `fitted` when GeN is given a `probeLoss`;
   * 1.2's rule was `fitted`.
   */
  slope: SlopeSource;
  /**
   * γ of a polynomial-decay average of the iterates that GeN keeps while it has no horizon (the anytime mode):
   * after its t-th step x̄ₜ = (1 − cₜ)·x̄ₜ₋₁ + cₜ·xₜ with cₜ = (γ + 1)/(t + γ) (Shamir & Zhang 2013; the last
   * ~1/(γ + 1) of the run weighs most). `opt.eval()` puts x̄ into the variables for evaluation and `opt.train()`
   * puts the trained weights back. The average never feeds back into the run; with a horizon (the step anneals
   * already) none is kept. Costs one copy of the parameters. null: no average. Default 8 (DoG's authors' γ, not
   * tuned; adopted on the development tasks in the 0.7 round, where the anytime mode went from 4 to 6 of 13 pairs
   * within target, docs/algorithm.md §13).
   */
  iterateAverage: number | null;
  /** Relative precision of one loss value, for the curvature significance test. Default 32·2⁻²³ ≈ 3.8e-6. */
  lossPrecision: number;
  /**
   * Which direction a refit probes. `previous`: the base direction of the previous step, probed on
   * the current batch. That direction was built from other batches, so the fitted slope is an
   * unbiased estimate of the full-batch slope; along the current direction, on the batch it came
   * from, the slope includes the batch's own gradient noise and the proposal is biased upward
   * (docs/algorithm.md §7). `current`: the direction about to be applied (the paper's Algorithm 1;
   * exact on full-batch problems). Default `previous`; a step with no previous direction probes the
   * current one.
   */
  probeDirection: ProbeDirection;
  /**
   * The learning rate tracks stepFactor × x* instead of the one-step optimum x* = a/b. Along the
   * probed direction any factor in (0, 2) still lowers the fitted parabola (by (c − c²/2)·a²/b);
   * the greedy choice c = 1 is biased small over many steps (the short-horizon bias of greedy step
   * sizes, Wu et al., ICLR 2018; docs/algorithm.md). Default 1.5 since 1.0, acting only where `stepFactorGate`
   * lets it: by default, while a reported validation loss follows the training loss, so a run without reports
   * keeps c = 1 (docs/algorithm.md §19). 0.9's default was 1.
   */
  stepFactor: number;
  /**
   * What a rejected fit (`not_descent`, `nonconvex`, `poor_fit`) does to the lr. `back-off`:
   * lr ← γ·lr + (1 − γ)·lo·lr (×0.95 at the defaults); `hold`: the lr is unchanged (the official
   * code's rule). With noisy probes a rejection is often noise, and backing off on each one drags
   * the lr below x* (docs/algorithm.md). Default `back-off`.
   */
  rejection: RejectionRule;
  /**
   * What a `nonconvex` fit (b < 0) with a downhill slope does. Along such a direction the loss fell
   * faster than linearly over the whole probed span: the probes were too close to see where the
   * curvature turns, which is evidence for a longer step, not a shorter one. `grow`: the lr grows
   * as after an `insignificant` fit (×10 while calibrating, else ×(γ + (1 − γ)·clip[1])), so the
   * next probes look further out; `reject`: it is a rejected fit like the others (gen-optim 0.3's
   * rule: ½ while calibrating, else the `rejection` rule). A concave fit going uphill is always
   * rejected. Default `grow` (chosen on the development tasks, docs/algorithm.md §10).
   */
  negativeCurvature: NegativeCurvatureRule;
  /**
   * What an `insignificant` fit (its curvature below the loss's float32 noise over the probed span) does to the lr
   * after calibration; while calibrating it always grows the lr ×10, the scale is not found yet. `grow`: lr ← γ·lr +
   * (1 − γ)·clip[1]·lr (×1.1 at the defaults), so the next probes look further out (gen-optim 1.3's rule); `hold`: the
   * lr is unchanged; `grow-if-downhill`: it grows only when the slope over the span is downhill by more than the noise
   * (`downhill` of the acceptance rule), else holds. Once the loss along the direction is flat to float32, as at a
   * minimum that the data do not pin down further, `grow` raises the lr at every refit with nothing measured to
   * support the longer step, until a step blows up (docs/algorithm.md §25). Default `grow-if-downhill` (since 1.4,
   * chosen on the development tasks: §25).
   */
  insignificantCurvature: InsignificantCurvatureRule;
  /**
   * How the smoothing averages the lr with its target (the clipped proposal, or hi·lr / lo·lr).
   * `arithmetic`: lr ← γ·lr + (1 − γ)·target (the paper's and the official code's EMA);
   * `geometric`: lr ← lr^γ · target^(1 − γ), the same EMA on log lr. With the clip band [½, 2]
   * the arithmetic rule moves a clipped-high fit by ×1.1 and a clipped-low or rejected one by
   * ×0.95, so proposals that scatter evenly (in ratio) around the current lr raise it on average,
   * by up to ×1.022 per refit when the fits are pure noise: the lr settles above the proposals'
   * median, the more so the noisier the fits. The geometric rule moves those by ×2^0.1 ≈ 1.072 and
   * ×2^−0.1, and settles at the median (docs/algorithm.md §11). Default `arithmetic`.
   */
  averaging: AveragingRule;
  /**
   * What a fit that would raise the lr does while the training loss is rising. GeN keeps two
   * exponential averages of the step losses, a fast one (weight {@link LOSS_TREND_FAST}, about 10 steps) and a
   * slow one ({@link LOSS_TREND_SLOW}, about 50), and calls the loss rising when the fast one is above the slow
   * one. `hold`: while it rises, an accepted proposal is clipped to at most the current lr, and an `insignificant`
   * (or downhill `nonconvex`) fit leaves the lr as it is, so the lr cannot climb while the loss climbs; decreases
   * act as before. Why: the one-step rule measures the loss along one direction on one batch, and with a larger
   * `stepFactor` the lr was seen to run away on MNIST and MovieLens while every fit along its direction still
   * said "further" and the training loss rose for hundreds of steps (docs/algorithm.md §16). `ignore`: the
   * loss trend plays no part (gen-optim 0.7's rule). Calibration is not affected. Default `ignore`.
   */
  risingLoss: RisingLossRule;
  /**
   * What a validation loss reported with `reportValidationLoss` does (GeN never measures one itself). A report
   * below the best one so far is the new best; after `patience` reports in a row that are not, the applied step
   * is multiplied by `factor`, for the rest of the run: lr_applied = v·s(t)·lr with v ← factor·v. v is not fed
   * back into the smoothed lr, so the fits go on measuring the step along the direction as before. Why: where
   * the data overfit, the one-step rule on training batches keeps a step that lowers the training loss while the
   * validation loss climbs (brown-genre in docs/algorithm.md §17: GeN-AdamW's lr 15× the tuned one, validation
   * loss doubling over the run); no signal on the training batches shows it. Without reports nothing changes.
   * `null` (the default since 1.0): reports never decay the step; they open and close `stepFactorGate`. An object
   * `{ factor, patience }` turns the decay on; its fields default to `{ factor: 0.5, patience: 1 }` (0.9's default,
   * not tuned; measured and not adopted in docs/algorithm.md §17).
   */
  validationDecay: Readonly<ValidationDecay> | null;
  /**
   * When `stepFactor` acts. `always` (gen-optim 0.9's rule): at every fit, calibration included. `validation`:
   * only while the gate is open, that is while the validation loss last reported with `reportValidationLoss` was
   * at most (1 + {@link STEP_FACTOR_GATE_TOLERANCE}) × the fast average of the training losses at that report;
   * and while it is open, no fit raises the lr while the training loss rises (the guard of `risingLoss: 'hold'`,
   * which the factor needs: §16). Before the first report (so during calibration) and after a report above the
   * tolerance, GeN is GeN with `stepFactor` 1 and `risingLoss` as given, to the last bit. Why: the
   * factor is there for the short-horizon bias of the greedy step, which holds where the loss that matters
   * follows the training loss; where the data overfit, a longer step lowers the training loss and not the
   * validation loss (docs/algorithm.md §18–19: the factor cost MovieLens and brown-genre, whose validation loss
   * parts from the training loss early, and helped Fashion-MNIST and Moby Dick, whose two losses stay together).
   * Default `validation` since 1.0 (chosen on the development tasks, §19; 0.9's rule was `always`).
   */
  stepFactorGate: StepFactorGate;
}

/** When the step factor acts: see {@link ControllerOptions.stepFactorGate}. */
export type StepFactorGate = 'always' | 'validation';

/**
 * How far the reported validation loss may lie above the fast training-loss average for `stepFactorGate:
 * 'validation'` to apply the factor: open while validation ≤ (1 + 0.1) × training. Not tuned.
 */
export const STEP_FACTOR_GATE_TOLERANCE = 0.1;

/** The rule of {@link ControllerOptions.validationDecay}. */
export interface ValidationDecay {
  /** Multiplier of the applied step at each decay, in (0, 1). Default 0.5. */
  factor?: number;
  /** Reports in a row without a new best validation loss before a decay, an integer ≥ 1. Default 1. */
  patience?: number;
}

/** Defaults of {@link ValidationDecay}. */
export const VALIDATION_DECAY_DEFAULTS: Readonly<Required<ValidationDecay>> = Object.freeze({
  factor: 0.5,
  patience: 1,
});

/** What a fit that would raise the lr does while the loss rises: see {@link ControllerOptions.risingLoss}. */
export type RisingLossRule = 'ignore' | 'hold';

/** Weight of a step's loss in the fast loss average of {@link ControllerOptions.risingLoss} (about 10 steps). */
export const LOSS_TREND_FAST = 0.1;
/** Weight of a step's loss in the slow loss average of {@link ControllerOptions.risingLoss} (about 50 steps). */
export const LOSS_TREND_SLOW = 0.02;

/** How the smoothing averages: see {@link ControllerOptions.averaging}. */
export type AveragingRule = 'arithmetic' | 'geometric';

/** Whether calibration fits are checked against the gradient: see {@link ControllerOptions.slopeCheck}. */
export type SlopeCheck = 'off' | 'calibration';

/** Where a fit's slope comes from: see {@link ControllerOptions.slope}. */
export type SlopeSource = 'fitted' | 'gradient' | 'alternating';

/** The probe offsets with `slope: 'gradient'` when `probes` is not given: one probe, one lr ahead. */
export const GRADIENT_SLOPE_PROBES: readonly number[] = Object.freeze([0, 1]);

/**
 * How far a fitted slope may lie from the gradient's directional derivative under `slopeCheck: 'calibration'`:
 * 1/2 ≤ a/a_g ≤ 2. Not tuned (the width of the default clip band).
 */
export const SLOPE_AGREEMENT = 2;

/** Which calibration fits are taken again (`calibrationRefitsOn`). */
export type CalibrationRefitRule = 'decrease' | 'any';

/** What a downhill fit with negative curvature does: see {@link ControllerOptions.negativeCurvature}. */
export type NegativeCurvatureRule = 'grow' | 'reject';

/** What an insignificant fit does after calibration: see {@link ControllerOptions.insignificantCurvature}. */
export type InsignificantCurvatureRule = 'grow' | 'hold' | 'grow-if-downhill';

/** What a rejected fit does: see {@link ControllerOptions.rejection}. */
export type RejectionRule = 'back-off' | 'hold';

/** Which direction a refit probes: see {@link ControllerOptions.probeDirection}. */
export type ProbeDirection = 'previous' | 'current';

/** Defaults of {@link ControllerOptions}. */
export const CONTROLLER_DEFAULTS: Readonly<ControllerOptions> = Object.freeze({
  initialLr: 1e-3,
  every: 4,
  smoothing: 0.9,
  clip: Object.freeze([0.5, 2]) as readonly [number, number],
  probes: Object.freeze([-1, 0, 1]),
  minR2: 0.9,
  minLr: 0,
  maxLr: Infinity,
  horizon: 'auto',
  calibrate: true,
  calibrationDivisor: 3,
  minCalibrationSteps: 2,
  calibrationRefits: 0,
  calibrationRefitsOn: 'any',
  slopeCheck: 'calibration',
  slope: 'alternating',
  iterateAverage: 8,
  lossPrecision: 32 * FLOAT32_EPSILON,
  probeDirection: 'previous',
  stepFactor: 1.5,
  rejection: 'back-off',
  negativeCurvature: 'grow',
  insignificantCurvature: 'grow-if-downhill',
  risingLoss: 'ignore',
  validationDecay: null,
  stepFactorGate: 'validation',
  averaging: 'arithmetic',
});

/**
 * Validates a horizon object and fills its defaults (shape {@link HORIZON_SHAPE}, start 0).
 * @throws {TypeError | RangeError} naming the field, the value and what is allowed.
 */
export function resolveHorizon(owner: string, h: Record<string, unknown>): Readonly<Required<Horizon>> {
  assertKnownKeys(`${owner} horizon`, h, ['steps', 'shape', 'start', 'on', 'warmUp']);
  checkNumber(owner, 'horizon.steps', h.steps, { min: 1, integer: true });
  checkOneOf(owner, 'horizon.shape', h.shape ?? HORIZON_SHAPE, ['constant', 'linear', 'cosine', 'cooldown']);
  checkNumber(owner, 'horizon.start', h.start ?? 0, { min: 0, integer: true });
  checkOneOf(owner, 'horizon.on', h.on ?? 'step', ['step', 'proposal']);
  checkNumber(owner, 'horizon.warmUp', h.warmUp ?? HORIZON_WARM_UP, { min: 0, max: 1, maxExclusive: true });
  return Object.freeze({
    steps: h.steps as number,
    shape: (h.shape ?? HORIZON_SHAPE) as HorizonShape,
    start: (h.start ?? 0) as number,
    on: (h.on ?? 'step') as 'step' | 'proposal',
    warmUp: (h.warmUp ?? HORIZON_WARM_UP) as number,
  });
}

/**
 * Validates `validationDecay` (null, or an object) and fills its defaults ({@link VALIDATION_DECAY_DEFAULTS}).
 * @throws {TypeError | RangeError} naming the field, the value and what is allowed.
 */
function resolveValidationDecay(owner: string, v: unknown): Readonly<Required<ValidationDecay>> | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new TypeError(
      `${owner}: option 'validationDecay' must be null or { factor?, patience? }; got ${formatValue(v)}.`,
    );
  }
  const given = v as Record<string, unknown>;
  assertKnownKeys(`${owner} validationDecay`, given, ['factor', 'patience']);
  const factor = given.factor ?? VALIDATION_DECAY_DEFAULTS.factor;
  const patience = given.patience ?? VALIDATION_DECAY_DEFAULTS.patience;
  checkNumber(owner, 'validationDecay.factor', factor, { min: 0, minExclusive: true, max: 1, maxExclusive: true });
  checkNumber(owner, 'validationDecay.patience', patience, { min: 1, integer: true });
  return Object.freeze({ factor: factor as number, patience: patience as number });
}

/** Options renamed in gen-optim 0.2.0, with their new names: an old name gets an error that says what to write. */
export const RENAMED_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  lr: 'initialLr',
  warmUp: 'calibrationDivisor',
});

function assertNotRenamed(owner: string, given: object | undefined | null): void {
  if (given === null || typeof given !== 'object') return;
  for (const [old, now] of Object.entries(RENAMED_OPTIONS)) {
    if (Object.prototype.hasOwnProperty.call(given, old)) {
      throw new TypeError(
        `${owner}: option '${old}' was renamed to '${now}' in gen-optim 0.2.0; write { ${now}: ... }.` +
          (old === 'warmUp' ? ' (A warm-up of the step: horizon.warmUp.)' : ''),
      );
    }
  }
}

/** Names of the controller options, in documentation order. */
export const CONTROLLER_OPTION_NAMES = Object.freeze(
  Object.keys(CONTROLLER_DEFAULTS),
) as readonly (keyof ControllerOptions)[];

/**
 * Fills defaults and validates every controller option.
 * @param owner the name used in error messages (e.g. "GeN").
 * @param extraKeys other option names the caller accepts (validated by the caller).
 * @throws {TypeError} an unknown option or a value of the wrong type.
 * @throws {RangeError} a value out of its allowed range.
 */
export function resolveControllerOptions(
  owner: string,
  given: Partial<ControllerOptions> | undefined,
  extraKeys: readonly string[] = [],
): ControllerOptions {
  assertNotRenamed(owner, given);
  assertKnownKeys(owner, given, [...CONTROLLER_OPTION_NAMES, ...extraKeys]);
  const picked: Partial<ControllerOptions> = {};
  for (const k of CONTROLLER_OPTION_NAMES) {
    if (given && (given as Record<string, unknown>)[k] !== undefined)
      (picked as Record<string, unknown>)[k] = (given as Record<string, unknown>)[k];
  }
  const o = withDefaults(CONTROLLER_DEFAULTS as ControllerOptions, picked);
  checkNumber(owner, 'initialLr', o.initialLr, { min: 0, minExclusive: true });
  checkNumber(owner, 'every', o.every, { min: 1, integer: true });
  checkNumber(owner, 'smoothing', o.smoothing, { min: 0, max: 1, maxExclusive: true });
  checkNumber(owner, 'minR2', o.minR2, { max: 1 });
  checkNumber(owner, 'minLr', o.minLr, { min: 0 });
  checkNumber(owner, 'maxLr', o.maxLr, { min: 0, minExclusive: true, allowInfinity: true });
  if (o.minLr > o.maxLr) {
    throw new RangeError(`${owner}: option 'minLr' must be <= maxLr (${o.maxLr}); got ${o.minLr}.`);
  }
  checkNumber(owner, 'lossPrecision', o.lossPrecision, { min: 0 });
  checkBoolean(owner, 'calibrate', o.calibrate);
  checkNumber(owner, 'calibrationDivisor', o.calibrationDivisor, { min: 1 });
  checkNumber(owner, 'minCalibrationSteps', o.minCalibrationSteps, {
    min: 1,
    max: MAX_CALIBRATION_STEPS,
    integer: true,
  });
  checkNumber(owner, 'calibrationRefits', o.calibrationRefits, { min: 0, max: MAX_CALIBRATION_REFITS, integer: true });
  checkOneOf(owner, 'probeDirection', o.probeDirection, ['previous', 'current']);
  checkNumber(owner, 'stepFactor', o.stepFactor, { min: 0, minExclusive: true, max: 2, maxExclusive: true });
  checkOneOf(owner, 'rejection', o.rejection, ['back-off', 'hold']);
  checkOneOf(owner, 'negativeCurvature', o.negativeCurvature, ['grow', 'reject']);
  checkOneOf(owner, 'insignificantCurvature', o.insignificantCurvature, ['grow', 'hold', 'grow-if-downhill']);
  checkOneOf(owner, 'risingLoss', o.risingLoss, ['ignore', 'hold']);
  o.validationDecay = resolveValidationDecay(owner, o.validationDecay as unknown);
  checkOneOf(owner, 'stepFactorGate', o.stepFactorGate, ['always', 'validation']);
  checkOneOf(owner, 'averaging', o.averaging, ['arithmetic', 'geometric']);
  checkOneOf(owner, 'calibrationRefitsOn', o.calibrationRefitsOn, ['decrease', 'any']);
  checkOneOf(owner, 'slopeCheck', o.slopeCheck, ['off', 'calibration']);
  checkOneOf(owner, 'slope', o.slope, ['fitted', 'gradient', 'alternating']);
  if (o.slope === 'gradient' && picked.probes === undefined) o.probes = GRADIENT_SLOPE_PROBES;
  if (o.iterateAverage !== null) {
    if (typeof o.iterateAverage !== 'number') {
      throw new TypeError(
        `${owner}: option 'iterateAverage' must be null or a number γ >= 0; got ${formatValue(o.iterateAverage)}.`,
      );
    }
    checkNumber(owner, 'iterateAverage', o.iterateAverage, { min: 0 });
  }
  if (o.clip !== null) {
    const c = o.clip as unknown;
    if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number')) {
      throw new TypeError(`${owner}: option 'clip' must be null or a pair [lo, hi] of numbers; got ${formatValue(c)}.`);
    }
    const [lo, hi] = c as number[];
    if (!(lo > 0 && lo <= 1 && hi >= 1 && hi < Infinity)) {
      throw new RangeError(
        `${owner}: option 'clip' must be [lo, hi] with 0 < lo <= 1 <= hi < Infinity; got ${formatValue(c)}.`,
      );
    }
  }
  const p = o.probes as unknown;
  if (!Array.isArray(p) || !p.every((v) => typeof v === 'number')) {
    throw new TypeError(`${owner}: option 'probes' must be an array of numbers containing 0; got ${formatValue(p)}.`);
  }
  const probes = p as number[];
  const fewest = o.slope === 'gradient' ? 2 : 3;
  if (
    !probes.every(Number.isFinite) ||
    !probes.includes(0) ||
    new Set(probes).size !== probes.length ||
    probes.length < fewest
  ) {
    throw new RangeError(
      `${owner}: option 'probes' must hold at least ${fewest} distinct finite offsets including 0` +
        `${o.slope === 'gradient' ? " (with slope: 'gradient')" : ''}; got ${formatValue(p)}.`,
    );
  }
  if (o.horizon !== null && o.horizon !== 'auto') {
    const h = o.horizon as unknown as Record<string, unknown>;
    if (typeof h !== 'object' || Array.isArray(h)) {
      throw new TypeError(
        `${owner}: option 'horizon' must be 'auto', null or { steps, shape?, start?, on?, warmUp? }; got ${formatValue(h)}.`,
      );
    }
    o.horizon = resolveHorizon(owner, h);
  }
  o.probes = Object.freeze([...probes]);
  o.clip = o.clip === null ? null : (Object.freeze([o.clip[0], o.clip[1]]) as readonly [number, number]);
  return Object.freeze(o);
}
