/**
 * The shared conformance suite: the same checks over every optimizer of the library (and GeN over
 * every base). Call {@link describeConformance} from a *.test.ts file with a list of entries.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { normals } from './helpers.js';
import { fitLinearToy } from '../bench/linear-fit-toy.js';
import { mixedShapes, PROBLEMS, type ProblemName } from './problems.js';

/** Default caps on the distance to each problem's minimiser after the steps, relative to the start. */
export const MINIMISER_CAPS: Readonly<Record<ProblemName, number>> = {
  quadratic: 0.1,
  'logistic regression': 0.1,
  Rosenbrock: 0.5,
  'mixed shapes': 0.1,
};
/** Default number of steps of the minimiser checks. */
const MINIMISER_STEPS = 100;

export interface ConformanceEntry {
  /** Name shown in the test titles. */
  name: string;
  /** A fresh optimizer (registered with tf.serialization). */
  make: () => tf.Optimizer;
  /** Steps for the convergence check (default 60). */
  steps?: number;
  /** Loss must fall below this fraction of its start (default 0.5). */
  targetRatio?: number;
  /** Bad options and the error they must raise. */
  invalid?: [string, () => unknown, RegExp][];
  /** Skip the model.fit check (default false). */
  skipFit?: boolean;
  /** Why the save/restore check cannot run (it is skipped with this reason). */
  noRoundTrip?: string;
  /**
   * Per problem of test/problems.ts: the largest allowed distance to its minimiser after
   * `minimiserSteps` steps, relative to the starting distance (default {@link MINIMISER_CAPS}); or
   * a string describing a known failure, which runs the check as a `todo` test.
   */
  minimiser?: Partial<Record<ProblemName, number | string>>;
  /** Steps of the minimiser checks (default 100). */
  minimiserSteps?: number;
  /** Tensors that `dispose()` is known not to free, and why (default none). */
  disposeLeak?: { tensors: number; why: string };
}

/** Least squares with two variables: L = mean((Xw + c − y)²). */
function leastSquares(seed: number) {
  const X = tf.tensor2d(normals(32 * 4, seed), [32, 4]);
  // y = X·[1, −2, 0.5, 3] + 0.7 + small noise: the minimum loss is near 0.
  const y = tf.tidy(() =>
    tf.add(
      tf.add(tf.squeeze(tf.matMul(X, tf.tensor2d([1, -2, 0.5, 3], [4, 1]))), 0.7),
      tf.mul(tf.tensor1d(normals(32, seed + 1)), 0.01),
    ),
  );
  const init = { w: normals(4, seed + 2), c: normals(1, seed + 3)[0] };
  const make = (tag: string, w0: ArrayLike<number> = init.w, c0 = init.c) => {
    const w = tf.variable(tf.tensor1d(Array.from(w0)), true, `${tag}_w_${Math.random()}`);
    const c = tf.variable(tf.scalar(c0), true, `${tag}_c_${Math.random()}`);
    const loss = () =>
      tf.tidy(
        () => tf.mean(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(X, tf.reshape(w, [4, 1]))), c), y))) as tf.Scalar,
      );
    return { w, c, loss, vars: [w, c] };
  };
  return { make, dispose: () => tf.dispose([X, y]) };
}

const read = (vs: tf.Tensor[]) => vs.map((v) => Array.from(v.dataSync()));

function clone(o: tf.Optimizer): tf.Optimizer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[o.getClassName()];
  assert.ok(entry, `${o.getClassName()} is registered`);
  return entry[1](entry[0], o.getConfig()) as tf.Optimizer;
}

/** Declares the suite over `entries`; `backend` names the active backend in the titles (default `cpu`). */
export function describeConformance(entries: ConformanceEntry[], backend = 'cpu'): void {
  for (const e of entries) {
    describe(`${e.name} conformance (${backend})`, () => {
      test('minimizes a small least-squares problem', () => {
        const p = leastSquares(1);
        const { loss, vars } = p.make('conv');
        const opt = e.make();
        const start = tf.tidy(() => loss().dataSync()[0]);
        for (let i = 0; i < (e.steps ?? 60); i++)
          tf.tidy(() => {
            opt.minimize(loss, false, vars);
          });
        const end = tf.tidy(() => loss().dataSync()[0]);
        assert.ok(Number.isFinite(end) && end < (e.targetRatio ?? 0.5) * start, `loss ${start} → ${end}`);
        opt.dispose();
        tf.dispose(vars);
        p.dispose();
      });

      test('keeps the tensor count flat over 100 steps', () => {
        const p = leastSquares(2);
        const { loss, vars } = p.make('leak');
        const opt = e.make();
        // Counts may cycle with the refit period (GeN keeps a direction before refit steps), so
        // compare four consecutive counts past calibration with the same four 100 steps later.
        const counts = () =>
          Array.from({ length: 4 }, () => {
            opt.minimize(loss, false, vars);
            return tf.memory().numTensors;
          });
        for (let i = 0; i < 30; i++) opt.minimize(loss, false, vars);
        const settled = counts();
        for (let i = 0; i < 96; i++) opt.minimize(loss, false, vars);
        assert.deepEqual(counts(), settled);
        opt.dispose();
        tf.dispose(vars);
        p.dispose();
      });

      test(
        'continues bit-identically after getConfig/fromConfig and getWeights/setWeights',
        { skip: e.noRoundTrip ?? false },
        async () => {
          const p = leastSquares(3);
          const a = p.make('a');
          const optA = e.make();
          // 12 steps: the next step refits, so GeN holds a previous direction that must be saved too.
          for (let i = 0; i < 12; i++) optA.minimize(a.loss, false, a.vars);
          const saved = (await optA.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
          const [w0, c0] = read(a.vars);
          const b = p.make('b', w0, c0[0]);
          const optB = clone(optA);
          await optB.setWeights(saved);
          for (let i = 0; i < 9; i++) {
            optA.minimize(a.loss, false, a.vars);
            optB.minimize(b.loss, false, b.vars);
          }
          assert.deepEqual(read(b.vars), read(a.vars));
          tf.dispose(saved.map((s) => s.tensor));
          optA.dispose();
          optB.dispose();
          tf.dispose([...a.vars, ...b.vars]);
          p.dispose();
        },
      );

      if (!e.skipFit) {
        test('trains a model through model.compile and model.fit', async () => {
          const losses = await fitLinearToy(e.make(), 1);
          assert.ok(losses[losses.length - 1] < losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
        });
      }

      for (const makeProblem of PROBLEMS) {
        const problem = makeProblem();
        const setting = e.minimiser?.[problem.name] ?? MINIMISER_CAPS[problem.name];
        const steps = e.minimiserSteps ?? MINIMISER_STEPS;
        const cap = typeof setting === 'number' ? setting : MINIMISER_CAPS[problem.name];
        test(
          `gets within ${cap} of the start distance to the ${problem.name} minimiser in ${steps} steps`,
          { todo: typeof setting === 'string' ? setting : false },
          (t) => {
            const p = problem.make();
            const start = p.distance();
            const opt = e.make();
            for (let i = 0; i < steps; i++)
              tf.tidy(() => {
                opt.minimize(p.loss, false, p.vars);
              });
            const ratio = p.distance() / start;
            t.diagnostic(`relative distance ${ratio.toExponential(2)}`);
            opt.dispose();
            p.dispose();
            assert.ok(ratio <= cap, `distance to the minimiser ${start} → ${ratio * start} (ratio ${ratio} > ${cap})`);
          },
        );
      }

      test('dispose() frees every tensor it made: the count returns to its value before construction', () => {
        const p = mixedShapes().make(); // a matrix, a vector and a scalar
        const baseline = tf.memory().numTensors;
        const opt = e.make();
        // 12 steps: the next step refits, so GeN holds a previous direction too.
        for (let i = 0; i < 12; i++) opt.minimize(p.loss, false, p.vars);
        opt.dispose();
        const leak = e.disposeLeak?.tensors ?? 0;
        assert.equal(tf.memory().numTensors, baseline + leak, e.disposeLeak?.why ?? 'no tensor outlives dispose()');
        p.dispose();
      });

      for (const [what, build, message] of e.invalid ?? []) {
        test(`rejects ${what} with a clear error`, () => {
          assert.throws(build, message);
        });
      }
    });
  }
}
