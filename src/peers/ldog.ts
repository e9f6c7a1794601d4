import { DoGBase, type DoGOptions } from './dog-base.js';

/**
 * L-DoG, layer-wise DoG (Ivgi, Hinder & Carmon, ICML 2023; official code formll/dog `LDoG`):
 * DoG's rule applied to each weight tensor l separately,
 *
 *     r̄ₗ = max(repsRel·(1 + ‖xₗ,₀‖), maxₜ ‖xₗ,ₜ − xₗ,₀‖),   Gₗ = ε + Σₜ ‖gₗ,ₜ‖²,
 *     xₗ ← xₗ − lr·(r̄ₗ/√Gₗ)·gₗ,
 *
 * with the same polynomial-decay iterate average as {@link DoG}. Diagnostics:
 * {@link LDoG.stepSizes} (one per tensor, in the variables' order).
 * @throws {TypeError|RangeError} an unknown option or a value out of range.
 */
export class LDoG extends DoGBase {
  static get className(): string {
    return 'LDoG';
  }

  constructor(options: Partial<DoGOptions> = {}) {
    super('LDoG', options);
  }

  protected get layerwise(): boolean {
    return true;
  }
}
