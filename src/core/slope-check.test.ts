// `slopeCheck: 'calibration'` (docs/algorithm.md §21): a calibration fit whose slope disagrees with the gradient's
// directional derivative by more than 2× is refused (`off_parabola`): nothing written, lr ÷ 10, the direction not
// kept; everything else decides as before.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initialControllerState, slopeAgrees } from './controller.js';
import { resolveControllerOptions, SLOPE_AGREEMENT, type ControllerOptions } from './options.js';
import { finishStep, needsGradientSlope, planStep } from './step.js';

const opts = (o: Partial<ControllerOptions> = {}) =>
  resolveControllerOptions('test', { initialLr: 0.1, slopeCheck: 'calibration', slope: 'fitted', ...o });
// Losses of the parabola L(x) = 1 − a·x + (b/2)·x² at the offsets: its slope a, its optimum a/b.
const parabola = (a: number, b: number, xs: number[]) => xs.map((x) => 1 - a * x + (b / 2) * x * x);

/** One calibration step (the first, probing the current direction) from a fit of slope a, curvature b. */
function firstStep(o: ControllerOptions, a: number, b: number, gradientSlope: number) {
  const s = initialControllerState(o);
  const plan = planStep(s, o, { closure: true, previousLr: null });
  return finishStep(s, o, plan, { loss: 1, probeLosses: parabola(a, b, plan.offsets), gradientSlope }, true);
}

describe('the slope check', () => {
  test('a slope agrees within a factor of 2 and in sign; an unmeasured one agrees with anything', () => {
    assert.equal(SLOPE_AGREEMENT, 2);
    for (const ratio of [0.5, 0.9, 1, 1.5, 2]) assert.equal(slopeAgrees(ratio * 3, 3), true, `ratio ${ratio}`);
    for (const ratio of [0.49, 2.01, -1, 0]) assert.equal(slopeAgrees(ratio * 3, 3), false, `ratio ${ratio}`);
    assert.equal(slopeAgrees(-3, -3), true, 'both uphill');
    assert.equal(slopeAgrees(3, NaN), true);
  });

  test('a calibration fit that disagrees is refused: nothing written, lr ÷ 10, the direction not kept', () => {
    const o = opts();
    // x* = a/b = 0.09 would land the lr at 0.03; the gradient says the slope is 20× steeper.
    const out = firstStep(o, 1, 1 / 0.09, 20);
    assert.equal(out.info.reason, 'off_parabola');
    assert.equal(out.appliedLr, 0);
    assert.equal(out.keepDirection, false);
    assert.equal(out.state.lr, 0.01);
    assert.equal(out.state.calibrating, true);
    assert.equal(out.state.calibrationSteps, 1);
    assert.equal(out.state.refits, 1);
    assert.equal(out.info.accepted, false);
    assert.equal(out.info.gradientSlope, 20);
    assert.ok(Math.abs(out.info.a - 1) < 1e-12, `the fit is still reported: a ${out.info.a}`);
  });

  test('a calibration fit that agrees decides as without the check, bit for bit', () => {
    const on = firstStep(opts(), 1, 1 / 0.09, 1.2);
    const off = firstStep(opts({ slopeCheck: 'off' }), 1, 1 / 0.09, 1.2);
    assert.equal(on.info.reason, 'ok');
    assert.deepEqual(on.state, off.state);
    assert.equal(on.appliedLr, off.appliedLr);
    assert.equal(on.keepDirection, off.keepDirection);
  });

  test("it is the default (since 1.1); with 'off' a disagreeing slope changes nothing", () => {
    assert.equal(resolveControllerOptions('test', {}).slopeCheck, 'calibration');
    const o = resolveControllerOptions('test', { initialLr: 0.1, slopeCheck: 'off' });
    assert.equal(firstStep(o, 1, 1 / 0.09, 20).info.reason, 'ok');
  });

  test('a fit rejected for its shape keeps its reason; an insignificant one, whose slope is rounding, still grows the lr', () => {
    const o = opts();
    assert.equal(firstStep(o, -1, 10, 20).info.reason, 'not_descent');
    const flat = firstStep(o, 1e-9, 0, 20);
    assert.equal(flat.info.reason, 'insignificant');
    assert.equal(flat.state.lr, 1);
  });

  test('outside calibration the slope is neither asked for nor checked', () => {
    const o = opts({ calibrate: false, every: 1 });
    const s = initialControllerState(o);
    const plan = planStep(s, o, { closure: true, previousLr: null });
    assert.equal(needsGradientSlope(s, o, plan), false);
    const alternating = opts({ calibrate: false, every: 1, slope: 'alternating' });
    assert.equal(
      needsGradientSlope(s, alternating, planStep(s, alternating, { closure: true, previousLr: null })),
      true,
    );
    const out = finishStep(
      s,
      o,
      plan,
      { loss: 1, probeLosses: parabola(1, 1 / 0.09, plan.offsets), gradientSlope: 20 },
      true,
    );
    assert.equal(out.info.reason, 'ok');
    assert.ok(out.appliedLr > 0);
  });

  test('it is asked for on calibration refits only, and calibration still ends after 25 steps of refusals', () => {
    const o = opts();
    let s = initialControllerState(o);
    assert.equal(needsGradientSlope(s, o, planStep(s, o, { closure: true, previousLr: null })), true);
    assert.equal(needsGradientSlope(s, o, planStep(s, o, { closure: false, previousLr: null })), false);
    for (let k = 0; k < 25; k++) {
      const plan = planStep(s, o, { closure: true, previousLr: null });
      s = finishStep(
        s,
        o,
        plan,
        { loss: 1, probeLosses: parabola(1, 1 / 0.09, plan.offsets), gradientSlope: 20 },
        true,
      ).state;
    }
    assert.equal(s.calibrating, false);
    assert.equal(s.calibrationSteps, 25);
    assert.ok(s.lr > 0, `lr ${s.lr}`);
  });
});
