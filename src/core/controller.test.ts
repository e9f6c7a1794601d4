import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Acceptance } from './accept.js';
import {
  activeStepFactor,
  appliedLr,
  backOffNonfinite,
  CALIBRATION_JUMP,
  carryOver,
  decideRefit,
  horizonFactor,
  warmUpFactor,
  initialControllerState,
  isRefitStep,
  lossRising,
  MAX_CALIBRATION_STEPS,
  probeOffsets,
  reportValidation,
  retryCalibration,
  trackLoss,
  usesGradientSlope,
} from './controller.js';
import {
  LOSS_TREND_FAST,
  LOSS_TREND_SLOW,
  resolveControllerOptions,
  STEP_FACTOR_GATE_TOLERANCE,
  type ControllerOptions,
} from './options.js';

// The rules below are the controller's with the fitted slope's probes; `slope: 'alternating'` has its own test.
const opts = (o: Partial<ControllerOptions> = {}) =>
  resolveControllerOptions('test', { calibrate: false, slope: 'fitted', ...o });
const ok = (proposal: number): Acceptance => ({ accepted: true, reason: 'ok', proposal, noise: 0, downhill: true });
const rejected = (reason: Acceptance['reason'], downhill = false): Acceptance => ({
  accepted: false,
  reason,
  proposal: NaN,
  noise: 0,
  downhill,
});

/** The state after `n` refits from the start, each accepting `proposal`. */
function afterAcceptedFits(o: ControllerOptions, n: number, proposal: number) {
  let s = initialControllerState(o);
  for (let i = 0; i < n; i++) s = decideRefit(s, o, ok(proposal)).state;
  return s;
}

describe('the learning-rate controller', () => {
  test('smooths an accepted proposal: lr ← γ·lr + (1 − γ)·x*', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0.9 });
    const d = decideRefit(initialControllerState(o), o, ok(0.15));
    assert.equal(d.reason, 'ok');
    assert.ok(Math.abs(d.state.lr - (0.9 * 0.1 + 0.1 * 0.15)) < 1e-15);
  });

  test('clips a proposal to [lo, hi]·lr before smoothing and says so', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0.5, clip: [0.5, 2] });
    const up = decideRefit(initialControllerState(o), o, ok(10));
    assert.equal(up.reason, 'clipped');
    assert.ok(Math.abs(up.state.lr - (0.05 + 0.5 * 0.2)) < 1e-15);
    const down = decideRefit(initialControllerState(o), o, ok(1e-9));
    assert.ok(Math.abs(down.state.lr - (0.05 + 0.5 * 0.05)) < 1e-15);
  });

  test('with γ = 0 and no clip it applies the proposal as is', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0, clip: null });
    assert.equal(decideRefit(initialControllerState(o), o, ok(123.5)).state.lr, 123.5);
  });

  test('grows the lr (and with it the probe distance) when the curvature is insignificant', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0 });
    const d = decideRefit(initialControllerState(o), o, rejected('insignificant', true));
    assert.ok(Math.abs(d.state.lr - 0.2) < 1e-15);
    assert.equal(d.skipUpdate, false);
  });

  test('backs off gently after a nonconvex or not-descent fit', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0.9 });
    for (const reason of ['nonconvex', 'not_descent', 'poor_fit'] as const) {
      const d = decideRefit(initialControllerState(o), o, rejected(reason));
      assert.ok(Math.abs(d.state.lr - 0.1 * (0.9 + 0.1 * 0.5)) < 1e-15, reason);
      assert.equal(d.reason, reason);
    }
  });

  test('halves the lr and skips the update after a non-finite probe', () => {
    const o = opts({ initialLr: 0.1 });
    const d = decideRefit(initialControllerState(o), o, rejected('nonfinite'));
    assert.equal(d.state.lr, 0.05);
    assert.equal(d.skipUpdate, true);
    assert.equal(backOffNonfinite(initialControllerState(o), o).lr, 0.05);
  });

  test('keeps the lr inside [minLr, maxLr]', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0, clip: null, minLr: 0.01, maxLr: 0.5 });
    assert.equal(decideRefit(initialControllerState(o), o, ok(7)).state.lr, 0.5);
    assert.equal(decideRefit(initialControllerState(o), o, ok(1e-6)).state.lr, 0.01);
  });

  test('refits every Φ steps and carries the lr over in between', () => {
    const o = opts({ every: 3 });
    let s = initialControllerState(o);
    const refits: boolean[] = [];
    for (let i = 0; i < 7; i++) {
      refits.push(isRefitStep(s, o));
      s = carryOver(s);
    }
    assert.deepEqual(refits, [true, false, false, true, false, false, true]);
    assert.equal(s.lr, o.initialLr);
  });

  test('probes at the offsets times the current lr', () => {
    const o = opts({ initialLr: 0.02, probes: [-2, -1, 0, 1, 2] });
    assert.deepEqual(probeOffsets(initialControllerState(o), o), [-0.04, -0.02, 0, 0.02, 0.04]);
  });

  test("with slope 'alternating' the probes are the given ones while calibrating, then one whose side alternates", () => {
    const o = resolveControllerOptions('test', { initialLr: 0.02, every: 4, slope: 'alternating', probes: [-2, 0, 2] });
    const s = initialControllerState(o);
    assert.ok(s.calibrating);
    assert.deepEqual(probeOffsets(s, o), [-0.04, 0, 0.04]);
    assert.ok(!usesGradientSlope(s, o), 'the fitted slope while calibrating');
    const after = { ...s, calibrating: false };
    const sides = [0, 4, 8, 12].map((step) => probeOffsets({ ...after, step }, o));
    assert.deepEqual(sides, [
      [0, 0.04],
      [0, -0.04],
      [0, 0.04],
      [0, -0.04],
    ]);
    assert.ok(usesGradientSlope(after, o));
    const gradient = resolveControllerOptions('test', { slope: 'gradient' });
    assert.ok(usesGradientSlope(initialControllerState(gradient), gradient), "'gradient' from the first step");
  });

  test('the horizon multiplies the applied step but is not fed back into the smoothed lr', () => {
    const plain = opts({ initialLr: 0.1 });
    const withHorizon = opts({ initialLr: 0.1, horizon: { steps: 10, shape: 'linear' } });
    const a = afterAcceptedFits(plain, 8, 0.3);
    const b = afterAcceptedFits(withHorizon, 8, 0.3);
    assert.equal(b.lr, a.lr);
    assert.ok(Math.abs(appliedLr(b, withHorizon) - b.lr * 0.2) < 1e-15);
  });

  test('horizon shapes: linear 1 − t/T, cosine (1 + cos πt/T)/2, zero after T', () => {
    assert.equal(horizonFactor(5, { steps: 20, shape: 'linear' }), 0.75);
    assert.ok(Math.abs(horizonFactor(10, { steps: 20, shape: 'cosine' }) - 0.5) < 1e-15);
    assert.equal(horizonFactor(30, { steps: 20, shape: 'linear' }), 0);
    assert.equal(horizonFactor(30, { steps: 20, shape: 'constant' }), 1);
    assert.equal(horizonFactor(3, null), 1);
  });

  test('the cooldown shape holds 1 until the last 20% of the run, then falls linearly to 0', () => {
    assert.equal(horizonFactor(79, { steps: 100, shape: 'cooldown' }), 1);
    assert.ok(Math.abs(horizonFactor(90, { steps: 100, shape: 'cooldown' }) - 0.5) < 1e-12);
    assert.equal(horizonFactor(100, { steps: 100, shape: 'cooldown' }), 0);
  });

  test('tracks stepFactor × x*: with c = 1.5 the accepted target is 1.5 times the proposal', () => {
    const o = opts({ initialLr: 0.1, smoothing: 0.5, clip: null, stepFactor: 1.5, stepFactorGate: 'always' });
    const d = decideRefit(initialControllerState(o), o, ok(0.1));
    assert.ok(Math.abs(d.state.lr - (0.05 + 0.5 * 0.15)) < 1e-15);
    assert.equal(d.reason, 'ok');
  });

  test("rejection 'hold' leaves the lr unchanged on not_descent, nonconvex and poor_fit; 'back-off' lowers it", () => {
    const hold = opts({ initialLr: 0.1, rejection: 'hold' });
    const back = opts({ initialLr: 0.1 });
    for (const reason of ['not_descent', 'nonconvex', 'poor_fit'] as const) {
      assert.equal(decideRefit(initialControllerState(hold), hold, rejected(reason)).state.lr, 0.1);
      assert.ok(decideRefit(initialControllerState(back), back, rejected(reason)).state.lr < 0.1);
    }
  });

  test('a horizon on the proposal scales the innovation inside the smoothing and leaves the applied step alone', () => {
    const o = opts({
      initialLr: 0.1,
      smoothing: 0.9,
      clip: [0.5, 2],
      horizon: { steps: 10, shape: 'linear', on: 'proposal' },
    });
    const s = { ...initialControllerState(o), step: 5 };
    const d = decideRefit(s, o, ok(0.1));
    assert.ok(Math.abs(d.state.lr - (0.09 + 0.1 * 0.5 * 0.1)) < 1e-15);
    assert.equal(appliedLr(d.state, o), d.state.lr);
  });

  test('the official placement decays geometrically once s < ½, whatever x* says', () => {
    const o = opts({ initialLr: 0.1, horizon: { steps: 100, shape: 'linear', on: 'proposal' } });
    let s = { ...initialControllerState(o), step: 80 }; // s = 0.2
    const before = s.lr;
    s = decideRefit(s, o, ok(1e3)).state; // clipped to 2·lr, then × 0.2
    assert.ok(Math.abs(s.lr - before * (0.9 + 0.1 * 2 * 0.2)) < 1e-15);
    assert.ok(s.lr < before);
  });

  test('a warm-up ramps the applied step over the first ⌊f·T⌋ steps from the start, linearly to 1', () => {
    const h = { steps: 100, shape: 'linear' as const, warmUp: 0.1 };
    assert.equal(warmUpFactor(0, h), 0.1);
    assert.equal(warmUpFactor(4, h), 0.5);
    assert.equal(warmUpFactor(9, h), 1);
    assert.equal(warmUpFactor(50, h), 1);
    assert.equal(warmUpFactor(12, { ...h, start: 10 }), 0.3);
    assert.equal(warmUpFactor(3, { steps: 100, shape: 'linear' }), 1, 'no warm-up by default');
    assert.equal(warmUpFactor(0, { steps: 5, warmUp: 0.1 }), 1, 'fewer than one warm-up step is none');
    assert.equal(warmUpFactor(0, null), 1);
    assert.equal(warmUpFactor(0, 'auto'), 1);
  });

  test('the warm-up multiplies the applied step with the shape, also when the shape acts on the proposal', () => {
    const onStep = opts({ initialLr: 0.1, horizon: { steps: 100, shape: 'linear', warmUp: 0.2 } });
    const s = { ...initialControllerState(onStep), step: 4 }; // warm-up 5/20, shape 0.96
    assert.ok(Math.abs(appliedLr(s, onStep) - 0.1 * 0.25 * 0.96) < 1e-15);
    const onProposal = opts({ initialLr: 0.1, horizon: { steps: 100, shape: 'linear', on: 'proposal', warmUp: 0.2 } });
    assert.ok(Math.abs(appliedLr(s, onProposal) - 0.1 * 0.25) < 1e-15);
  });

  test('the warm-up is not fed back into the smoothed lr, so the probes measure at the same distance', () => {
    const plain = opts({ initialLr: 0.1, horizon: { steps: 100 } });
    const warm = opts({ initialLr: 0.1, horizon: { steps: 100, warmUp: 0.5 } });
    const a = afterAcceptedFits(plain, 8, 0.3);
    const b = afterAcceptedFits(warm, 8, 0.3);
    assert.equal(b.lr, a.lr);
    assert.deepEqual(probeOffsets(b, warm), probeOffsets(a, plain));
    assert.ok(Math.abs(appliedLr(b, warm) - (appliedLr(a, plain) * 9) / 50) < 1e-15);
  });

  test("a horizon starts at its 'start' step; 'auto' and null mean none", () => {
    assert.equal(horizonFactor(10, { steps: 20, shape: 'linear', start: 10 }), 1);
    assert.equal(horizonFactor(20, { steps: 20, shape: 'linear', start: 10 }), 0.5);
    assert.equal(horizonFactor(5, { steps: 20, shape: 'linear', start: 10 }), 1);
    assert.equal(horizonFactor(5, 'auto'), 1);
  });

  describe('calibration', () => {
    // calibrationDivisor 1 isolates the calibration mechanics; the warm-up has its own test below.
    const cal = (o: Partial<ControllerOptions> = {}) =>
      resolveControllerOptions('test', { initialLr: 1e-5, calibrationDivisor: 1, ...o });

    test('refits every step while calibrating', () => {
      const o = cal({ every: 8 });
      const s = { ...initialControllerState(o), step: 3 };
      assert.equal(isRefitStep(s, o), true);
    });

    test('jumps at most 10× per step towards a far proposal, without smoothing', () => {
      const o = cal();
      const d = decideRefit(initialControllerState(o), o, ok(1));
      assert.ok(Math.abs(d.state.lr - 1e-5 * CALIBRATION_JUMP) < 1e-18);
      assert.equal(d.state.calibrating, true);
      assert.equal(d.reason, 'clipped');
    });

    test('an increase takes effect one step later, after the next probes have looked at it', () => {
      const o = cal();
      const up = decideRefit(initialControllerState(o), o, ok(5e-5));
      assert.equal(up.state.lr, 5e-5);
      assert.equal(up.stepLr, 1e-5);
      const down = decideRefit(up.state, o, ok(2e-5));
      assert.equal(down.stepLr, 2e-5, 'a decrease acts at once');
    });

    test('outside calibration the step uses the new lr at once', () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.5 });
      const d = decideRefit(initialControllerState(o), o, ok(0.15));
      assert.equal(d.stepLr, d.state.lr);
    });

    test('takes a proposal within the jump directly and ends once it lands in the clip band', () => {
      const o = cal();
      const first = decideRefit(initialControllerState(o), o, ok(4e-5));
      assert.equal(first.state.lr, 4e-5);
      assert.equal(first.state.calibrating, true);
      const second = decideRefit(first.state, o, ok(6e-5));
      assert.equal(second.state.lr, 6e-5);
      assert.equal(second.state.calibrating, false);
    });

    test('with calibrationDivisor W it lands at proposal ÷ W, then the smoothed rule rises at most ×1.1 per refit', () => {
      const o = cal({ calibrationDivisor: 3 });
      const first = decideRefit(initialControllerState(o), o, ok(9e-5));
      assert.ok(Math.abs(first.state.lr - 3e-5) < 1e-18);
      assert.equal(first.state.calibrating, true, 'the target 9e-5 ÷ 3 was 3× the lr, outside the band');
      const second = decideRefit(first.state, o, ok(9e-5));
      assert.equal(second.state.calibrating, false, 'the target now equals the lr');
      let s = second.state;
      for (let i = 0; i < 5; i++) {
        const d = decideRefit(s, o, ok(9e-5));
        assert.ok(d.state.lr <= 1.1 * s.lr * (1 + 1e-12), `refit ${i}: ${d.state.lr} > 1.1 × ${s.lr}`);
        assert.ok(d.state.lr > s.lr);
        s = d.state;
      }
    });

    test('with minCalibrationSteps 1 a first proposal in the band ends calibration at once', () => {
      const o = cal({ minCalibrationSteps: 1 });
      const first = decideRefit(initialControllerState(o), o, ok(1.5e-5));
      assert.equal(first.state.calibrating, false);
    });

    test('with minCalibrationSteps 2 the first in-band proposal is taken but the next step refits again', () => {
      const o = cal({ minCalibrationSteps: 2, every: 4 });
      const first = decideRefit(initialControllerState(o), o, ok(1.5e-5));
      assert.equal(first.state.lr, 1.5e-5);
      assert.equal(first.state.calibrating, true);
      assert.equal(isRefitStep(first.state, o), true, 'step 1 refits although every = 4');
      const second = decideRefit(first.state, o, ok(1.2e-5));
      assert.equal(second.state.lr, 1.2e-5);
      assert.equal(second.state.calibrating, false, 'the second in-band proposal ends it');
    });

    test('minCalibrationSteps is validated: an integer from 1 to 25', () => {
      for (const bad of [0, 1.5, 26, Number.NaN])
        assert.throws(() => cal({ minCalibrationSteps: bad }), /option 'minCalibrationSteps' must be/);
    });

    describe('calibrationRefits: a calibration step probes again before it applies an lr it did not probe', () => {
      test('with 0 (the default) no fit is retried', () => {
        const o = cal();
        assert.equal(o.calibrationRefits, 0);
        assert.equal(retryCalibration(initialControllerState(o), o, ok(3e-3), 0), null);
      });

      test('a target outside the band is probed again at the target, same step, same calibration count', () => {
        const o = cal({ calibrationRefits: 4, calibrationDivisor: 3 });
        const s0 = initialControllerState(o); // lr 1e-5
        const again = retryCalibration(s0, o, ok(9e-5), 0);
        assert.ok(again !== null);
        assert.ok(Math.abs(again.lr - 3e-5) < 1e-18, 'lands at x* ÷ W as a calibration step would');
        assert.equal(again.step, s0.step);
        assert.equal(again.calibrationSteps, s0.calibrationSteps);
        assert.equal(again.calibrating, true);
        assert.equal(again.refits, s0.refits + 1);
      });

      test('a target in the band is not retried: the step is decided from that fit', () => {
        const o = cal({ calibrationRefits: 4, calibrationDivisor: 3 });
        assert.equal(retryCalibration(initialControllerState(o), o, ok(4.5e-5), 0), null, 'x* ÷ W = 1.5·lr');
      });

      test('moves at most the calibration jump per retry, down as well as up', () => {
        const o = cal({ calibrationRefits: 4, calibrationDivisor: 1, initialLr: 0.1 });
        const down = retryCalibration(initialControllerState(o), o, ok(1e-6), 0);
        assert.ok(down !== null && Math.abs(down.lr - 0.1 / CALIBRATION_JUMP) < 1e-15);
      });

      test('an insignificant fit is retried further out; a rejected or nonfinite one is not', () => {
        const o = cal({ calibrationRefits: 4 });
        const s0 = initialControllerState(o);
        assert.ok(Math.abs(retryCalibration(s0, o, rejected('insignificant'), 0)!.lr - 1e-4) < 1e-18);
        for (const reason of ['not_descent', 'poor_fit', 'nonfinite'] as const)
          assert.equal(retryCalibration(s0, o, rejected(reason), 0), null, reason);
        assert.equal(retryCalibration(s0, o, rejected('nonconvex', false), 0), null, 'an uphill concave fit');
      });

      test('stops after calibrationRefits retries in one step', () => {
        const o = cal({ calibrationRefits: 2 });
        const s0 = initialControllerState(o);
        assert.ok(retryCalibration(s0, o, ok(1), 1) !== null);
        assert.equal(retryCalibration(s0, o, ok(1), 2), null);
      });

      test('never retries outside calibration, nor past maxLr', () => {
        const o = cal({ calibrationRefits: 4, maxLr: 1e-5 });
        assert.equal(
          retryCalibration(initialControllerState(o), o, ok(1), 0),
          null,
          'clamped to maxLr = lr: nothing new to probe',
        );
        const after = { ...initialControllerState(o), calibrating: false };
        assert.equal(retryCalibration(after, cal({ calibrationRefits: 4 }), ok(1), 0), null);
      });

      test("with calibrationRefitsOn 'decrease' only a target below the band is taken again", () => {
        const o = cal({ calibrationRefits: 4, calibrationRefitsOn: 'decrease', initialLr: 1e-3 });
        const s0 = initialControllerState(o);
        assert.ok(Math.abs(retryCalibration(s0, o, ok(1e-4), 0)!.lr - 1e-4) < 1e-18, 'a decrease is probed first');
        assert.equal(retryCalibration(s0, o, ok(1e-2), 0), null, 'an increase waits a step as without refits');
        assert.equal(retryCalibration(s0, o, rejected('insignificant'), 0), null);
        assert.throws(() => cal({ calibrationRefitsOn: 'up' as never }), /option 'calibrationRefitsOn' must be/);
      });

      test('is validated: an integer from 0 to 10', () => {
        for (const bad of [-1, 0.5, 11, Number.NaN])
          assert.throws(() => cal({ calibrationRefits: bad }), /option 'calibrationRefits' must be/);
      });
    });

    test('calibrationDivisor is validated: a number of at least 1', () => {
      assert.throws(() => cal({ calibrationDivisor: 0.5 }), /calibrationDivisor.*0\.5/);
      assert.throws(() => cal({ calibrationDivisor: Number.NaN }), /calibrationDivisor/);
    });

    test('grows 10× per step while the curvature is insignificant', () => {
      const o = cal();
      const d = decideRefit(initialControllerState(o), o, rejected('insignificant'));
      assert.ok(Math.abs(d.state.lr - 1e-4) < 1e-18);
    });

    test(`ends after ${MAX_CALIBRATION_STEPS} steps even without an in-band proposal`, () => {
      const o = cal({ initialLr: 1 });
      let s = initialControllerState(o);
      let n = 0;
      while (s.calibrating) {
        s = decideRefit(s, o, rejected(n % 2 ? 'insignificant' : 'nonconvex')).state;
        n++;
      }
      assert.equal(n, MAX_CALIBRATION_STEPS);
    });
  });

  describe('a downhill fit with negative curvature', () => {
    const concaveDownhill = rejected('nonconvex', true);
    const hilltop = rejected('nonconvex', false);

    test('by default raises the lr as an insignificant fit does, after calibration', () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.9 });
      const s0 = initialControllerState(o);
      const grown = decideRefit(s0, o, concaveDownhill);
      assert.equal(grown.state.lr, decideRefit(s0, o, rejected('insignificant', true)).state.lr);
      assert.ok(Math.abs(grown.state.lr - 0.1 * (0.9 + 0.1 * 2)) < 1e-15, `lr ${grown.state.lr}`);
      assert.equal(grown.reason, 'nonconvex');
      assert.equal(grown.accepted, false);
    });

    test('by default jumps ×10 while calibrating, the jump waiting one step', () => {
      const o = resolveControllerOptions('test', { initialLr: 1e-3 });
      const d = decideRefit(initialControllerState(o), o, concaveDownhill);
      assert.ok(Math.abs(d.state.lr - 1e-3 * CALIBRATION_JUMP) < 1e-15);
      assert.equal(d.stepLr, 1e-3);
    });

    test("with 'reject' (0.3's rule) halves the lr while calibrating and backs off after", () => {
      const cal = resolveControllerOptions('test', { initialLr: 1e-3, negativeCurvature: 'reject' });
      assert.equal(decideRefit(initialControllerState(cal), cal, concaveDownhill).state.lr, 5e-4);
      const o = opts({ initialLr: 0.1, smoothing: 0.9, negativeCurvature: 'reject' });
      const d = decideRefit(initialControllerState(o), o, concaveDownhill);
      assert.ok(Math.abs(d.state.lr - 0.1 * (0.9 + 0.1 * 0.5)) < 1e-15);
    });

    test('a concave fit that is not downhill (a hilltop) backs off under either rule', () => {
      for (const negativeCurvature of ['grow', 'reject'] as const) {
        const o = opts({ initialLr: 0.1, smoothing: 0.9, negativeCurvature });
        const d = decideRefit(initialControllerState(o), o, hilltop);
        assert.ok(d.state.lr < 0.1, `${negativeCurvature}: lr ${d.state.lr}`);
      }
    });
  });

  describe('an insignificant fit after calibration (insignificantCurvature)', () => {
    const flat = rejected('insignificant', false);
    const descending = rejected('insignificant', true);
    const grown = 0.1 * (0.9 + 0.1 * 2);

    test("with 'grow' (1.3's rule) raises the lr ×(γ + (1 − γ)·hi), downhill or flat", () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.9, insignificantCurvature: 'grow' });
      for (const acc of [flat, descending]) {
        const d = decideRefit(initialControllerState(o), o, acc);
        assert.ok(Math.abs(d.state.lr - grown) < 1e-15, `lr ${d.state.lr}`);
      }
    });

    test("by default ('grow-if-downhill', since 1.4) grows on a downhill slope and holds on a flat one", () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.9 });
      assert.equal(o.insignificantCurvature, 'grow-if-downhill');
      const s0 = initialControllerState(o);
      assert.ok(Math.abs(decideRefit(s0, o, descending).state.lr - grown) < 1e-15);
      assert.equal(decideRefit(s0, o, flat).state.lr, 0.1);
    });

    test("with 'hold' leaves the lr unchanged, downhill or flat, and still steps", () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.9, insignificantCurvature: 'hold' });
      for (const acc of [flat, descending]) {
        const d = decideRefit(initialControllerState(o), o, acc);
        assert.equal(d.state.lr, 0.1);
        assert.equal(d.stepLr, 0.1);
        assert.equal(d.skipUpdate, false);
        assert.equal(d.reason, 'insignificant');
      }
    });

    test('under every rule still jumps ×10 while calibrating', () => {
      for (const insignificantCurvature of ['grow', 'hold', 'grow-if-downhill'] as const) {
        const o = resolveControllerOptions('test', { initialLr: 1e-3, insignificantCurvature });
        const d = decideRefit(initialControllerState(o), o, flat);
        assert.ok(Math.abs(d.state.lr - 1e-2) < 1e-15, `${insignificantCurvature}: lr ${d.state.lr}`);
      }
    });

    test('a concave downhill fit grows the lr whatever the rule for insignificant ones', () => {
      const o = opts({ initialLr: 0.1, smoothing: 0.9, insignificantCurvature: 'hold' });
      const d = decideRefit(initialControllerState(o), o, rejected('nonconvex', true));
      assert.ok(Math.abs(d.state.lr - grown) < 1e-15);
    });
  });

  describe("averaging 'geometric'", () => {
    const geo = (o: Partial<ControllerOptions> = {}) =>
      opts({ initialLr: 0.1, smoothing: 0.9, averaging: 'geometric', ...o });
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-15 * Math.abs(b);

    test('smooths log lr: lr ← lr^γ · x*^(1 − γ)', () => {
      const o = geo();
      const d = decideRefit(initialControllerState(o), o, ok(0.15));
      assert.ok(close(d.state.lr, Math.pow(0.1, 0.9) * Math.pow(0.15, 0.1)), `lr ${d.state.lr}`);
    });

    test('moves a fit clipped high and one clipped low by reciprocal factors, 2^±0.1', () => {
      const o = geo();
      const up = decideRefit(initialControllerState(o), o, ok(10)).state.lr;
      const down = decideRefit(initialControllerState(o), o, ok(1e-9)).state.lr;
      assert.ok(close(up, 0.1 * Math.pow(2, 0.1)), `up ${up}`);
      assert.ok(close(down, 0.1 * Math.pow(2, -0.1)), `down ${down}`);
      assert.ok(close(up * down, 0.01));
    });

    test('grows on insignificant and backs off on a rejected fit by the same factors', () => {
      const o = geo();
      const s0 = initialControllerState(o);
      assert.ok(close(decideRefit(s0, o, rejected('insignificant', true)).state.lr, 0.1 * Math.pow(2, 0.1)));
      assert.ok(close(decideRefit(s0, o, rejected('not_descent')).state.lr, 0.1 * Math.pow(2, -0.1)));
      assert.equal(decideRefit(s0, geo({ rejection: 'hold' }), rejected('not_descent')).state.lr, 0.1);
      assert.equal(decideRefit(s0, o, rejected('nonfinite')).state.lr, 0.05);
    });

    test('on fits alternately clipped high and low it stays put, where the arithmetic rule drifts up', () => {
      const run = (averaging: 'arithmetic' | 'geometric') => {
        const o = geo({ averaging });
        let s = initialControllerState(o);
        for (let i = 0; i < 100; i++) s = decideRefit(s, o, ok(i % 2 === 0 ? 1e9 : 1e-9)).state;
        return s.lr;
      };
      assert.ok(Math.abs(run('geometric') / 0.1 - 1) < 1e-12, `geometric ${run('geometric')}`);
      // (1.1 · 0.95)^50 = 3.0
      assert.ok(Math.abs(run('arithmetic') / 0.1 - Math.pow(1.1 * 0.95, 50)) < 1e-9, `arithmetic ${run('arithmetic')}`);
    });

    test('converges to a steady proposal like the arithmetic rule', () => {
      const o = geo();
      let s = initialControllerState(o);
      for (let i = 0; i < 400; i++) s = decideRefit(s, o, ok(0.13)).state;
      assert.ok(Math.abs(s.lr - 0.13) < 1e-12, `lr ${s.lr}`);
    });
  });
});

describe('the loss trend (risingLoss)', () => {
  /** A state whose loss averages say the loss rises (fast above slow) or falls. */
  const trending = (o: ControllerOptions, rising: boolean) => ({
    ...initialControllerState(o),
    lossFast: rising ? 1.2 : 0.8,
    lossSlow: 1,
  });

  test('both loss averages start at the first finite loss and then follow their weights; a non-finite loss is skipped', () => {
    const o = opts();
    let s = trackLoss(initialControllerState(o), NaN);
    assert.ok(Number.isNaN(s.lossFast) && Number.isNaN(s.lossSlow), 'no loss seen yet');
    s = trackLoss(s, 2);
    assert.deepEqual([s.lossFast, s.lossSlow], [2, 2]);
    s = trackLoss(trackLoss(s, Infinity), 1);
    assert.equal(s.lossFast, 2 + LOSS_TREND_FAST * (1 - 2));
    assert.equal(s.lossSlow, 2 + LOSS_TREND_SLOW * (1 - 2));
    assert.equal(lossRising(s), false, 'a falling loss: the fast average is below the slow one');
    for (let k = 0; k < 5; k++) s = trackLoss(s, 3);
    assert.equal(lossRising(s), true, 'a rising loss: the fast average overtakes the slow one');
  });

  test("'hold': while the loss rises no accepted fit raises the lr, and a lower proposal still lowers it", () => {
    const o = opts({ initialLr: 0.1, risingLoss: 'hold' });
    assert.equal(decideRefit(trending(o, true), o, ok(0.15)).state.lr, 0.1);
    assert.equal(decideRefit(trending(o, true), o, ok(1)).state.lr, 0.1, 'a clipped-high fit too');
    assert.ok(Math.abs(decideRefit(trending(o, true), o, ok(0.08)).state.lr - (0.9 * 0.1 + 0.1 * 0.08)) < 1e-15);
    assert.ok(decideRefit(trending(o, false), o, ok(0.15)).state.lr > 0.1, 'a falling loss leaves the rule as it is');
  });

  test("'hold': an insignificant or downhill nonconvex fit leaves the lr as it is while the loss rises; rejections back off as before", () => {
    const o = opts({ initialLr: 0.1, risingLoss: 'hold' });
    assert.equal(decideRefit(trending(o, true), o, rejected('insignificant', true)).state.lr, 0.1);
    assert.equal(decideRefit(trending(o, true), o, rejected('nonconvex', true)).state.lr, 0.1);
    assert.ok(decideRefit(trending(o, false), o, rejected('insignificant', true)).state.lr > 0.1);
    assert.ok(decideRefit(trending(o, true), o, rejected('not_descent')).state.lr < 0.1);
  });

  test("'ignore' (the default) and calibration do not look at the loss trend", () => {
    const ignore = opts({ initialLr: 0.1 });
    assert.equal(ignore.risingLoss, 'ignore');
    assert.ok(decideRefit(trending(ignore, true), ignore, ok(0.15)).state.lr > 0.1);
    const calibrating = opts({ initialLr: 0.1, risingLoss: 'hold', calibrate: true });
    assert.equal(decideRefit(trending(calibrating, true), calibrating, ok(3)).state.lr, 1, 'calibration lands at x*/W');
  });

  test('a refit carries the loss averages into the next state', () => {
    const o = opts({ risingLoss: 'hold' });
    const d = decideRefit(trending(o, true), o, ok(0.001));
    assert.deepEqual([d.state.lossFast, d.state.lossSlow], [1.2, 1]);
  });
});

describe('the validation decay', () => {
  const o = opts({ initialLr: 0.1, validationDecay: { factor: 0.5, patience: 2 } });

  test('a report below the best is the new best and resets the count; the patience-th without one halves v', () => {
    let s = initialControllerState(o);
    const report = (loss: number) => {
      const r = reportValidation(s, o, loss);
      s = r.state;
      return [r.improved, r.decayed, s.validationScale, s.validationBest, s.validationWaits];
    };
    assert.deepEqual(report(1.0), [true, false, 1, 1.0, 0]);
    assert.deepEqual(report(1.2), [false, false, 1, 1.0, 1]);
    assert.deepEqual(report(0.9), [true, false, 1, 0.9, 0]);
    assert.deepEqual(report(0.9), [false, false, 1, 0.9, 1]); // equal to the best is no improvement
    assert.deepEqual(report(NaN), [false, true, 0.5, 0.9, 0]); // a loss that is not finite counts as none
    assert.deepEqual(report(2), [false, false, 0.5, 0.9, 1]);
    assert.deepEqual(report(2), [false, true, 0.25, 0.9, 0]);
  });

  test('v multiplies the applied lr and nothing else: the smoothed lr and the probes stay where they were', () => {
    const s = { ...initialControllerState(o), validationScale: 0.25 };
    assert.equal(appliedLr(s, o), 0.1 * 0.25);
    assert.deepEqual(probeOffsets(s, o), [-0.1, 0, 0.1]);
    assert.equal(decideRefit(s, o, ok(0.1)).state.validationScale, 0.25);
  });

  test('a first report that is not finite is no best: the first finite one is', () => {
    const p = opts({ validationDecay: { patience: 3 } });
    const r1 = reportValidation(initialControllerState(p), p, Infinity);
    assert.equal(r1.improved, false);
    assert.ok(Number.isNaN(r1.state.validationBest));
    assert.equal(reportValidation(r1.state, p, 5).improved, true);
  });

  test('v never underflows to 0, which would stop training for good', () => {
    const p = opts({ validationDecay: { factor: 1e-300 } });
    let s = reportValidation(initialControllerState(p), p, 1).state;
    for (let i = 0; i < 4; i++) s = reportValidation(s, p, 2).state;
    assert.ok(s.validationScale > 0);
  });

  test('validationDecay is validated field by field, naming the field and what is allowed', () => {
    assert.throws(() => opts({ validationDecay: { factor: 1 } }), /'validationDecay.factor' must be .*got 1/);
    assert.throws(() => opts({ validationDecay: { patience: 0.5 } }), /'validationDecay.patience' must be .*got 0.5/);
    assert.throws(
      () => opts({ validationDecay: 0.5 as never }),
      /option 'validationDecay' must be null or \{ factor\?, patience\? \}; got 0.5/,
    );
    assert.equal(opts({ validationDecay: null }).validationDecay, null);
    assert.throws(() => opts({ validationDecay: { rate: 0.5 } as never }), /rate/);
    assert.deepEqual(opts({ validationDecay: { factor: 0.7 } }).validationDecay, { factor: 0.7, patience: 1 });
  });
});

describe('the step-factor gate', () => {
  const gated = opts({ initialLr: 0.1, stepFactor: 1.5, stepFactorGate: 'validation' });
  /** A state whose fast training-loss average is 1 (a run that has seen losses), gate as given. */
  const trained = (o: ControllerOptions, open = false) => ({
    ...initialControllerState(o),
    lossFast: 1,
    lossSlow: 1,
    stepFactorOpen: open,
  });

  test('before any report the gate is closed: a fit targets x* itself, not c·x*', () => {
    const s = trained(gated);
    assert.equal(activeStepFactor(s, gated), 1);
    // x* = 0.15 lies in the band: lr ← 0.9·0.1 + 0.1·0.15.
    assert.equal(decideRefit(s, gated, ok(0.15)).state.lr, 0.9 * 0.1 + 0.1 * 0.15);
  });

  test('a report at most (1 + tolerance) × the fast training loss opens it; one above closes it again', () => {
    const at = 1 + STEP_FACTOR_GATE_TOLERANCE;
    let s = reportValidation(trained(gated), gated, at).state;
    assert.equal(s.stepFactorOpen, true, 'at the tolerance the gate is open');
    assert.equal(activeStepFactor(s, gated), 1.5);
    assert.equal(decideRefit(s, gated, ok(0.15)).state.lr, 0.9 * 0.1 + 0.1 * 0.2, 'c·x* = 0.225, clipped to 2·lr');
    s = reportValidation(s, gated, at * 1.01).state;
    assert.equal(s.stepFactorOpen, false);
    assert.equal(activeStepFactor(s, gated), 1);
  });

  test('a report that is not finite, or one before any training loss, closes it', () => {
    assert.equal(reportValidation(trained(gated, true), gated, NaN).state.stepFactorOpen, false);
    assert.equal(reportValidation(initialControllerState(gated), gated, 0.5).state.stepFactorOpen, false);
  });

  test('calibration lands at x*/W while the gate is closed and at c·x*/W once it is open', () => {
    const o = opts({ initialLr: 0.1, stepFactor: 1.5, stepFactorGate: 'validation', calibrate: true });
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-15 * b, `${a} vs ${b}`);
    close(decideRefit(trained(o), o, ok(0.3)).state.lr, 0.1);
    close(decideRefit(trained(o, true), o, ok(0.3)).state.lr, 0.15);
  });

  test("with stepFactorGate 'always' (0.9's rule) reports change nothing about the factor", () => {
    const always = opts({ initialLr: 0.1, stepFactor: 1.5, stepFactorGate: 'always' });
    const s = reportValidation(trained(always), always, 100).state;
    assert.equal(activeStepFactor(s, always), 1.5);
    assert.equal(decideRefit(s, always, ok(0.1)).state.lr, 0.9 * 0.1 + 0.1 * 0.15);
  });

  test('with validationDecay null a report opens or closes the gate and never decays the step', () => {
    const o = opts({ stepFactor: 1.5, stepFactorGate: 'validation', validationDecay: null });
    let s = trained(o);
    for (const loss of [1, 2, 3, 4, 5]) {
      const r = reportValidation(s, o, loss);
      assert.equal(r.decayed, false);
      s = r.state;
    }
    assert.deepEqual([s.validationScale, s.validationBest, s.stepFactorOpen], [1, 1, false]);
  });

  test("an open gate holds the lr while the loss rises, as risingLoss 'hold' does; a closed one does not", () => {
    const rising = (open: boolean) => ({ ...trained(gated, open), lossFast: 1.2, lossSlow: 1 });
    assert.equal(decideRefit(rising(true), gated, ok(0.15)).state.lr, 0.1, 'c·x* above lr is capped at lr');
    assert.equal(decideRefit(rising(false), gated, ok(0.15)).state.lr, 0.9 * 0.1 + 0.1 * 0.15);
    assert.equal(decideRefit(rising(true), gated, ok(0.05)).state.lr, 0.9 * 0.1 + 0.1 * 0.075, 'decreases act');
  });

  test('the defaults since 1.0: factor 1.5 behind the validation gate, no validation decay', () => {
    const d = opts();
    assert.deepEqual([d.stepFactor, d.stepFactorGate, d.validationDecay], [1.5, 'validation', null]);
  });

  test('stepFactorGate is validated, naming the option and what is allowed', () => {
    assert.throws(
      () => opts({ stepFactorGate: 'val' as never }),
      /'stepFactorGate' must be one of 'always', 'validation'; got "val"/,
    );
  });
});
