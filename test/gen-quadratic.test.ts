import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW, DirectionalOptimizer } from '../src/index.js';
import { assertClose, normals, useCpu } from './helpers.js';

before(useCpu);

/** A = MᵀM/n + I (SPD, condition number ≈ 10), b random: L(w) = ½wᵀAw − bᵀw. */
function problem(n: number, seed: number) {
  const m = normals(n * n, seed);
  const A: number[][] = [];
  for (let i = 0; i < n; i++) {
    A.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      A[i].push(s / n + (i === j ? 1 : 0));
    }
  }
  const b = Array.from(normals(n, seed + 1));
  const At = tf.tensor2d(A);
  const bt = tf.tensor1d(b);
  const w = tf.variable(tf.tensor1d(Array.from(normals(n, seed + 2))), true, `w${seed}_${Math.random()}`);
  const loss = () =>
    tf.tidy(() => {
      const wc = tf.reshape(w, [n, 1]);
      return tf.reshape(
        tf.sub(tf.mul(0.5, tf.matMul(wc, tf.matMul(At, wc), true, false)), tf.dot(bt, w)),
        [],
      ) as tf.Scalar;
    });
  /** Gradient g = Aw − b in float64 from the current weights. */
  const gradient = () => {
    const wv = Array.from(w.dataSync());
    return A.map((row, i) => row.reduce((s, aij, j) => s + aij * wv[j], 0) - b[i]);
  };
  const dispose = () => tf.dispose([At, bt, w]);
  return { A, b, w, loss, gradient, dispose };
}

const exact = { smoothing: 0, every: 1, clip: null, calibrate: false, probeDirection: 'current' } as const;

/** gᵀg and gᵀAg at the current weights, in float64: the exact line-search step along −g is gᵀg/gᵀAg. */
function steepest(p: ReturnType<typeof problem>): { gg: number; gAg: number } {
  const g = p.gradient();
  return {
    gg: g.reduce((s, v) => s + v * v, 0),
    gAg: p.A.reduce((s, row, i) => s + g[i] * row.reduce((t, aij, j) => t + aij * g[j], 0), 0),
  };
}

describe('GeN on a full-batch quadratic', () => {
  const cases: { probes: number[]; slope: 'fitted' | 'gradient' | 'alternating' }[] = [
    ...[
      [-1, 0, 1],
      [-0.25, 0, 0.25],
      [-4, 0, 4],
      [-1, 0, 1, 2],
    ].map((probes) => ({ probes, slope: 'fitted' as const })),
    // One probe and the gradient's slope (docs/algorithm.md §24): exact on a quadratic too.
    ...[
      [0, 1],
      [0, 0.25],
      [-1, 0],
      [0, 1, 2],
    ].map((probes) => ({ probes, slope: 'gradient' as const })),
  ];
  for (const { probes, slope } of cases) {
    test(`GeN-SGD's lr is the exact line-search step gᵀg/gᵀAg at every step (probes ${probes.join(', ')}, slope ${slope})`, () => {
      const p = problem(5, 11);
      const opt = new GeN(new SGDW(), { ...exact, initialLr: 0.3, probes, slope });
      for (let step = 0; step < 6; step++) {
        const { gg, gAg } = steepest(p);
        opt.minimize(p.loss);
        const info = opt.lastStep!;
        assert.equal(info.reason, 'ok', `step ${step}: ${info.reason}`);
        if (slope !== 'fitted') {
          assert.equal(info.a, info.gradientSlope, "the slope is the gradient's");
          assertClose(info.gradientSlope, gg, 1e-4, `a_g = ‖g‖² at step ${step}`);
        }
        // float32 losses: the fitted ratio is accurate to ~1e-4 relative while the loss still moves.
        assertClose(info.appliedLr, gg / gAg, 2e-3, `step ${step}`);
      }
      opt.dispose();
      p.dispose();
    });
  }

  for (const slope of ['fitted', 'gradient', 'alternating'] as const) {
    test(`probing the previous direction gives the exact line-search step of the previous step's direction (slope ${slope})`, () => {
      // probeDirection 'previous': at step t the probes measure D_{t−1} around w_t, and the proposal
      // is the whole step from w_{t−1} to the minimum along D_{t−1}: g_{t−1}ᵀg_{t−1} / g_{t−1}ᵀA g_{t−1}.
      const p = problem(5, 12);
      const opt = new GeN(new SGDW(), { ...exact, probeDirection: 'previous', initialLr: 0.3, slope });
      let previousOptimum = NaN;
      for (let step = 0; step < 6; step++) {
        const { gg, gAg } = steepest(p);
        opt.minimize(p.loss);
        const info = opt.lastStep!;
        assert.equal(info.probed, step === 0 ? 'current' : 'previous');
        assert.equal(info.probeOffsets.length, slope === 'fitted' ? 3 : 2);
        if (step > 0) assertClose(info.appliedLr, previousOptimum, 2e-3, `step ${step}`);
        previousOptimum = gg / gAg;
      }
      opt.dispose();
      p.dispose();
    });
  }

  test('with the Newton direction A⁻¹g the lr is 1 and one step reaches the minimum', () => {
    const p = problem(4, 5);
    /** A base whose direction is D = −A⁻¹g, solved on the host in float64. */
    class NewtonDirection extends DirectionalOptimizer {
      protected get directionScale() {
        return 1;
      }
      override getConfig() {
        return {};
      }
      computeDirection(variables: tf.Variable[]): tf.Tensor[] {
        const g = p.gradient();
        const x = solve(p.A, g);
        return variables.map(() => tf.tensor1d(x.map((v) => -v)));
      }
      override getClassName() {
        return 'NewtonDirection';
      }
    }
    const opt = new GeN(new NewtonDirection(), { ...exact, initialLr: 0.05 });
    opt.minimize(p.loss);
    assertClose(opt.lastStep!.appliedLr, 1, 1e-3, 'Newton lr');
    const wStar = solve(p.A, p.b);
    Array.from(p.w.dataSync()).forEach((v, i) => assertClose(v, wStar[i], 1e-3, `w*[${i}]`));
    opt.dispose();
    p.dispose();
  });

  test('in one dimension GeN-SGD takes Newton–Raphson steps w − f′(w)/f″(w)', () => {
    // f(w) = w⁴/4 + w²: f′ = w³ + 2w, f″ = 3w² + 2. The 3-point fit is Newton's step up to O(h²).
    const w = tf.variable(tf.scalar(1.5), true, `w1d_${Math.random()}`);
    const f = () => tf.tidy(() => tf.add(tf.div(tf.pow(w, 4), 4), tf.square(w)) as tf.Scalar);
    const opt = new GeN(new SGDW(), { ...exact, initialLr: 0.1, probes: [-0.1, 0, 0.1], slope: 'fitted' });
    // Probes at a tenth of the previous step keep the O(h²) error of the fit near 1e-3.
    for (let step = 0; step < 4; step++) {
      const x = w.dataSync()[0];
      const newtonStep = -(x ** 3 + 2 * x) / (3 * x ** 2 + 2);
      opt.minimize(f);
      assertClose(w.dataSync()[0] - x, newtonStep, 3e-3, `step ${step} from ${x}`);
    }
    opt.dispose();
    w.dispose();
  });
});

describe('calibration on a quadratic', () => {
  // L(w) = ½·c·w², plain gradient descent: along D = −c·w the one-step optimum is x* = 1/c, so from
  // initialLr = x*/3 the first proposal ÷ calibrationDivisor lands exactly on the lr, inside the band.
  const c = 4;
  const run = (minCalibrationSteps?: number) => {
    const w = tf.variable(tf.scalar(1), true, `wc_${Math.random()}`);
    const f = () => tf.tidy(() => tf.mul(0.5 * c, tf.square(w)) as tf.Scalar);
    const opt = new GeN(new SGDW(), {
      initialLr: 1 / (3 * c),
      ...(minCalibrationSteps ? { minCalibrationSteps } : {}),
    });
    opt.minimize(f);
    const first = { reason: opt.lastStep!.reason, calibrating: opt.controllerState.calibrating };
    opt.minimize(f);
    const second = { refit: opt.lastStep!.refit, calibrating: opt.controllerState.calibrating };
    opt.dispose();
    w.dispose();
    return { first, second };
  };

  test('does not end at the first refit by default: the next step refits the step just taken', () => {
    const { first, second } = run();
    assert.equal(first.reason, 'ok');
    assert.equal(first.calibrating, true, 'an in-band first proposal does not end calibration');
    assert.equal(second.refit, true);
    assert.equal(second.calibrating, false, 'the second in-band proposal ends it');
  });

  test('with minCalibrationSteps 1 the in-band first proposal ends it at once', () => {
    const { first, second } = run(1);
    assert.equal(first.calibrating, false);
    assert.equal(second.refit, false, 'step 1 is a plain step (every = 4)');
  });
});

describe('calibrationRefits on a valley that is a parabola only near its floor', () => {
  // L(w) = log cosh w from w = 0.5, plain gradient descent: curvature 1 near 0, linear tails. Probes
  // far out see a flat valley, so x* grows with the probe span, as on a network from a large lr0. The slope check
  // (the default since 1.1) would refuse these first fits outright; it is off here to test the extra fits alone.
  const firstStep = (initialLr: number, calibrationRefits: number) => {
    const tensors = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.scalar(0.5), true, `wl_${Math.random()}`));
    const f = () => tf.tidy(() => tf.log(tf.cosh(w)) as tf.Scalar);
    const opt = new GeN(new SGDW(), { initialLr, calibrationRefits, slopeCheck: 'off' });
    const before = f();
    const lossBefore = before.dataSync()[0];
    before.dispose();
    opt.minimize(f);
    const after = f();
    const out = { lossBefore, lossAfter: after.dataSync()[0], info: opt.lastStep! };
    after.dispose();
    opt.dispose();
    w.dispose();
    return { ...out, tensors: tf.memory().numTensors - tensors };
  };

  test('without extra fits, from lr0 100 the first update applies an lr it never probed and the loss rises', () => {
    const { lossBefore, lossAfter, info } = firstStep(100, 0);
    assert.equal(info.calibrationRefits, 0);
    assert.ok(info.appliedLr <= 0.1 * info.probeOffsets[2], 'applied 10× below the probed distance');
    assert.ok(lossAfter > lossBefore, `${lossBefore} → ${lossAfter}`);
  });

  test('with 4, the first update from lr0 1e-4 … 100 applies an lr its last probes spanned, and the loss falls', () => {
    const applied: number[] = [];
    for (const lr0 of [1e-4, 1e-2, 1, 100]) {
      const { lossBefore, lossAfter, info, tensors } = firstStep(lr0, 4);
      assert.ok(info.calibrationRefits >= 1 || lr0 === 1, `lr0 ${lr0}: extra fits were taken`);
      const ratio = info.appliedLr / info.probeOffsets[2];
      assert.ok(ratio >= 0.5 && ratio <= 1, `lr0 ${lr0}: applied ÷ probed = ${ratio}`);
      assert.ok(lossAfter < lossBefore, `lr0 ${lr0}: ${lossBefore} → ${lossAfter}`);
      assert.equal(tensors, 0, `lr0 ${lr0}: no tensor left behind`);
      applied.push(info.appliedLr);
    }
    assert.ok(Math.max(...applied) / Math.min(...applied) < 1.1, `the four starts apply ${applied.join(', ')}`);
  });

  test('a loss closure that throws during an extra fit leaves weights, state and tensors as they were', () => {
    const tensors = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.scalar(0.5), true, `wt_${Math.random()}`));
    let calls = 0;
    // Calls 1–3 are the step's loss and its two probes; call 4 is the first probe of the first extra fit.
    const f = () => {
      calls += 1;
      if (calls === 4) throw new Error('probe failed');
      return tf.tidy(() => tf.log(tf.cosh(w)) as tf.Scalar);
    };
    const opt = new GeN(new SGDW(), { initialLr: 100, calibrationRefits: 4, slopeCheck: 'off' });
    const state = opt.controllerState;
    assert.throws(() => opt.minimize(f), /probe failed/);
    assert.equal(w.dataSync()[0], 0.5);
    assert.deepEqual(opt.controllerState, state);
    assert.equal(opt.lastStep, null);
    opt.minimize(f);
    assert.ok(opt.lastStep!.calibrationRefits >= 1, 'the retried step takes its extra fits');
    opt.dispose();
    w.dispose();
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });
});

/** Solves A x = y by Gaussian elimination in float64. */
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const m = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let k = i + 1; k < n; k++) s -= m[i][k] * x[k];
    x[i] = s / m[i][i];
  }
  return x;
}
