import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptProposal, FLOAT32_EPSILON } from './accept.js';
import { fitParabola } from './parabola.js';

const options = { minR2: 0.9, lossPrecision: 32 * FLOAT32_EPSILON };
const judge = (xs: number[], ls: number[]) => acceptProposal(fitParabola(xs, ls), xs, ls, options);
const f = (l0: number, a: number, b: number) => (x: number) => l0 - a * x + (b / 2) * x * x;

describe('acceptProposal', () => {
  test('accepts a convex descent fit and proposes a/b', () => {
    const xs = [-0.01, 0, 0.01];
    const v = judge(xs, xs.map(f(2, 0.5, 10)));
    assert.equal(v.reason, 'ok');
    assert.ok(v.accepted);
    assert.ok(Math.abs(v.proposal - 0.05) < 1e-9);
  });

  test('rejects a non-finite probe loss as nonfinite', () => {
    assert.equal(judge([-1, 0, 1], [NaN, 1, 2]).reason, 'nonfinite');
    assert.equal(judge([-1, 0, 1], [1, 1, Infinity]).reason, 'nonfinite');
  });

  test('rejects a concave fit as nonconvex', () => {
    const xs = [-0.1, 0, 0.1];
    assert.equal(judge(xs, xs.map(f(1, 0.5, -4))).reason, 'nonconvex');
  });

  test('says whether a concave fit is downhill at its start (a − b·start above the noise)', () => {
    const xs = [-0.1, 0, 0.1];
    const falling = judge(xs, xs.map(f(1, 0.5, -4)));
    assert.equal(falling.reason, 'nonconvex');
    assert.equal(falling.downhill, true);
    const hilltop = judge(xs, xs.map(f(1, -0.5, -4)));
    assert.equal(hilltop.reason, 'nonconvex');
    assert.equal(hilltop.downhill, false);
    // Measured from start = −0.2 on the axis, the slope there is a − b·start = 0.5 − 0.8 < 0: uphill.
    const fromBehind = acceptProposal(fitParabola(xs, xs.map(f(1, 0.5, -4))), xs, xs.map(f(1, 0.5, -4)), options, -0.2);
    assert.equal(fromBehind.downhill, false);
  });

  test('rejects an uphill direction with significant curvature as not_descent', () => {
    const xs = [-0.1, 0, 0.1];
    assert.equal(judge(xs, xs.map(f(1, -0.5, 4))).reason, 'not_descent');
  });

  test('rejects a clearly uphill direction as not_descent even when its curvature is noise', () => {
    const xs = [-1e-3, 0, 1e-3];
    assert.equal(judge(xs, xs.map(f(1, -0.5, 1e-6))).reason, 'not_descent');
  });

  test('calls curvature within float32 rounding noise insignificant instead of trusting it', () => {
    // L ≈ 2, so one loss is only known to ≈ 2·3.8e-6; a second difference of 1e-7 is noise.
    const xs = [-1e-4, 0, 1e-4];
    const v = judge(xs, xs.map(f(2, 1e-4, 10)));
    assert.equal(v.reason, 'insignificant');
    assert.ok(!v.accepted);
  });

  test('the same curvature is significant once the probes are far enough apart', () => {
    const xs = [-1e-1, 0, 1e-1];
    assert.equal(judge(xs, xs.map(f(2, 1e-4, 10))).reason, 'ok');
  });

  test('rejects a poor fit with four or more points as poor_fit', () => {
    const xs = [-2, -1, 0, 1, 2];
    assert.equal(judge(xs, [4, 0.5, 2.5, 0.2, 3.5]).reason, 'poor_fit');
  });

  test('measured from an earlier start, the proposal is the whole step from there to the minimum', () => {
    // Minimum at x = 0.05 on the fitted axis; from start −0.2 the best step is 0.25.
    const xs = [-0.1, 0, 0.1];
    const v = acceptProposal(fitParabola(xs, xs.map(f(2, 0.5, 10))), xs, xs.map(f(2, 0.5, 10)), options, -0.2);
    assert.equal(v.reason, 'ok');
    assert.ok(Math.abs(v.proposal - 0.25) < 1e-9);
  });

  test('an overshoot is still a descent from the earlier start', () => {
    // Minimum at x = −0.05 (the slope at 0 is uphill), but from start −0.2 the step 0.15 goes down.
    const xs = [-0.1, 0, 0.1];
    const ls = xs.map(f(2, -0.5, 10));
    const v = acceptProposal(fitParabola(xs, ls), xs, ls, options, -0.2);
    assert.equal(v.reason, 'ok');
    assert.ok(Math.abs(v.proposal - 0.15) < 1e-9);
    assert.equal(acceptProposal(fitParabola(xs, ls), xs, ls, options, -0.01).reason, 'not_descent');
  });

  test('never applies the R² test to three points, whose fit is always exact', () => {
    const xs = [-1, 0, 1];
    assert.equal(judge(xs, [3, 0.5, 2]).reason, 'ok');
  });
});
