import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCurvature, fitParabola } from './parabola.js';

const close = (actual: number, expected: number, rel = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);

/** L(x) = l0 − a·x + (b/2)·x² */
const parabola = (l0: number, a: number, b: number) => (x: number) => l0 - a * x + (b / 2) * x * x;

describe('fitParabola', () => {
  test('recovers a parabola exactly from three symmetric points (closed form)', () => {
    const f = parabola(2.5, 0.75, 3);
    const xs = [-0.1, 0, 0.1];
    const fit = fitParabola(xs, xs.map(f));
    close(fit.l0, 2.5);
    close(fit.a, 0.75, 1e-9);
    close(fit.b, 3, 1e-9);
    assert.equal(fit.r2, 1);
  });

  test('recovers a parabola exactly from five asymmetric points (least squares)', () => {
    const f = parabola(-1, -2, 0.5);
    const xs = [-3, -0.5, 0, 1, 7];
    const fit = fitParabola(xs, xs.map(f));
    close(fit.l0, -1, 1e-10);
    close(fit.a, -2, 1e-10);
    close(fit.b, 0.5, 1e-10);
    close(fit.r2, 1, 1e-12);
  });

  test('matches a hand-computed least-squares solution on noisy points', () => {
    // x = −2..2, y = [4.1, 0.9, 0.1, 1.2, 3.9]. With orthogonal polynomials 1, x, x² − 2:
    // p = Σxy/Σx² = −0.1/10 = −0.01 → a = 0.01;  q = Σ(x²−2)y / Σ(x²−2)² = 13.7/14 → b = 2q = 1.957142857…;
    // intercept = mean(y) − 2q = 2.04 − 1.957142857… = 0.082857142…;  R² = 0.99520699 (numpy lstsq agrees).
    const fit = fitParabola([-2, -1, 0, 1, 2], [4.1, 0.9, 0.1, 1.2, 3.9]);
    close(fit.a, 0.01, 1e-10);
    close(fit.b, 13.7 / 7, 1e-12);
    close(fit.l0, 2.04 - 13.7 / 7, 1e-12);
    close(fit.r2, 0.9952069901594842, 1e-12);
  });

  test('an anchored fit keeps the measured loss at 0 as its intercept', () => {
    // Σx(y − 0.1)/Σx² = −0.01 → a = 0.01;  Σx²(y − 0.1)/Σx⁴ = 33.1/34 → b = 2·33.1/34.
    const fit = fitParabola([-2, -1, 0, 1, 2], [4.1, 0.9, 0.1, 1.2, 3.9], { anchored: true });
    assert.equal(fit.l0, 0.1);
    close(fit.a, 0.01, 1e-10);
    close(fit.b, 66.2 / 34, 1e-12);
  });

  test('the three-point closed form agrees with the general least-squares solve', () => {
    const xs = [-0.3, 0, 0.3];
    const ls = [1.7, 1.2, 1.1];
    const closed = fitParabola(xs, ls);
    const general = fitParabola([0, 0.3, -0.3], [1.2, 1.1, 1.7]); // same points, not in −h, 0, h order
    close(general.a, closed.a, 1e-12);
    close(general.b, closed.b, 1e-12);
    const ls4 = fitParabola([-0.3, 0, 0.3, 0.6], [1.7, 1.2, 1.1, parabola(closed.l0, closed.a, closed.b)(0.6)]);
    close(ls4.b, closed.b, 1e-9);
  });

  test('the proposed step a/b is invariant to L → kL + m', () => {
    const xs = [-1, -0.5, 0, 0.5, 1, 1.5];
    const ls = [3.2, 2.1, 1.7, 1.65, 2.0, 2.9];
    const base = fitParabola(xs, ls);
    for (const [k, m] of [
      [1e-3, 5],
      [7, -100],
      [1e4, 1e3],
    ]) {
      const fit = fitParabola(
        xs,
        ls.map((l) => k * l + m),
      );
      close(fit.a / fit.b, base.a / base.b, 1e-9);
      close(fit.r2, base.r2, 1e-9);
    }
  });

  test('rescaling the offsets by s rescales the proposed step by s', () => {
    const xs = [-1, 0, 1, 2];
    const ls = [3.2, 1.7, 1.2, 1.9];
    const base = fitParabola(xs, ls);
    for (const s of [1e-6, 0.37, 250]) {
      const fit = fitParabola(
        xs.map((x) => s * x),
        ls,
      );
      close(fit.a / fit.b, (s * base.a) / base.b, 1e-9);
    }
  });

  test('collinear points give zero curvature', () => {
    const fit = fitParabola([-1, 0, 1, 2], [3, 2, 1, 0]);
    close(fit.b, 0, 1e-12);
    close(fit.a, 1, 1e-12);
  });

  test('rejects fewer than three distinct offsets', () => {
    assert.throws(() => fitParabola([0, 1, 1], [1, 2, 2]), /at least 3 distinct offsets/);
    assert.throws(() => fitParabola([0, 1], [1, 2, 3]), /2 offsets but 3 losses/);
    assert.throws(() => fitParabola([1, 2, 3], [1, 2, 3], { anchored: true }), /needs an offset 0/);
  });
});

describe('fitCurvature (the slope and intercept known)', () => {
  test('recovers the curvature exactly from one probe: b = 2·(L(h) − l0 + a·h)/h²', () => {
    const f = parabola(2.5, 0.75, 3);
    const fit = fitCurvature([0, 0.1], [f(0), f(0.1)], 2.5, 0.75);
    close(fit.b, 3, 1e-9);
    assert.equal(fit.a, 0.75);
    assert.equal(fit.l0, 2.5);
    assert.equal(fit.r2, 1);
    assert.equal(fit.points, 2);
  });

  test('recovers it from several probes on either side, at any scale of the offsets', () => {
    const f = parabola(-1, -2, 0.5);
    // (At smaller scales the test's own losses lose the curvature to float64 cancellation in L − l0.)
    for (const scale of [1e-3, 1, 1e3]) {
      const xs = [-3, 0, 1, 7].map((x) => x * scale);
      const fit = fitCurvature(xs, xs.map(f), -1, -2);
      close(fit.b, 0.5, 1e-8);
      close(fit.r2, 1, 1e-12);
    }
  });

  test('matches a hand-computed least-squares curvature on noisy points', () => {
    // l0 = 0, a = 1: y = L + x at x = 1, 2 → y = [0.6, 1.9]; b/2 = Σ y·x² / Σ x⁴ = (0.6 + 7.6)/17 = 8.2/17.
    const fit = fitCurvature([0, 1, 2], [0, -0.4, -0.1], 0, 1);
    close(fit.b, (2 * 8.2) / 17, 1e-12);
    // R² of y ≈ (b/2)·x² over the two points: residuals 0.6 − 8.2/17 and 1.9 − 4·8.2/17 about mean 1.25.
    const half = 8.2 / 17;
    const ssRes = (0.6 - half) ** 2 + (1.9 - 4 * half) ** 2;
    close(fit.r2, 1 - ssRes / (2 * 0.65 ** 2), 1e-12);
  });

  test('a wrong slope shows as the one-sided error in the curvature, 2·Δa/h', () => {
    const f = parabola(1, 0.5, 2);
    const h = 0.01;
    const fit = fitCurvature([0, h], [f(0), f(h)], 1, 0.5 + 1e-4);
    close(fit.b, 2 + (2 * 1e-4) / h, 1e-9);
  });

  test('rejects offsets it cannot fit, naming them', () => {
    assert.throws(() => fitCurvature([0], [1], 1, 0), /fitCurvature: needs an offset other than 0; got \[0\]/);
    assert.throws(() => fitCurvature([0, 1], [1], 1, 0), /fitCurvature: 2 offsets but 1 losses/);
    assert.throws(() => fitCurvature([0, NaN], [1, 1], 1, 0), /fitCurvature: offsets must be finite/);
  });
});
