// Learning-rate schedules of the tuned baselines: constant, linear decay to 0, and cosine decay to 0
// after a linear warm-up (5% of the steps, as is customary for cosine).

export type ScheduleName = 'constant' | 'linear' | 'cosine';
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'linear', 'cosine'];

/** Warm-up fraction used with the cosine schedule. */
export const COSINE_WARMUP = 0.05;

/**
 * The learning rate at `step` (0-based) of a run of `total` steps with peak `lr`.
 * @throws {RangeError} an unknown schedule name, naming the allowed ones.
 */
export function scheduledLr(
  schedule: ScheduleName,
  lr: number,
  step: number,
  total: number,
  warmup = schedule === 'cosine' ? COSINE_WARMUP : 0,
): number {
  const warm = Math.floor(warmup * total);
  if (step < warm) return (lr * (step + 1)) / warm;
  const t = total - warm > 0 ? (step - warm) / (total - warm) : 0;
  switch (schedule) {
    case 'constant':
      return lr;
    case 'linear':
      return lr * (1 - t);
    case 'cosine':
      return (lr * (1 + Math.cos(Math.PI * t))) / 2;
    default:
      throw new RangeError(`unknown schedule '${String(schedule)}'; allowed: ${SCHEDULES.join(', ')}`);
  }
}

/** `count` learning rates spaced evenly in log between lo and hi (inclusive). */
export function logSpaced(lo: number, hi: number, count: number): number[] {
  if (count === 1) return [lo];
  return Array.from({ length: count }, (_, i) => Number((lo * (hi / lo) ** (i / (count - 1))).toPrecision(3)));
}
