/**
 * Least-squares parabola through probe losses, in float64.
 *
 * Along a direction D the loss is modelled as
 *
 *     L(x) ≈ l0 − a·x + (b/2)·x²        (a = −G·D = slope of descent, b = Dᵀ H D = curvature)
 *
 * so that the minimiser is x* = a / b whenever b > 0.
 */

/** The fitted parabola L(x) ≈ l0 − a·x + (b/2)·x² and how well it fits. */
export interface ParabolaFit {
  /** Fitted loss at x = 0. */
  l0: number;
  /** Descent slope: −dL/dx at x = 0. Positive when moving along +x lowers the loss. */
  a: number;
  /** Curvature: d²L/dx². */
  b: number;
  /** Coefficient of determination of the fit (1 for an exact fit, and for 3 points always). */
  r2: number;
  /** Number of points fitted. */
  points: number;
}

/** Options of {@link fitParabola}. */
export interface FitOptions {
  /**
   * Fix the intercept to the loss measured at x = 0 (which must be among the points) and fit
   * only a and b, as the official GeN code does. Default false: the intercept is fitted too,
   * which is more robust when the loss at 0 is as noisy as the others.
   */
  anchored?: boolean;
}

/**
 * Fits L(x) ≈ l0 − a·x + (b/2)·x² to the points (xs[i], losses[i]) by least squares.
 *
 * Three points −h, 0, +h use the closed form
 *     a = (L₋ − L₊) / (2h),   b = (L₊ − 2L₀ + L₋) / h²,
 * anything else a least-squares solve on offsets rescaled to [−1, 1] and losses centred on
 * their mean, so that neither the probe distance nor the size of the loss costs precision.
 * The fit is invariant to L → kL + m (a, b scale by k) and x → s·x (x* = a/b scales by s).
 *
 * @throws {RangeError} fewer than 3 distinct offsets, mismatched lengths, non-finite offsets,
 *   or `anchored` without an offset 0.
 */
export function fitParabola(xs: readonly number[], losses: readonly number[], options: FitOptions = {}): ParabolaFit {
  if (xs.length !== losses.length) {
    throw new RangeError(`fitParabola: ${xs.length} offsets but ${losses.length} losses`);
  }
  if (!xs.every(Number.isFinite)) throw new RangeError(`fitParabola: offsets must be finite; got [${xs.join(', ')}]`);
  if (new Set(xs).size < 3) {
    throw new RangeError(`fitParabola: needs at least 3 distinct offsets; got [${xs.join(', ')}]`);
  }
  const anchored = options.anchored ?? false;
  const zero = xs.indexOf(0);
  if (anchored && zero < 0) throw new RangeError('fitParabola: anchored fit needs an offset 0');

  const symmetric = symmetricTriple(xs);
  if (symmetric !== null) {
    const { minus, center, plus, h } = symmetric;
    const lm = losses[minus],
      l0 = losses[center],
      lp = losses[plus];
    return { l0, a: (lm - lp) / (2 * h), b: (lp - 2 * l0 + lm) / (h * h), r2: 1, points: 3 };
  }

  const scale = Math.max(...xs.map(Math.abs));
  const t = xs.map((x) => x / scale);
  const ref = anchored ? losses[zero] : losses.reduce((s, l) => s + l, 0) / losses.length;
  const y = losses.map((l) => l - ref);

  // Model in scaled units: y ≈ c + p·t + q·t²  (c ≡ 0 when anchored).
  let c = 0,
    p: number,
    q: number;
  if (anchored) {
    [p, q] = solveLeastSquares(
      t.map((ti) => [ti, ti * ti]),
      y,
    );
  } else {
    [c, p, q] = solveLeastSquares(
      t.map((ti) => [1, ti, ti * ti]),
      y,
    );
  }
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  let ssRes = 0,
    ssTot = 0;
  for (let i = 0; i < t.length; i++) {
    const r = y[i] - (c + p * t[i] + q * t[i] * t[i]);
    ssRes += r * r;
    ssTot += (y[i] - mean) * (y[i] - mean);
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { l0: ref + c, a: -p / scale, b: (2 * q) / (scale * scale), r2, points: xs.length };
}

/**
 * Fits only the curvature of L(x) ≈ l0 − a·x + (b/2)·x², with the intercept l0 and the slope a known (the step's own
 * loss and the gradient's directional derivative, option `slope`): with yᵢ = Lᵢ − l0 + a·xᵢ, the
 * least-squares b/2 = Σ yᵢxᵢ² / Σ xᵢ⁴ over the offsets xᵢ ≠ 0 (a point at 0 carries no curvature). One probe at h
 * gives b = 2·(L(h) − l0 + a·h)/h². R² is that of y ≈ (b/2)·x² over those points (1 for one point).
 *
 * @throws {RangeError} mismatched lengths, non-finite offsets, or no offset other than 0.
 */
export function fitCurvature(xs: readonly number[], losses: readonly number[], l0: number, a: number): ParabolaFit {
  if (xs.length !== losses.length) {
    throw new RangeError(`fitCurvature: ${xs.length} offsets but ${losses.length} losses`);
  }
  if (!xs.every(Number.isFinite)) throw new RangeError(`fitCurvature: offsets must be finite; got [${xs.join(', ')}]`);
  const points = xs.flatMap((x, i) => (x === 0 ? [] : [{ x, y: losses[i] - l0 + a * x }]));
  if (points.length === 0) throw new RangeError(`fitCurvature: needs an offset other than 0; got [${xs.join(', ')}]`);
  // Offsets rescaled to |t| ≤ 1, so that x⁴ neither underflows nor loses precision at tiny probe distances.
  const scale = Math.max(...points.map((p) => Math.abs(p.x)));
  let num = 0,
    den = 0;
  for (const { x, y } of points) {
    const t2 = (x / scale) ** 2;
    num += y * t2;
    den += t2 * t2;
  }
  const half = num / den;
  const mean = points.reduce((s, p) => s + p.y, 0) / points.length;
  let ssRes = 0,
    ssTot = 0;
  for (const { x, y } of points) {
    ssRes += (y - half * (x / scale) ** 2) ** 2;
    ssTot += (y - mean) ** 2;
  }
  const r2 = points.length === 1 ? 1 : ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { l0, a, b: (2 * half) / (scale * scale), r2, points: points.length + (xs.includes(0) ? 1 : 0) };
}

/** Indices of −h, 0, +h when the offsets are exactly that triple (in any order). */
function symmetricTriple(xs: readonly number[]): { minus: number; center: number; plus: number; h: number } | null {
  if (xs.length !== 3) return null;
  const center = xs.indexOf(0);
  if (center < 0) return null;
  const others = [0, 1, 2].filter((i) => i !== center);
  const [i, j] = xs[others[0]] < xs[others[1]] ? others : [others[1], others[0]];
  if (xs[i] !== -xs[j]) return null;
  return { minus: i, center, plus: j, h: xs[j] };
}

/**
 * Solves min ‖A·β − y‖² through the normal equations with partial pivoting. A has at most three
 * well-scaled columns (1, t, t² with |t| ≤ 1), so the normal equations are accurate in float64.
 */
function solveLeastSquares(rows: number[][], y: readonly number[]): number[] {
  const n = rows[0].length;
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  rows.forEach((row, k) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) m[i][j] += row[i] * row[j];
      m[i][n] += row[i] * y[k];
    }
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let k = col; k <= n; k++) m[r][k] -= f * m[col][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}
