/**
 * GeN's detector of a finite gradient spike: one corrupted batch whose gradient is many orders of
 * magnitude larger than any recent one (×1e5 … ×1e19: finite, and its square still fits float32).
 * Fed to the base, such a gradient throws the weights ~|spike|·lr away on a step no probe looks
 * at, and a momentum or second-moment buffer carries it for hundreds of steps; measured on the
 * reliability problem, runs end orders of magnitude above their pre-spike loss.
 *
 * The scale is a decaying maximum of the accepted gradients' squared norms, r ← max(γ·r, ‖g‖²)
 * with γ = 0.9; a gradient with ‖g‖² > R·r, R = 1e8 (a norm 1e4× the recent maximum), is a
 * spike: the step is skipped like a non-finite one (reason `spike`), and r is left as it was. The
 * first step has no scale yet and is never a spike. On a fault-free run the norm never jumps by
 * 1e4× from one step to the next (the reference and conformance runs are unchanged), and a
 * genuine slow rise is followed: r rises with it.
 */
export const SPIKE_RATIO = 1e8;
export const SPIKE_DECAY = 0.9;

/** Whether a gradient of squared norm `g2` is a spike against the scale `r` (0: no scale yet). */
export function isSpike(g2: number, r: number): boolean {
  return r > 0 && g2 > SPIKE_RATIO * r;
}

/** The scale after an accepted gradient of squared norm `g2`. */
export function nextScale(g2: number, r: number): number {
  return Math.max(SPIKE_DECAY * r, g2);
}
