/**
 * The weight cₜ of the t-th iterate in the polynomial-decay average (Shamir & Zhang, ICML 2013),
 *
 *     x̄ₜ = (1 − cₜ)·x̄ₜ₋₁ + cₜ·xₜ,    cₜ = (γ + 1)/(t + γ),    t = 1, 2, …
 *
 * c₁ = 1, so x̄₁ = x₁. After T steps iterate t carries the weight
 * (γ + 1)·(T − 1)!/(T + γ)! · t(t + 1)…(t + γ − 1) for an integer γ: proportional to ≈ t^γ, so the
 * last ~1/(γ + 1) of the run weighs most and γ = 0 is the uniform average.
 * @param t the step just taken, counted from 1.
 * @param gamma γ ≥ 0.
 */
export function averageWeight(t: number, gamma: number): number {
  return (gamma + 1) / (t + gamma);
}
