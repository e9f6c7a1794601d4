import type { ParabolaFit } from './parabola.js';
import type { StepReason } from './reasons.js';

/** float32 machine epsilon, 2⁻²³: the relative resolution of a loss computed by TensorFlow.js. */
export const FLOAT32_EPSILON = 2 ** -23;

/** Options of {@link acceptProposal}. */
export interface AcceptOptions {
  /** Minimum R² of the fit; enforced only with 4 or more points (3 points always fit exactly). */
  minR2: number;
  /**
   * Relative precision of one loss value. A float32 mean over a batch is accurate to a few
   * hundred ulps at best; curvature smaller than this noise is not trusted.
   */
  lossPrecision: number;
}

/** The verdict on one fit. */
export interface Acceptance {
  accepted: boolean;
  /** One of `ok`, `not_descent`, `nonconvex`, `poor_fit`, `insignificant`, `nonfinite`. */
  reason: Extract<StepReason, 'ok' | 'not_descent' | 'nonconvex' | 'poor_fit' | 'insignificant' | 'nonfinite'>;
  /** The proposed step a/b, in the units of the offsets; NaN unless accepted. */
  proposal: number;
  /** Noise level of one loss value used for the significance tests. */
  noise: number;
  /**
   * Whether the fitted slope at the start is downhill by more than the noise over the probed span,
   * (a − b·start)·h > 2δ. True for every accepted fit; on a `nonconvex` one it separates a loss that
   * falls faster than linearly along the direction (a step too short to see the curvature turn) from
   * a hilltop.
   */
  downhill: boolean;
}

/**
 * Decides whether a fitted parabola can be trusted, in this order:
 *
 * 1. `nonfinite`: a loss, a, or b is not finite.
 * 2. significance: with h = max|xᵢ| and δ = lossPrecision·max|Lᵢ|, the curvature's contribution
 *    |b|·h² must exceed 4δ (the rounding error of L₊ − 2L₀ + L₋ can reach 4δ). Below that the
 *    sign of b means nothing: `not_descent` if the slope is significantly uphill (−a·h > 2δ),
 *    otherwise `insignificant` (probe further out).
 * 3. `nonconvex`: b ≤ 0.   4. `not_descent`: the slope at the start is not downhill, a − b·start ≤ 0.
 * 5. `poor_fit`: 4 or more points and R² < minR2.
 * 6. `ok`, with proposal x* = a / b − start: the step from the start to the parabola's minimum.
 *
 * `start` is the offset, on the fitted axis, of the point the step is measured from: 0 when the
 * probes surround the current weights and the step is taken from there; −(previous step) when
 * the probes surround the current weights along the previous direction and the question is how
 * far that previous step should have gone.
 */
export function acceptProposal(
  fit: ParabolaFit,
  xs: readonly number[],
  losses: readonly number[],
  options: AcceptOptions,
  start = 0,
): Acceptance {
  const scale = Math.max(...losses.map(Math.abs));
  const noise = options.lossPrecision * scale;
  const h = Math.max(...xs.map(Math.abs));
  const downhill = (fit.a - fit.b * start) * h > 2 * noise;
  const reject = (reason: Acceptance['reason']): Acceptance => ({
    accepted: false,
    reason,
    proposal: NaN,
    noise,
    downhill: reason !== 'nonfinite' && downhill,
  });

  if (!losses.every(Number.isFinite) || !Number.isFinite(fit.a) || !Number.isFinite(fit.b)) return reject('nonfinite');
  if (Math.abs(fit.b) * h * h <= 4 * noise) {
    return reject(-fit.a * h > 2 * noise ? 'not_descent' : 'insignificant');
  }
  if (fit.b <= 0) return reject('nonconvex');
  if (fit.a - fit.b * start <= 0) return reject('not_descent');
  if (fit.points >= 4 && fit.r2 < options.minR2) return reject('poor_fit');
  return { accepted: true, reason: 'ok', proposal: fit.a / fit.b - start, noise, downhill: true };
}
