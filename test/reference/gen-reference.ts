/**
 * An independent float64 GeN, re-derived from docs/algorithm.md (§2, §3, §4, §6, §7), for the
 * tests that pin the tfjs GeN's behaviour. It imports nothing from src/: every rule is written out
 * again here, so a change of behaviour in the library shows up as a disagreement with this file.
 *
 * Scope: the default controller and the options a test needs to vary (initial lr, horizon,
 * minLr/maxLr, the slope), with probes fixed at [−1, 0, 1] (closed-form fit, R² always 1, so `minR2` never
 * applies) and, with the default `slope: 'alternating'` after calibration, one probe at ±lr in turn with the
 * gradient's slope; `probeDirection: 'previous'` and the training closure for the probes.
 *
 * Each refit also records the margins of its discrete decisions (how far each compared quantity
 * was from its threshold), so a test can show that float32 rounding could not have flipped one.
 */
import type { ReferenceBase } from './float64-bases.js';

/** The objective of one mini-batch, in float64: its loss and gradient at any weights. */
export interface ReferenceObjective {
  loss(w: readonly Float64Array[]): number;
  gradient(w: readonly Float64Array[]): Float64Array[];
}

/** The controller options the reference supports, each with the library's default. */
export interface ReferenceOptions {
  /** Initial learning rate, also the first probe distance. Default 1e-3. */
  lr: number;
  /** Optional horizon T: the applied step is lr·s(step/T), s = 1 − t (linear) or (1 + cos πt)/2 (cosine). */
  horizon: { steps: number; shape: 'linear' | 'cosine' } | null;
  /** Bounds on the smoothed lr. Defaults 0 and ∞. */
  minLr: number;
  maxLr: number;
  /** The most extra fits at the same weights per calibration step (`calibrationRefits`). Default 0. */
  calibrationRefits: number;
  /** Which fits are taken again: 'decrease' (targets below the band only) or 'any'. Default 'any'. */
  calibrationRefitsOn: 'decrease' | 'any';
  /** 'hold': no fit raises the lr while the fast loss average is above the slow one. Default 'ignore'. */
  risingLoss: 'ignore' | 'hold';
  /**
   * 'alternating': after calibration, one probe at +lr when ⌊step/Φ⌋ is even and −lr when odd, the slope a = −g·P
   * from the float64 gradient, b = 2·(L(x) − L₀ + a·x)/x². 'fitted': three probes always. Default 'alternating'.
   */
  slope: 'fitted' | 'alternating';
  /**
   * What an insignificant fit does after calibration: 'grow' (×(γ + (1 − γ)·2)), 'hold' (lr unchanged), or
   * 'grow-if-downhill' (grows when (a − b·start)·h > 2δ, else holds). Default 'grow-if-downhill'.
   */
  insignificantCurvature: 'grow' | 'hold' | 'grow-if-downhill';
}

/** Defaults of the reference, equal to GeN's (docs/algorithm.md §6). */
export const REFERENCE_DEFAULTS: Readonly<ReferenceOptions> = Object.freeze({
  lr: 1e-3,
  horizon: null,
  minLr: 0,
  maxLr: Infinity,
  calibrationRefits: 0,
  calibrationRefitsOn: 'any',
  risingLoss: 'ignore',
  slope: 'alternating',
  insignificantCurvature: 'grow-if-downhill',
});

/** Refit period Φ. */
const EVERY = 4;
/** Smoothing γ of the lr outside calibration. */
const SMOOTHING = 0.9;
/** Clip band [lo, hi] of a proposal, relative to the current lr; also the band that ends calibration. */
const CLIP_LO = 0.5;
const CLIP_HI = 2;
/** Largest factor by which one calibration step moves the lr. */
const JUMP = 10;
/** Calibration ends after this many steps at the latest. */
const MAX_CALIBRATION = 25;
/** Calibration ends on an in-band proposal only from its second step on (minCalibrationSteps). */
const MIN_CALIBRATION = 2;
/** Calibration lands at proposal / W (the warm-up divisor). */
const WARM_UP = 3;
/** Relative precision δ/max|L| of one float32 loss value: 32 ulps of float32. */
const LOSS_PRECISION = 32 * 2 ** -23;
/** Weights of a step's loss in the fast and the slow loss average (`risingLoss`). */
const FAST = 0.1;
const SLOW = 0.02;

/** The margin of one discrete decision: `value` was compared against `threshold`. */
export interface Margin {
  /** What was compared, for messages. */
  name: string;
  /**
   * `noise`: a combination of losses against a multiple of the float32 noise level δ; its scale is
   * δ, because float32 rounding moves such a combination by a fraction of δ. `ratio`: a proposal
   * against a multiple of the lr; its scale is the threshold, because float32 moves the proposal
   * by its own relative error.
   */
  kind: 'noise' | 'ratio';
  value: number;
  threshold: number;
  scale: number;
}

/** |value − threshold| / scale: how far a decision was from flipping, in units of its scale. */
export const marginOf = (m: Margin): number => Math.abs(m.value - m.threshold) / m.scale;

/** What one reference step did; the fields mirror GeN's StepInfo. */
export interface ReferenceStep {
  step: number;
  refit: boolean;
  reason: string;
  /** The lr applied to this step's displacement (after the horizon; 0 when the update is skipped). */
  appliedLr: number;
  /** The smoothed lr after this step. */
  smoothedLr: number;
  /** Whether the controller was calibrating during this step. */
  calibrating: boolean;
  /** Which displacement the probes measured: this step's, the previous step's, or none (no refit). */
  probed: 'current' | 'previous' | null;
  /** The raw proposal of an accepted fit, NaN otherwise. */
  proposal: number;
  /** Margins of the discrete decisions of this step (empty without refit). */
  margins: Margin[];
  /** Extra fits taken at this step's weights before its update (`calibrationRefits`). */
  calibrationRefits: number;
  /** Whether `risingLoss: 'hold'` kept a fit from raising the lr at this step. */
  held: boolean;
}

const axpy = (w: readonly Float64Array[], x: number, d: readonly Float64Array[]): Float64Array[] =>
  w.map((wi, i) => wi.map((v, k) => v + x * d[i][k]));
const allFinite = (xs: readonly Float64Array[]) => xs.every((x) => x.every(Number.isFinite));
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
/** Σ xᵢ·yᵢ over every weight, in float64. */
const dot = (x: readonly Float64Array[], y: readonly Float64Array[]) =>
  x.reduce((s, xi, i) => xi.reduce((t, v, k) => t + v * y[i][k], s), 0);

/**
 * The reference GeN. Per step, on the current batch's objective f (docs/algorithm.md §2):
 *
 * 1. L₀ = f(w), g = ∇f(w); if either is not finite, the lr backs off (÷10 calibrating, ÷2 after),
 *    nothing is written and the kept direction is dropped.
 * 2. D = base.direction(w, g) (the base advances once).
 * 3. A refit happens while calibrating and at every step ≡ 0 mod Φ. It probes P at offsets
 *    x = −h, 0, +h with h = lr: P is the previous step's displacement when one was kept (it was
 *    applied with length η_prev, so the step being judged starts at x = −η_prev), else D (start 0).
 *    L(x) = f(w + x·P), with L(0) = L₀. Fit a = (L₋ − L₊)/(2h), b = (L₊ − 2L₀ + L₋)/h².
 * 4. Accept (δ = 32·2⁻²³·max|Lᵢ|): |b|h² ≤ 4δ → `not_descent` if −a·h > 2δ else `insignificant`;
 *    b ≤ 0 → `nonconvex`; a − b·start ≤ 0 → `not_descent`; else the proposal x* = a/b − start.
 *    A `nonconvex` fit with (a − b·start)·h > 2δ (downhill) grows the lr like an `insignificant` one; after
 *    calibration an `insignificant` one grows it only under `insignificantCurvature` 'grow' (or 'grow-if-downhill'
 *    with a downhill slope), else the lr holds.
 *    While calibrating, with `calibrationRefits` R > 0: a fit whose target x* ÷ W lies outside
 *    [½, 2]·lr moves lr to clamp(x* ÷ W, lr/10, 10·lr), one that grows the lr moves it ×10, and the
 *    probes are taken again at the new h, same w, same batch, up to R times; the last fit decides.
 *    With `calibrationRefitsOn: 'decrease'` only a target below the band is taken again.
 * 5. Controller (docs/algorithm.md §6 table; calibration ends on an in-band proposal from its second
 *    step on), then lr clamped to [minLr, maxLr] (kept if that gives
 *    0, NaN or ∞). While calibrating, this step uses min(old, new) lr. The loss averages
 *    ℓ_f += 0.1·(L₀ − ℓ_f), ℓ_s += 0.02·(L₀ − ℓ_s) (both L₀ at the first step) take L₀ first; with
 *    `risingLoss: 'hold'` and ℓ_f > ℓ_s, an accepted or growing fit outside calibration moves the lr
 *    towards at most the lr itself.
 * 6. w ← w + η·D with η = stepLr·s(step). D is kept for the next step iff that step refits.
 */
export class ReferenceGeN {
  readonly options: Readonly<ReferenceOptions>;
  /** The weights, one flat float64 array per tensor. */
  weights: Float64Array[];
  private step = 0;
  private lossFast = NaN;
  private lossSlow = NaN;
  private lr: number;
  private calibrating = true;
  private calibrationSteps = 0;
  private previous: { direction: Float64Array[]; length: number } | null = null;

  constructor(
    private readonly base: ReferenceBase,
    initialWeights: readonly ArrayLike<number>[],
    options: Partial<ReferenceOptions> = {},
  ) {
    this.options = { ...REFERENCE_DEFAULTS, ...options };
    this.lr = this.options.lr;
    this.weights = initialWeights.map((w) => Float64Array.from(w));
  }

  /** Whether `risingLoss: 'hold'` applies now: the fast loss average above the slow one. */
  private holds(): boolean {
    return this.options.risingLoss === 'hold' && this.lossFast > this.lossSlow;
  }

  /** The margin of the rising-loss decision, for the tests (NaN before a loss was seen). */
  lossTrendMargin(): Margin {
    const scale = LOSS_PRECISION * Math.max(Math.abs(this.lossFast), Math.abs(this.lossSlow));
    return {
      name: 'fast vs slow loss average',
      kind: 'noise',
      value: this.lossFast - this.lossSlow,
      threshold: 0,
      scale,
    };
  }

  private isRefit(step: number, calibrating: boolean): boolean {
    return calibrating || step % EVERY === 0;
  }

  /** s(t) of the horizon at a step (1 without one). */
  private horizonFactor(step: number): number {
    const h = this.options.horizon;
    if (h === null) return 1;
    const t = Math.min(step / h.steps, 1);
    return h.shape === 'linear' ? 1 - t : (1 + Math.cos(Math.PI * t)) / 2;
  }

  /** One GeN step on the objective of the current batch. */
  minimize(f: ReferenceObjective): ReferenceStep {
    const w = this.weights;
    const loss0 = f.loss(w);
    const g = f.gradient(w);
    const before = { step: this.step, lr: this.lr, calibrating: this.calibrating };
    if (!Number.isFinite(loss0) || !allFinite(g)) {
      this.previous = null;
      this.lr = Math.max(this.lr / (this.calibrating ? JUMP : 2), this.options.minLr) || this.lr;
      this.step += 1;
      return {
        ...this.record(before, false, 'nonfinite', 0),
        probed: null,
        proposal: NaN,
        margins: [],
        calibrationRefits: 0,
        held: false,
      };
    }
    if (Number.isNaN(this.lossFast)) [this.lossFast, this.lossSlow] = [loss0, loss0];
    else {
      this.lossFast += FAST * (loss0 - this.lossFast);
      this.lossSlow += SLOW * (loss0 - this.lossSlow);
    }
    const D = this.base.direction(w, g);

    let reason = 'skipped';
    let stepLr = this.lr;
    let skipUpdate = false;
    let proposal = NaN;
    let extraFits = 0;
    let held = false;
    const margins: Margin[] = [];
    const refit = this.isRefit(this.step, this.calibrating);
    const probed = refit ? (this.previous === null ? 'current' : 'previous') : null;
    if (refit) {
      const along = this.previous?.direction ?? D;
      const start = this.previous === null ? 0 : -this.previous.length;
      const { minLr, maxLr } = this.options;
      // A concave fit whose slope at the start is downhill: the loss fell faster than linearly over
      // the probed span, so the lr grows as after an insignificant fit (negativeCurvature 'grow').
      const fitAt = (h: number) => {
        let a: number, b: number, losses: number[];
        if (this.options.slope === 'alternating' && !this.calibrating) {
          const x = (Math.floor(this.step / EVERY) % 2 === 0 ? 1 : -1) * h;
          const lx = f.loss(axpy(w, x, along));
          a = -dot(g, along);
          b = (2 * (lx - loss0 + a * x)) / (x * x);
          losses = [lx];
        } else {
          const lm = f.loss(axpy(w, -h, along));
          const lp = f.loss(axpy(w, h, along));
          a = (lm - lp) / (2 * h);
          b = (lp - 2 * loss0 + lm) / (h * h);
          losses = [lm, lp];
        }
        const noise = LOSS_PRECISION * Math.max(Math.abs(loss0), ...losses.map(Math.abs));
        const out = { reason: 'ok', accepted: false, concaveDownhill: false, downhill: false, proposal: NaN };
        if (![...losses, a, b].every(Number.isFinite)) out.reason = 'nonfinite';
        else {
          const vsNoise = (name: string, value: number, threshold: number) =>
            margins.push({ name, kind: 'noise', value, threshold, scale: noise });
          vsNoise('|b|·h² vs 4δ', Math.abs(b) * h * h, 4 * noise);
          if (Math.abs(b) * h * h <= 4 * noise) {
            vsNoise('−a·h vs 2δ', -a * h, 2 * noise);
            out.reason = -a * h > 2 * noise ? 'not_descent' : 'insignificant';
            if (this.options.insignificantCurvature === 'grow-if-downhill') {
              vsNoise('(a − b·start)·h vs 2δ (insignificant)', (a - b * start) * h, 2 * noise);
              out.downhill = (a - b * start) * h > 2 * noise;
            }
          } else if (b <= 0) {
            out.reason = 'nonconvex';
            vsNoise('(a − b·start)·h vs 2δ', (a - b * start) * h, 2 * noise);
            out.concaveDownhill = (a - b * start) * h > 2 * noise;
          } else {
            // The slope at the start of the judged step, times h: a loss difference like the others.
            vsNoise('(a − b·start)·h vs 0', (a - b * start) * h, 0);
            if (a - b * start <= 0) out.reason = 'not_descent';
            else {
              out.accepted = true;
              out.proposal = a / b - start;
            }
          }
        }
        return out;
      };
      const vsLr = (name: string, value: number, threshold: number) =>
        margins.push({ name, kind: 'ratio', value, threshold, scale: threshold });
      let fit = fitAt(this.lr);
      const increases = this.options.calibrationRefitsOn === 'any';
      // calibrationRefits: while calibrating, a target outside the band (or a fit that grows the lr)
      // is probed again at the same weights, at the distance it proposes, before the step is decided.
      for (let k = 0; this.calibrating && k < this.options.calibrationRefits; k++) {
        const lr = this.lr;
        let next: number;
        if (fit.accepted) {
          const target = fit.proposal / WARM_UP;
          vsLr('x*/W vs 0.5·lr (refits)', target, CLIP_LO * lr);
          vsLr('x*/W vs 2·lr (refits)', target, CLIP_HI * lr);
          if (target >= CLIP_LO * lr && target <= CLIP_HI * lr) break;
          if (target > CLIP_HI * lr && !increases) break;
          next = clamp(target, lr / JUMP, lr * JUMP);
        } else if ((fit.reason === 'insignificant' || fit.concaveDownhill) && increases) next = lr * JUMP;
        else break;
        next = clamp(next, minLr, maxLr);
        if (!(next > 0) || !Number.isFinite(next) || next === lr) break;
        this.lr = next;
        fit = fitAt(next);
        extraFits += 1;
      }
      ({ reason, proposal } = fit);
      const { accepted, concaveDownhill } = fit;
      const rule = this.options.insignificantCurvature;
      const insignificantGrows = rule === 'grow' || (rule === 'grow-if-downhill' && fit.downhill);
      const lr = this.lr;
      let next: number;
      if (this.calibrating) {
        if (accepted) {
          const target = proposal / WARM_UP;
          next = clamp(target, lr / JUMP, lr * JUMP);
          if (next !== target) reason = 'clipped';
          vsLr('x*/W vs lr/10', target, lr / JUMP);
          vsLr('x*/W vs 10·lr', target, lr * JUMP);
          vsLr('x*/W vs 0.5·lr (ends calibration)', target, CLIP_LO * lr);
          vsLr('x*/W vs 2·lr (ends calibration)', target, CLIP_HI * lr);
          const inBand = target >= CLIP_LO * lr && target <= CLIP_HI * lr;
          if (inBand && this.calibrationSteps + 1 >= MIN_CALIBRATION) this.calibrating = false;
        } else if (reason === 'insignificant' || concaveDownhill) next = lr * JUMP;
        else if (reason === 'nonfinite') {
          next = lr / JUMP;
          skipUpdate = true;
        } else next = lr / 2;
        if (this.calibrationSteps + 1 >= MAX_CALIBRATION) this.calibrating = false;
        this.calibrationSteps += 1;
      } else if (accepted) {
        const clipped = clamp(proposal, CLIP_LO * lr, CLIP_HI * lr);
        if (clipped !== proposal) reason = 'clipped';
        vsLr('x* vs 0.5·lr', proposal, CLIP_LO * lr);
        vsLr('x* vs 2·lr', proposal, CLIP_HI * lr);
        held = this.holds() && clipped > lr;
        if (held) vsLr('x* vs lr (held)', proposal, lr);
        next = SMOOTHING * lr + (1 - SMOOTHING) * (held ? lr : clipped);
      } else if ((reason === 'insignificant' && insignificantGrows) || concaveDownhill) {
        held = this.holds();
        next = SMOOTHING * lr + (1 - SMOOTHING) * (held ? lr : CLIP_HI * lr);
      } else if (reason === 'insignificant') {
        next = lr;
      } else if (reason === 'nonfinite') {
        next = lr / 2;
        skipUpdate = true;
      } else next = SMOOTHING * lr + (1 - SMOOTHING) * CLIP_LO * lr;
      next = clamp(next, minLr, maxLr);
      if (!(next > 0) || !Number.isFinite(next)) next = lr;
      stepLr = before.calibrating ? Math.min(next, lr) : next;
      this.lr = next;
    }
    const applied = skipUpdate ? 0 : stepLr * this.horizonFactor(before.step);
    if (applied > 0) this.weights = axpy(w, applied, D);
    this.step += 1;
    this.previous = this.isRefit(this.step, this.calibrating) ? { direction: D, length: applied } : null;
    if (refit && !before.calibrating && this.options.risingLoss === 'hold') margins.push(this.lossTrendMargin());
    return {
      ...this.record(before, refit, reason, applied),
      probed,
      proposal,
      margins,
      calibrationRefits: extraFits,
      held,
    };
  }

  private record(
    before: { step: number; calibrating: boolean },
    refit: boolean,
    reason: string,
    appliedLr: number,
  ): Omit<ReferenceStep, 'probed' | 'proposal' | 'margins' | 'calibrationRefits' | 'held'> {
    return { step: before.step, refit, reason, appliedLr, smoothedLr: this.lr, calibrating: before.calibrating };
  }
}
