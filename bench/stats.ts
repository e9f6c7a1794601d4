// Summary statistics shared by the benchmarks and the report: one definition each, so that every
// table computes a median the same way.

/**
 * The median of the finite values of `xs` (the mean of the two middle ones for an even count);
 * NaN when there is none. Non-finite values (a diverged run, a failed timing) are left out rather
 * than sorted to one end, so they cannot shift the middle.
 */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
