import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initialControllerState } from './controller.js';
import { resolveControllerOptions, type ControllerOptions } from './options.js';
import { finishNonfinite, finishStep, needsGradientSlope, planStep } from './step.js';

// The fitted slope's three-point steps; the default `slope: 'alternating'` has its own tests at the end.
const opts = (o: Partial<ControllerOptions> = {}) => resolveControllerOptions('test', { slope: 'fitted', ...o });
// Losses of the parabola L(x) = 1 − a·x + (b/2)·x² at the offsets.
const parabola = (a: number, b: number, xs: number[]) => xs.map((x) => 1 - a * x + (b / 2) * x * x);

describe('planning a step', () => {
  test('a first step with the closure probes the current direction at −lr, 0, +lr', () => {
    const o = opts({ initialLr: 0.1 });
    assert.deepEqual(planStep(initialControllerState(o), o, { closure: true, previousLr: null }), {
      step: 0,
      offsets: [-0.1, 0, 0.1],
      start: 0,
      probed: 'current',
    });
  });

  test('with a held previous direction it probes that one, from −(its applied lr)', () => {
    const o = opts({ initialLr: 0.1 });
    const plan = planStep(initialControllerState(o), o, { closure: true, previousLr: 0.04 });
    assert.equal(plan.probed, 'previous');
    assert.equal(plan.start, -0.04);
  });

  test("probeDirection 'current' ignores a held direction", () => {
    const o = opts({ probeDirection: 'current' });
    assert.equal(planStep(initialControllerState(o), o, { closure: true, previousLr: 0.04 }).probed, 'current');
  });

  test('nothing is probed without the closure, or between refits', () => {
    const o = opts({ calibrate: false, every: 4 });
    const s = { ...initialControllerState(o), step: 1 };
    assert.deepEqual(planStep(s, o, { closure: true, previousLr: null }).offsets, []);
    assert.deepEqual(planStep(initialControllerState(o), o, { closure: false, previousLr: null }).offsets, []);
  });
});

describe('finishing a step', () => {
  test('an accepted fit is smoothed into the lr, the horizon scales only the applied lr, and the info has the fit', () => {
    const o = opts({ initialLr: 0.1, calibrate: false, horizon: { steps: 10, shape: 'linear' } });
    const s = { ...initialControllerState(o), step: 4 };
    const plan = planStep(s, o, { closure: true, previousLr: null });
    const out = finishStep(s, o, plan, { loss: 1, probeLosses: parabola(2, 10, plan.offsets) }, true);
    const smoothed = 0.9 * 0.1 + 0.1 * 0.2; // x* = a/b = 0.2, inside the band [0.05, 0.2]
    assert.equal(out.info.reason, 'ok');
    assert.ok(Math.abs(out.state.lr - smoothed) < 1e-15);
    assert.ok(Math.abs(out.appliedLr - smoothed * (1 - 4 / 10)) < 1e-15);
    assert.ok(Math.abs(out.info.intercept - 1) < 1e-12);
    assert.ok(Math.abs(out.info.a - 2) < 1e-9 && Math.abs(out.info.b - 10) < 1e-9);
    assert.equal(out.info.start, 0);
    assert.equal(out.keepDirection, false, "probeDirection 'previous' keeps it only when the next step refits");
  });

  test('with the previous direction, the proposal is measured from the start: a/b − start', () => {
    const o = opts({ initialLr: 0.1, calibrate: false, smoothing: 0, clip: null });
    const s = initialControllerState(o);
    const plan = planStep(s, o, { closure: true, previousLr: 0.05 });
    const out = finishStep(s, o, plan, { loss: 1, probeLosses: parabola(2, 10, plan.offsets) }, true);
    assert.ok(Math.abs(out.info.proposedLr - (0.2 + 0.05)) < 1e-12);
  });

  test('between refits the lr carries over and the reason says skipped (no_closure without the closure)', () => {
    const o = opts({ calibrate: false });
    const s = { ...initialControllerState(o), step: 1 };
    const plan = planStep(s, o, { closure: true, previousLr: null });
    assert.equal(finishStep(s, o, plan, { loss: 1, probeLosses: [] }, true).info.reason, 'skipped');
    assert.equal(finishStep(s, o, plan, { loss: NaN, probeLosses: [] }, false).info.reason, 'no_closure');
  });

  test('the direction is kept exactly when the next step refits and probes the previous direction', () => {
    const o = opts({ calibrate: false, every: 2 });
    const s = { ...initialControllerState(o), step: 1 };
    const plan = planStep(s, o, { closure: true, previousLr: null });
    assert.equal(finishStep(s, o, plan, { loss: 1, probeLosses: [] }, true).keepDirection, true);
    assert.equal(finishStep(s, o, plan, { loss: 1, probeLosses: [] }, false).keepDirection, false);
  });

  test('a non-finite step writes nothing, drops the held direction and halves the lr', () => {
    const o = opts({ initialLr: 0.1, calibrate: false });
    const out = finishNonfinite(initialControllerState(o), o, NaN);
    assert.equal(out.appliedLr, 0);
    assert.equal(out.keepDirection, false);
    assert.equal(out.info.reason, 'nonfinite');
    assert.equal(out.state.lr, 0.05);
    assert.equal(out.state.step, 1);
  });

  test("by default (slope 'alternating') a refit after calibration asks for the gradient's slope and fits one probe", () => {
    const o = resolveControllerOptions('test', { initialLr: 0.1, calibrate: false });
    const s = initialControllerState(o);
    const plan = planStep(s, o, { closure: true, previousLr: null });
    assert.deepEqual(plan.offsets, [0, 0.1]);
    assert.equal(needsGradientSlope(s, o, plan), true);
    // L(x) = 1 − 2x + 5x²: a = 2 from the gradient, b = 10 from the one probe, x* = 0.2 (2 × lr, inside the band).
    const out = finishStep(s, o, plan, { loss: 1, probeLosses: parabola(2, 10, plan.offsets), gradientSlope: 2 }, true);
    assert.equal(out.info.a, 2);
    assert.ok(Math.abs(out.info.b - 10) < 1e-9, `b = ${out.info.b}`);
    assert.equal(out.info.reason, 'ok');
    assert.ok(Math.abs(out.info.proposedLr - 0.2) < 1e-9);
  });

  test('a gradient slope that is not finite (a dot product that overflowed) rejects the fit and writes nothing', () => {
    const o = resolveControllerOptions('test', { initialLr: 0.1, calibrate: false });
    const s = initialControllerState(o);
    const plan = planStep(s, o, { closure: true, previousLr: null });
    const out = finishStep(s, o, plan, { loss: 1, probeLosses: [1, 0.9], gradientSlope: Infinity }, true);
    assert.equal(out.info.reason, 'nonfinite');
    assert.equal(out.appliedLr, 0);
    assert.equal(out.state.lr, 0.05);
  });
});
