import { DoGBase, type DoGOptions } from './dog-base.js';

/**
 * DoG, "Distance over Gradients" (Ivgi, Hinder & Carmon, "DoG is SGD's Best Friend: A
 * Parameter-Free Dynamic Step Size Schedule", ICML 2023; official code formll/dog), treating
 * all weights as one vector:
 *
 *     r̄₀ = repsRel·(1 + ‖x₀‖),   r̄ₜ = max(r̄ₜ₋₁, ‖xₜ − x₀‖),   Gₜ = ε + Σᵢ≤ₜ ‖gᵢ‖²,
 *     ηₜ = lr·r̄ₜ/√Gₜ,   xₜ₊₁ = xₜ − ηₜ·gₜ   (g includes the coupled weight decay λx),
 *
 * with the polynomial-decay iterate average x̄ that the paper requires for evaluation
 * ({@link DoG.swapToAverage}, {@link DoG.averagedWeights}). As a DirectionalOptimizer,
 * D = −(r̄/√G)·g. Diagnostics: {@link DoG.eta}.
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class DoG extends DoGBase {
  static get className(): string {
    return 'DoG';
  }

  constructor(options: Partial<DoGOptions> = {}) {
    super('DoG', options);
  }

  protected get layerwise(): boolean {
    return false;
  }

  /** The step size η of the last step (0 before the first). */
  get eta(): number {
    return this.stepSizes[0] ?? 0;
  }
}
