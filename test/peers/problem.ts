/**
 * The tiny problem of the peers' hand-computed tests: a diagonal quadratic over two tensors,
 * L(u, v) = ½·Σᵢ aᵢ(wᵢ − bᵢ)² with w = [u₀, u₁, v₀], so ∇ᵢL = aᵢ(wᵢ − bᵢ). The float64
 * references in the tests work on the flat w; blocks = [[0, 1], [2]] are the two tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

export const A = [1, 2, 0.5];
export const B = [1, -1, 2];
export const W0 = [0.5, 0.25, -0.5];
export const BLOCKS = [[0, 1], [2]];

/** The gradient of L at w, in float64. */
export const grad = (w: number[]): number[] => w.map((x, i) => A[i] * (x - B[i]));
/** L at w, in float64. */
export const lossAt = (w: number[]): number => 0.5 * w.reduce((s, x, i) => s + A[i] * (x - B[i]) ** 2, 0);

/** Fresh variables at W0 and the loss closure. */
export function makeProblem(): {
  vars: tf.Variable[];
  loss: () => tf.Scalar;
  flat: () => number[];
  dispose: () => void;
} {
  const u = tf.variable(tf.tensor1d(W0.slice(0, 2)));
  const v = tf.variable(tf.tensor1d(W0.slice(2)));
  const a = tf.tensor1d(A);
  const b = tf.tensor1d(B);
  const loss = () =>
    tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(tf.concat([u, v]), b))))) as tf.Scalar);
  const flat = () => [...u.dataSync(), ...v.dataSync()];
  return { vars: [u, v], loss, flat, dispose: () => tf.dispose([u, v, a, b]) };
}

/** Runs `steps` minimize steps and returns the flat weights after each. */
export function trajectory(opt: tf.Optimizer, steps: number, after?: (k: number) => void): number[][] {
  const p = makeProblem();
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    opt.minimize(p.loss, false, p.vars);
    out.push(p.flat());
    after?.(k);
  }
  p.dispose();
  return out;
}

/** Asserts each weight within rel·max(|expected|, 1e-3) (float32 against float64). */
export function assertTrajectory(actual: number[][], expected: number[][], rel: number, what: string): void {
  expected.forEach((row, k) =>
    row.forEach((e, i) => {
      const err = Math.abs(actual[k][i] - e);
      if (!(err <= rel * Math.max(Math.abs(e), 1e-3))) {
        throw new Error(`${what}: step ${k + 1}, weight ${i}: ${actual[k][i]} vs ${e} (abs err ${err})`);
      }
    }),
  );
}

export const l1 = (x: number[]): number => x.reduce((s, y) => s + Math.abs(y), 0);
export const dot = (x: number[], y: number[]): number => x.reduce((s, xi, i) => s + xi * y[i], 0);
