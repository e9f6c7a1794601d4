/**
 * Makes the probe forward passes of one step see the same randomness as its gradient pass.
 *
 * Unseeded dropout in TensorFlow.js draws its seed from `Math.random()` once per mask
 * (tfjs-core `UniformRandom`), so recording the values `Math.random` returns during the gradient
 * pass and replaying them in each probe pass gives identical dropout masks (and identical
 * results for any other `Math.random`-driven choice the closure makes). Past the end of the
 * recording the real generator takes over.
 */
export function recordRandom<T>(fn: () => T): { result: T; tape: number[] } {
  const real = Math.random;
  const tape: number[] = [];
  Math.random = () => {
    const r = real();
    tape.push(r);
    return r;
  };
  try {
    return { result: fn(), tape };
  } finally {
    Math.random = real;
  }
}

/** Runs `fn` with `Math.random` returning the recorded `tape` in order. */
export function replayRandom<T>(tape: readonly number[], fn: () => T): T {
  const real = Math.random;
  let i = 0;
  Math.random = () => (i < tape.length ? tape[i++] : real());
  try {
    return fn();
  } finally {
    Math.random = real;
  }
}
