/**
 * Small deterministic test problems with known minimisers, shared by the conformance suites.
 * Each builds fresh tfjs variables and a full-batch loss closure; the minimiser is a closed form
 * or a float64 solve on the host (never a tfjs result), so "distance to the minimiser" measures
 * the optimizer and not float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { normals } from './helpers.js';

/** One instance of a problem: its variables, loss, and the distance of the variables to the minimiser. */
export interface ProblemInstance {
  vars: tf.Variable[];
  loss: () => tf.Scalar;
  /** Euclidean distance of all variables (flattened, in order) to the minimiser. */
  distance: () => number;
  /** Disposes the variables and the data. */
  dispose: () => void;
}

/** The names of the problems of this module. */
export type ProblemName = 'quadratic' | 'logistic regression' | 'Rosenbrock' | 'mixed shapes';

export interface Problem {
  name: ProblemName;
  /** The minimiser, flattened over the variables in order. */
  minimiser: readonly number[];
  make: () => ProblemInstance;
}

const uniqueName = (tag: string) => `${tag}_${Math.random().toString(36).slice(2)}`;

function instance(vars: tf.Variable[], loss: () => tf.Scalar, minimiser: readonly number[], data: tf.Tensor[]) {
  const distance = () => {
    const w = vars.flatMap((v) => Array.from(v.dataSync()));
    return Math.sqrt(w.reduce((s, x, i) => s + (x - minimiser[i]) ** 2, 0));
  };
  return { vars, loss, distance, dispose: () => tf.dispose([...vars, ...data]) };
}

/** Solves A·x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting, in float64. */
export function solve(A: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * A 5-dimensional quadratic L(w) = ½(w − w*)ᵀA(w − w*), A = MᵀM/5 + I/2 (SPD, condition number
 * about 10). Minimiser w*, minimum 0.
 */
export function quadratic(): Problem {
  const n = 5;
  const m = normals(n * n, 41);
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      return s / n + (i === j ? 0.5 : 0);
    }),
  );
  const minimiser = Array.from(normals(n, 42));
  return {
    name: 'quadratic',
    minimiser,
    make: () => {
      const At = tf.tensor2d(A);
      const star = tf.tensor2d(minimiser, [n, 1]);
      const w = tf.variable(tf.tensor2d(Array.from(normals(n, 43)), [n, 1]), true, uniqueName('quad_w'));
      const loss = () =>
        tf.tidy(() => {
          const e = tf.sub(w, star);
          return tf.mul(0.5, tf.sum(tf.mul(e, tf.matMul(At, e)))) as tf.Scalar;
        });
      return instance([w], loss, minimiser, [At, star]);
    },
  };
}

/**
 * L2-regularised logistic regression on 64 fixed, non-separable points in 3 features plus a bias:
 * L(w, c) = mean log(1 + exp(−yᵢ(xᵢ·w + c))) + (λ/2)(|w|² + c²), λ = 0.05, labels yᵢ = ±1.
 * Strictly convex; its minimiser is found by float64 Newton iterations on the host.
 */
export function logisticRegression(): Problem {
  const n = 64,
    d = 3,
    lambda = 0.05;
  const x = normals(n * d, 51);
  const noise = normals(n, 52);
  const trueW = [1.5, -1, 0.5];
  const y = Array.from({ length: n }, (_, i) => {
    let s = 0.3 + noise[i];
    for (let j = 0; j < d; j++) s += x[i * d + j] * trueW[j];
    return s > 0 ? 1 : -1;
  });
  // θ = [w, c]; features φᵢ = [xᵢ, 1].
  const phi = (i: number) => [...Array.from(x.subarray(i * d, (i + 1) * d)), 1];
  let theta = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = theta.map((t) => lambda * t);
    const H = theta.map((_, i) => theta.map((__, j) => (i === j ? lambda : 0)));
    for (let i = 0; i < n; i++) {
      const f = phi(i);
      const z = y[i] * f.reduce((s, v, k) => s + v * theta[k], 0);
      const p = 1 / (1 + Math.exp(z)); // σ(−z)
      for (let a = 0; a <= d; a++) {
        g[a] += (-y[i] * p * f[a]) / n;
        for (let b = 0; b <= d; b++) H[a][b] += (p * (1 - p) * f[a] * f[b]) / n;
      }
    }
    const step = solve(H, g);
    theta = theta.map((t, k) => t - step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-15) break;
  }
  const minimiser = theta;
  return {
    name: 'logistic regression',
    minimiser,
    make: () => {
      const X = tf.tensor2d(x, [n, d]);
      const Y = tf.tensor1d(y);
      const w = tf.variable(tf.zeros([d]), true, uniqueName('logreg_w'));
      const c = tf.variable(tf.scalar(0), true, uniqueName('logreg_c'));
      const loss = () =>
        tf.tidy(() => {
          const z = tf.add(tf.squeeze(tf.matMul(X, tf.reshape(w, [d, 1])), [1]), c);
          const data = tf.mean(tf.softplus(tf.neg(tf.mul(Y, z))));
          return tf.add(data, tf.mul(lambda / 2, tf.add(tf.sum(tf.square(w)), tf.square(c)))) as tf.Scalar;
        });
      return instance([w, c], loss, minimiser, [X, Y]);
    },
  };
}

/**
 * A Rosenbrock function in two variables, f(u, v) = (1 − u)² + 10(v − u²)², from (−0.5, 0.5): a
 * curved valley, minimiser (1, 1), minimum 0. The factor 10 instead of the classic 100 keeps the
 * valley walk within reach of a hundred first-order steps.
 */
export function rosenbrock(): Problem {
  const minimiser = [1, 1];
  return {
    name: 'Rosenbrock',
    minimiser,
    make: () => {
      const p = tf.variable(tf.tensor1d([-0.5, 0.5]), true, uniqueName('rosen'));
      const loss = () =>
        tf.tidy(() => {
          const [u, v] = tf.unstack(p);
          return tf.add(tf.square(tf.sub(1, u)), tf.mul(10, tf.square(tf.sub(v, tf.square(u))))) as tf.Scalar;
        });
      return instance([p], loss, minimiser, []);
    },
  };
}

/**
 * Parameters of three shapes, a matrix W [3, 2], a vector v [2] and a scalar s, in a ridge
 * regression with two outputs: out = xW + v + s, L = mean_i |outᵢ − Yᵢ|² + λ(|W|² + |v|² + s²),
 * λ = 0.1, on 32 fixed points. The minimiser solves the 9×9 normal equations in float64.
 */
export function mixedShapes(): Problem {
  const n = 32,
    d = 3,
    k = 2,
    lambda = 0.1;
  const x = normals(n * d, 61);
  const noise = normals(n * k, 62);
  const trueW = [1, -1, 0.5, 2, -0.5, 0.25];
  const Y = new Float32Array(n * k);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < k; o++) {
      let s = (o === 0 ? 0.5 : -0.5) + 0.3 + 0.1 * noise[i * k + o];
      for (let j = 0; j < d; j++) s += x[i * d + j] * trueW[j * k + o];
      Y[i * k + o] = s;
    }
  // θ = [W (row-major, d×k), v (k), s]; out_{io} = φ_{io}·θ.
  const p = d * k + k + 1;
  const phi = (i: number, o: number) => {
    const f = new Array<number>(p).fill(0);
    for (let j = 0; j < d; j++) f[j * k + o] = x[i * d + j];
    f[d * k + o] = 1;
    f[p - 1] = 1;
    return f;
  };
  const A = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (__, b) => (a === b ? lambda : 0)));
  const rhs = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < k; o++) {
      const f = phi(i, o);
      for (let a = 0; a < p; a++) {
        rhs[a] += (f[a] * Y[i * k + o]) / n;
        for (let b = 0; b < p; b++) A[a][b] += (f[a] * f[b]) / n;
      }
    }
  const minimiser = solve(A, rhs);
  return {
    name: 'mixed shapes',
    minimiser,
    make: () => {
      const X = tf.tensor2d(x, [n, d]);
      const Yt = tf.tensor2d(Y, [n, k]);
      const W = tf.variable(tf.zeros([d, k]), true, uniqueName('mixed_W'));
      const v = tf.variable(tf.zeros([k]), true, uniqueName('mixed_v'));
      const s = tf.variable(tf.scalar(0), true, uniqueName('mixed_s'));
      const loss = () =>
        tf.tidy(() => {
          const out = tf.add(tf.add(tf.matMul(X, W), v), s);
          const fit = tf.div(tf.sum(tf.square(tf.sub(out, Yt))), n);
          const ridge = tf.add(tf.add(tf.sum(tf.square(W)), tf.sum(tf.square(v))), tf.square(s));
          return tf.add(fit, tf.mul(lambda, ridge)) as tf.Scalar;
        });
      return instance([W, v, s], loss, minimiser, [X, Yt]);
    },
  };
}

/** Every problem of this module. */
export const PROBLEMS: readonly (() => Problem)[] = [quadratic, logisticRegression, rosenbrock, mixedShapes];
