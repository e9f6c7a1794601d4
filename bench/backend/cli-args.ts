// The command line of the backend benchmark scripts: `--name value` pairs and bare flags.
import { RELAXED_SIMD_CHOICES, type RelaxedSimdChoice } from '../../src/backend/index.js';

export const args = process.argv.slice(2);

/** The value after `--name`, or undefined when the flag is absent. */
export function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--relaxed-simd auto|on|off`, passed to `setupBackend({ relaxedSimd })`; 'auto' when absent. */
export function relaxedSimdArg(): RelaxedSimdChoice {
  const value = argValue('--relaxed-simd') ?? 'auto';
  if (!(RELAXED_SIMD_CHOICES as readonly string[]).includes(value)) {
    throw new Error(`--relaxed-simd must be one of ${RELAXED_SIMD_CHOICES.join(', ')}; got ${value}`);
  }
  return value as RelaxedSimdChoice;
}
