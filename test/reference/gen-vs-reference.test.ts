// The tfjs GeN, stepped with its defaults over SGDW (momentum 0.9) and AdamW, against the
// independent float64 reference of gen-reference.ts: per step the same decision, the same
// learning rates and the same weights. This pins GeN's behaviour through refactors of its step.
import { before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../../src/index.js';
import { assertClose, useCpu } from '../helpers.js';
import { BATCHES, batchedLeastSquaresData, referenceBatch, tfjsBatchedLeastSquares } from './batched-least-squares.js';
import { ReferenceAdamW, ReferenceSGDW, type ReferenceBase } from './float64-bases.js';
import { marginOf, ReferenceGeN, type ReferenceOptions, type ReferenceStep } from './gen-reference.js';

before(useCpu);

const STEPS = 50;
/**
 * Seed of the problem's data and start (see batched-least-squares.ts), picked by scanning seeds
 * 1–54 (with the data drawn by core/rng's normalArray) for the first on which every run calibrates
 * over several steps, clips, and keeps each decision clear of its threshold; the test asserts all
 * three, so a seed that stopped doing so would fail.
 */
const SEED = 54;
/**
 * Relative tolerance on the applied and smoothed lr and on the weights (relative to the largest
 * weight). The tfjs side computes losses in float32. With the default previous-direction probes
 * the proposal is x* = η_prev + a/b: the exact previous step length plus a correction made of loss
 * differences, whose relative error is about (float32 rounding of the losses) / (L₊ − 2L₀ + L₋).
 * On this problem every accepted, unclipped fit has L₊ − 2L₀ + L₋ ≥ 2·10³·δ ≈ 0.008·L (asserted
 * below, with MIN_OK_CURVATURE), and the correction is small wherever the previous step was about
 * right; the weights add float32 rounding of w + η·D (6e-8 per step). The measured worst errors,
 * printed as test diagnostics by `node scripts/run-tests.mjs test/reference`, are at most 2.1e-6
 * for both, so 1e-5 leaves room for harmless reorderings of float32 arithmetic, while a changed
 * rule fails at once (W = 2.9 instead of 3 moves the lr by 3%, γ = 0.89 instead of 0.9 by 0.1%).
 */
const TOL = 1e-5;
/**
 * The tolerance of the runs with `calibrationRefits` (measured worst: 4.7e-5 on the lr, 1.6e-5 on
 * the weights). Their first updates come from fits taken at the distance they propose, so the
 * steps start nearer the optimum and the correction a/b, the part made of loss differences, is a
 * larger share of the proposal; its relative error is still bounded by δ over the curvature,
 * ≤ 1/MIN_OK_CURVATURE = 5e-4 of it, and a changed rule moves the lr by percents.
 */
const TOL_REFITS = 1e-4;
/**
 * Least distance of any decision from its threshold in the reference run. Loss combinations are
 * compared with multiples of δ = 32 float32 ulps of max|L|; each float32 loss here is a mean of 8
 * squares, good to a few ulps, so L₊ − 2L₀ + L₋ is good to ~δ/2: a margin of 1·δ cannot be
 * crossed by rounding. Proposals are compared with multiples of the lr; with proposals good to
 * ~1e-6, a relative margin of 1e-2 cannot be crossed either.
 */
const MIN_NOISE_MARGIN = 1;
const MIN_RATIO_MARGIN = 1e-2;
/** Least |b|·h² − 4δ, in units of δ, of an accepted unclipped fit (the precision behind TOL). */
const MIN_OK_CURVATURE = 2e3;

/**
 * The tfjs GeN's public names this file uses, kept in this one function: its `lastStep` fields
 * and the `horizon`, `maxLr` options.
 */
function tfjsGeN(base: tf.Optimizer, options: Partial<ReferenceOptions>) {
  const given: Record<string, unknown> = {};
  if (options.horizon) given.horizon = options.horizon;
  if (options.lr !== undefined) given.initialLr = options.lr;
  if (options.maxLr !== undefined) given.maxLr = options.maxLr;
  if (options.calibrationRefits !== undefined) given.calibrationRefits = options.calibrationRefits;
  if (options.calibrationRefitsOn !== undefined) given.calibrationRefitsOn = options.calibrationRefitsOn;
  if (options.risingLoss !== undefined) given.risingLoss = options.risingLoss;
  if (options.slope !== undefined) given.slope = options.slope;
  if (options.insignificantCurvature !== undefined) given.insignificantCurvature = options.insignificantCurvature;
  const opt = new GeN(base, given);
  const read = () => {
    const s = opt.lastStep!;
    return {
      reason: s.reason,
      refit: s.refit,
      appliedLr: s.appliedLr,
      smoothedLr: s.smoothedLr,
      calibrating: s.calibrating,
      probed: s.probed,
      calibrationRefits: s.calibrationRefits,
    };
  };
  return { opt, read };
}

interface Run {
  name: string;
  tfjsBase: () => tf.Optimizer;
  referenceBase: () => ReferenceBase;
  options: Partial<ReferenceOptions>;
  /**
   * Loss evaluations made NaN, as [step, call]: call 0 is the training loss, 1 and 2 the probes
   * at −h and +h (both sides evaluate in this order).
   */
  poison?: [number, number][];
  /** The least curvature of an accepted fit, in δ, for this run (default MIN_OK_CURVATURE). */
  minOkCurvature?: number;
  /** A constant added to step k's loss, both sides: it moves no gradient and no fit, only the loss trend. */
  lossOffset?: (step: number) => number;
}

const sgdm: Pick<Run, 'tfjsBase' | 'referenceBase'> = {
  tfjsBase: () => new SGDW({ momentum: 0.9 }),
  referenceBase: () => new ReferenceSGDW({ momentum: 0.9 }),
};
const adamw: Pick<Run, 'tfjsBase' | 'referenceBase'> = {
  tfjsBase: () => new AdamW(),
  referenceBase: () => new ReferenceAdamW(),
};
const cosine = { horizon: { steps: STEPS, shape: 'cosine' as const } };

const RUNS: Run[] = [
  { name: 'GeN over SGDW (momentum 0.9), defaults', ...sgdm, options: {} },
  { name: 'GeN over AdamW, defaults', ...adamw, options: {} },
  // 1.2's default: three probes at every refit (docs/algorithm.md §24). On this least-squares objective L''' = 0, so
  // the default's one-probe fit is exact too and both rules take the same steps to rounding: these runs check each
  // rule's decisions and loss evaluations against the reference, not the one-sided fit's bias (gen-gradient-slope).
  { name: 'GeN over SGDW (momentum 0.9), fitted slope', ...sgdm, options: { slope: 'fitted' } },
  {
    name: 'GeN over SGDW (momentum 0.9, biasCorrection)',
    tfjsBase: () => new SGDW({ momentum: 0.9, biasCorrection: true }),
    referenceBase: () => new ReferenceSGDW({ momentum: 0.9, biasCorrection: true }),
    // The corrected first direction is 10× the plain one: a smaller initial lr keeps an insignificant first fit.
    options: { lr: 1e-5 },
  },
  { name: 'GeN over AdamW, fitted slope', ...adamw, options: { slope: 'fitted' } },
  {
    name: "GeN over SGDW (momentum 0.9), insignificantCurvature 'hold'",
    ...sgdm,
    options: { insignificantCurvature: 'hold' },
  },
  { name: "GeN over AdamW, insignificantCurvature 'hold'", ...adamw, options: { insignificantCurvature: 'hold' } },
  { name: 'GeN over SGDW (momentum 0.9), cosine horizon', ...sgdm, options: cosine },
  { name: 'GeN over AdamW, cosine horizon', ...adamw, options: cosine },
  { name: 'GeN over SGDW (momentum 0.9), calibrationRefits 4', ...sgdm, options: { calibrationRefits: 4 } },
  { name: 'GeN over AdamW, calibrationRefits 4', ...adamw, options: { calibrationRefits: 4 } },
  {
    name: 'GeN over SGDW (momentum 0.9) from lr0 1, calibrationRefits 4 on decreases',
    ...sgdm,
    options: { lr: 1, calibrationRefits: 4, calibrationRefitsOn: 'decrease' },
    // Every lr0 from 0.1 to 100 lands on the same path here, whose step-2 fit has curvature 1240δ.
    minOkCurvature: 1e3,
  },
];

/** Max |a − b| over all weights, relative to the largest reference weight. */
function weightError(actual: Float32Array[], expected: Float64Array[]): number {
  const scale = Math.max(...expected.flatMap((w) => Array.from(w, Math.abs)));
  let err = 0;
  actual.forEach((a, i) => a.forEach((v, k) => (err = Math.max(err, Math.abs(v - expected[i][k])))));
  return err / scale;
}

/** Steps both for STEPS steps over the cycling batches, asserting agreement at every step. */
function runBoth(run: Run, t: TestContext): ReferenceStep[] {
  const poisoned = (step: number, call: number) => (run.poison ?? []).some(([s, c]) => s === step && c === call);
  const data = batchedLeastSquaresData(SEED);
  const problem = tfjsBatchedLeastSquares(data);
  const tol = run.options.calibrationRefits ? TOL_REFITS : TOL;
  const { opt, read } = tfjsGeN(run.tfjsBase(), run.options);
  const reference = new ReferenceGeN(run.referenceBase(), data.init, run.options);
  const steps: ReferenceStep[] = [];
  let worstLr = 0;
  let worstWeights = 0;
  for (let k = 0; k < STEPS; k++) {
    const batch = k % BATCHES;
    const offset = run.lossOffset?.(k) ?? 0;
    const batchLoss = problem.loss(batch);
    const tfjsLoss = () => (offset === 0 ? batchLoss() : (tf.add(batchLoss(), offset) as tf.Scalar));
    let tfjsCalls = 0;
    opt.minimize(() => (poisoned(k, tfjsCalls++) ? tf.add(tfjsLoss(), NaN) : tfjsLoss()), false, problem.vars);
    const objective = referenceBatch(data, batch);
    let referenceCalls = 0;
    const expected = reference.minimize({
      loss: (w) => (poisoned(k, referenceCalls++) ? NaN : objective.loss(w) + offset),
      gradient: (w) => objective.gradient(w),
    });
    const actual = read();
    const at = `step ${k}`;
    assert.equal(actual.reason, expected.reason, `${at}: reason`);
    assert.equal(actual.refit, expected.refit, `${at}: refit`);
    assert.equal(actual.calibrating, expected.calibrating, `${at}: calibrating`);
    assert.equal(actual.probed, expected.probed, `${at}: probed direction`);
    assert.equal(actual.calibrationRefits, expected.calibrationRefits, `${at}: extra calibration fits`);
    assertClose(actual.appliedLr, expected.appliedLr, tol, `${at}: applied lr`);
    assertClose(actual.smoothedLr, expected.smoothedLr, tol, `${at}: smoothed lr`);
    const w = problem.vars.map((v) => v.dataSync() as Float32Array);
    const err = weightError(w, reference.weights);
    assert.ok(err <= tol, `${at}: weights differ by ${err} relative`);
    const lrErr = (x: number, y: number) => (y === 0 ? Math.abs(x) : Math.abs(x / y - 1));
    worstLr = Math.max(
      worstLr,
      lrErr(actual.appliedLr, expected.appliedLr),
      lrErr(actual.smoothedLr, expected.smoothedLr),
    );
    worstWeights = Math.max(worstWeights, err);
    steps.push(expected);
  }
  // No decision was close enough to its threshold for float32 rounding to flip it.
  for (const s of steps)
    for (const m of s.margins) {
      const min = m.kind === 'noise' ? MIN_NOISE_MARGIN : MIN_RATIO_MARGIN;
      assert.ok(marginOf(m) >= min, `step ${s.step}: ${m.name} margin ${marginOf(m)} < ${min}`);
    }
  for (const s of steps.filter((x) => x.reason === 'ok')) {
    const curvature = [...s.margins].reverse().find((m) => m.name.startsWith('|b|·h²'))!; // the fit that decided
    assert.ok(
      marginOf(curvature) >= (run.minOkCurvature ?? MIN_OK_CURVATURE),
      `step ${s.step}: accepted curvature ${marginOf(curvature)}δ`,
    );
  }
  t.diagnostic(`worst relative error: lr ${worstLr.toExponential(2)}, weights ${worstWeights.toExponential(2)}`);
  opt.dispose();
  problem.dispose();
  return steps;
}

const WARM_UP_FACTOR = 0.9 + 0.1 * 2; // γ + (1 − γ)·clip[1]: the largest smoothed rise per refit

describe('the tfjs GeN steps exactly as the float64 reference', () => {
  for (const run of RUNS) {
    test(`${run.name}: same reason, refit, lr and weights at each of ${STEPS} steps`, (t) => {
      const steps = runBoth(run, t);
      const reasons = new Set(steps.map((s) => s.reason));

      // The run must exercise what it claims to pin.
      const calibrating = steps.filter((s) => s.calibrating);
      assert.ok(calibrating.length >= 2, `calibrates over ${calibrating.length} steps`);
      // With calibrationRefits the jumps happen in the extra fits, and the fit that decides lands in the band.
      if (!run.options.calibrationRefits)
        assert.ok(
          calibrating.some((s) => s.reason === 'clipped'),
          'a calibration step is clipped at 10×',
        );
      // With calibrationRefits an insignificant first fit is probed again further out before it decides anything.
      const expectedReasons = ['clipped', 'ok', 'skipped', 'not_descent'];
      if (!run.options.calibrationRefits) expectedReasons.push('insignificant');
      for (const r of expectedReasons) {
        assert.ok(reasons.has(r), `reason '${r}' occurs (got ${[...reasons].join(', ')})`);
      }
      const refits = steps.filter((s) => s.refit && !s.calibrating);
      const rises = refits.filter(
        (s, i) =>
          i > 0 && s.reason === 'clipped' && Math.abs(s.smoothedLr / refits[i - 1].smoothedLr - WARM_UP_FACTOR) < 1e-12,
      );
      // (The default runs pin the warm-up; a run with calibrationRefits pins the extra fits below.)
      if (!run.options.calibrationRefits)
        assert.ok(rises.length >= 1, 'after calibration, the warm-up raises the lr by ×1.1 at least once');
      if (run.options.calibrationRefits) {
        const retried = steps.filter((s) => s.calibrationRefits > 0);
        assert.ok(retried.length >= 1, 'a calibration step probes again before its update');
        t.diagnostic(`extra fits per step: ${steps.map((s) => s.calibrationRefits).join(' ')}`);
      }
      if (run.options.horizon) {
        const last = steps[STEPS - 1];
        assert.ok(last.appliedLr < 0.01 * last.smoothedLr, 'the cosine horizon brings the applied lr near 0');
      }
    });
  }

  test('non-finite training and probe losses: both skip the same steps and back off the same way', (t) => {
    const poison: [number, number][] = [
      [1, 0],
      [3, 2],
      [11, 0],
      [16, 1],
    ];
    const steps = runBoth({ name: 'poisoned', ...sgdm, options: {}, poison }, t);
    for (const [step] of poison) assert.equal(steps[step].reason, 'nonfinite', `step ${step}`);
    assert.ok(steps[1].calibrating && !steps[11].calibrating, 'a NaN loss while calibrating and after');
    // A step that was not taken leaves no direction to probe: the next refit measures its own.
    assert.equal(steps[2].probed, 'current');
    assert.equal(steps[12].probed, 'current');
    assert.ok(steps[3].refit && steps[16].refit, 'the NaN probes fall on refits');
  });

  for (const [name, base] of [
    ['SGDW (momentum 0.9)', sgdm],
    ['AdamW', adamw],
  ] as const) {
    for (const rule of ['grow-if-downhill', 'grow'] as const) {
      test(`GeN over ${name}, insignificantCurvature '${rule}', on flat fits: the same steps, and the rule acts`, (t) => {
        // From step 20 on the loss carries a constant 1e6: δ (32 ulps of the loss) grows to ~4, far above what the
        // probes' losses differ by, so every later fit is insignificant and flat (slope and curvature within δ).
        const lossOffset = (k: number) => (k >= 20 ? 1e6 : 0);
        const steps = runBoth(
          { name: `flat ${name}`, ...base, options: { insignificantCurvature: rule }, lossOffset },
          t,
        );
        const flat = steps.filter((s) => s.refit && !s.calibrating && s.step >= 20);
        assert.ok(flat.length >= 5, `refits after step 20: ${flat.length}`);
        for (const s of flat) {
          assert.equal(s.reason, 'insignificant', `step ${s.step}`);
          const before = steps[s.step - 1].smoothedLr;
          if (rule === 'grow')
            assert.ok(Math.abs(s.smoothedLr / before - WARM_UP_FACTOR) < 1e-12, `step ${s.step}: grows`);
          else assert.equal(s.smoothedLr, before, `step ${s.step}: holds`);
        }
      });
    }
  }

  for (const [name, base] of [
    ['SGDW (momentum 0.9)', sgdm],
    ['AdamW', adamw],
  ] as const) {
    test(`GeN over ${name} with risingLoss 'hold': the same steps, and the hold acts`, (t) => {
      // From step 20 on the loss carries a constant 30: the gradients are the same, the loss averages see a loss
      // that rose, and the fast one passes the slow one a few steps later, while the fits still propose increases.
      const lossOffset = (k: number) => (k >= 20 ? 30 : 0);
      // The constant raises δ (32 ulps of the loss) about 30-fold, so accepted fits clear the noise by less (the
      // least: 22δ); the per-step lr and weights above still agree within TOL.
      const steps = runBoth(
        { name: `hold ${name}`, ...base, options: { risingLoss: 'hold' }, lossOffset, minOkCurvature: 10 },
        t,
      );
      const held = steps.filter((s) => s.held);
      assert.ok(held.length >= 1, 'a fit was kept from raising the lr while the loss rose');
      for (const s of held)
        assert.ok(s.smoothedLr <= steps[s.step - 1].smoothedLr, `step ${s.step}: the lr did not rise`);
      t.diagnostic(`held at steps ${held.map((s) => s.step).join(' ')}`);
    });
  }

  test('GeN over SGDW with maxLr below the calibrated lr: the clamp acts the same on both sides', (t) => {
    const steps = runBoth({ name: 'maxLr', ...sgdm, options: { maxLr: 0.05 } }, t);
    assert.ok(
      steps.some((s) => s.smoothedLr === 0.05),
      'maxLr clamps the lr',
    );
  });
});
