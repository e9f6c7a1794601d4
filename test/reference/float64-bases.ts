/**
 * Float64 re-statements of this library's SGDW and AdamW, written from their documented update
 * rules (not imported), for the GeN reference. Each turns the gradient into the displacement D per
 * unit learning rate (the base would move w to w + lr·D) and advances its state once per call.
 * Parameters are lists of flat Float64Arrays, one per tensor.
 */

/** A base optimizer as GeN sees it: gradient in, displacement per unit learning rate out. */
export interface ReferenceBase {
  /** Advances the state by one step for gradients `g` at weights `w`; returns D (one array per tensor). */
  direction(w: readonly Float64Array[], g: readonly Float64Array[]): Float64Array[];
}

const zerosLike = (xs: readonly Float64Array[]) => xs.map((x) => new Float64Array(x.length));

/**
 * SGD with heavy-ball momentum μ, optional Nesterov and decoupled weight decay λ, as `SGDW`
 * (defaults μ = 0, Nesterov off, λ = 0; the buffer starts at 0, so the first b is g):
 *
 *     b ← μ·b + g,   d = g + μ·b (Nesterov) or b,   D = −(d + λ·w).
 */
export class ReferenceSGDW implements ReferenceBase {
  private buffer: Float64Array[] | null = null;
  private t = 0;

  constructor(
    private readonly o: { momentum?: number; nesterov?: boolean; weightDecay?: number; biasCorrection?: boolean } = {},
  ) {}

  direction(w: readonly Float64Array[], g: readonly Float64Array[]): Float64Array[] {
    const mu = this.o.momentum ?? 0;
    const lambda = this.o.weightDecay ?? 0;
    const nesterov = this.o.nesterov ?? false;
    this.t += 1;
    const c = this.o.biasCorrection && mu > 0 ? 1 / (1 - mu ** (nesterov ? this.t + 1 : this.t)) : 1;
    if (mu > 0) this.buffer ??= zerosLike(w);
    return w.map((wi, i) => {
      const out = new Float64Array(wi.length);
      for (let k = 0; k < wi.length; k++) {
        let d = g[i][k];
        if (mu > 0) {
          const b = mu * this.buffer![i][k] + g[i][k];
          this.buffer![i][k] = b;
          d = c * (nesterov ? g[i][k] + mu * b : b);
        }
        out[k] = -(d + lambda * wi[k]);
      }
      return out;
    });
  }
}

/**
 * AdamW as `AdamW` (defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01), with t the 1-based step:
 *
 *     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,
 *     D = −( (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λ·w ).
 */
export class ReferenceAdamW implements ReferenceBase {
  private m: Float64Array[] | null = null;
  private v: Float64Array[] | null = null;
  private t = 0;

  constructor(private readonly o: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {}) {}

  direction(w: readonly Float64Array[], g: readonly Float64Array[]): Float64Array[] {
    const beta1 = this.o.beta1 ?? 0.9;
    const beta2 = this.o.beta2 ?? 0.999;
    const eps = this.o.epsilon ?? 1e-8;
    const lambda = this.o.weightDecay ?? 0.01;
    this.m ??= zerosLike(w);
    this.v ??= zerosLike(w);
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    return w.map((wi, i) => {
      const out = new Float64Array(wi.length);
      for (let k = 0; k < wi.length; k++) {
        const m = beta1 * this.m![i][k] + (1 - beta1) * g[i][k];
        const v = beta2 * this.v![i][k] + (1 - beta2) * g[i][k] ** 2;
        this.m![i][k] = m;
        this.v![i][k] = v;
        out[k] = -(m / bc1 / (Math.sqrt(v / bc2) + eps) + lambda * wi[k]);
      }
      return out;
    });
  }
}
