// Hand-written SVG charts: line charts over steps (linear or log y) and the parabola of a refit.
// Each chart rewrites its <svg>'s content; paths carry data attributes that the e2e test reads.

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 520;
const HEIGHT = 250;
const MARGIN = { left: 58, right: 14, top: 14, bottom: 34 };

export interface Series {
  /** Stable id, e.g. the run's id; becomes the path's data-series. */
  id: string;
  label: string;
  color: string;
  /** Points as [x, y]; non-finite y (or y ≤ 0 on a log axis) breaks the line. */
  points: ReadonlyArray<readonly [number, number]>;
  /** Drawn thin and faint (e.g. raw, unsmoothed values). */
  faint?: boolean;
  /** Dashed line. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  logY?: boolean;
  /** Fixed y range (linear axes), otherwise fitted to the data. */
  yRange?: [number, number];
  /** Fixed minimum x range, so the axis does not rescale every step at the start. */
  minXMax?: number;
  /** Where the legend goes (default top-right). */
  legend?: 'top-right' | 'bottom-right';
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** 1, 2, 5 × 10ᵏ ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (a >= 100) return v.toFixed(0);
  return String(Number(v.toPrecision(3)));
}

/** Keeps at most `max` points (every k-th, always the last). */
function thin<T>(points: ReadonlyArray<T>, max: number): ReadonlyArray<T> {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  plot: { x0: number; x1: number; y0: number; y1: number };
}

function frame(
  svg: SVGSVGElement,
  title: string,
  xRange: [number, number],
  yRange: [number, number],
  logY: boolean,
  xLabel: string,
  yTicks?: number[],
): Frame {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const plot = { x0: MARGIN.left, x1: WIDTH - MARGIN.right, y0: HEIGHT - MARGIN.bottom, y1: MARGIN.top };
  const [xa, xb] = xRange;
  const [ya, yb] = logY ? [Math.log10(yRange[0]), Math.log10(yRange[1])] : yRange;
  const x = (v: number) => plot.x0 + ((v - xa) / (xb - xa || 1)) * (plot.x1 - plot.x0);
  const y = (v: number) => plot.y0 - (((logY ? Math.log10(v) : v) - ya) / (yb - ya || 1)) * (plot.y0 - plot.y1);
  svg.append(
    el('rect', { x: plot.x0, y: plot.y1, width: plot.x1 - plot.x0, height: plot.y0 - plot.y1, class: 'plot-bg' }),
  );
  const ticksY = yTicks ?? (logY ? logTicks(yRange[0], yRange[1]) : niceTicks(yRange[0], yRange[1]));
  for (const t of ticksY) {
    if (t < Math.min(...yRange) || t > Math.max(...yRange)) continue;
    svg.append(el('line', { x1: plot.x0, x2: plot.x1, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(el('text', { x: plot.x0 - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, formatNumber(t)));
  }
  for (const t of niceTicks(xa, xb, 6)) {
    svg.append(el('line', { x1: x(t), x2: x(t), y1: plot.y0, y2: plot.y1, class: 'grid' }));
    svg.append(el('text', { x: x(t), y: plot.y0 + 16, class: 'tick', 'text-anchor': 'middle' }, formatNumber(t)));
  }
  svg.append(
    el('text', { x: (plot.x0 + plot.x1) / 2, y: HEIGHT - 4, class: 'axis-label', 'text-anchor': 'middle' }, xLabel),
  );
  svg.append(el('text', { x: plot.x0, y: MARGIN.top - 3, class: 'chart-title' }, title));
  return { x, y, plot };
}

/** Decades (and 2, 5 multiples when the range is short) within [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const decades = Math.log10(hi) - Math.log10(lo);
  const mult = decades < 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mult) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) out.push(t);
    }
  }
  return out;
}

function pathData(points: ReadonlyArray<readonly [number, number]>, f: Frame, logY: boolean): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(py) || (logY && py <= 0)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${f.x(px).toFixed(1)},${f.y(py).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Draws line series over steps into `svg`; sets data-points on the svg (total finite points drawn). */
export function drawLineChart(svg: SVGSVGElement, series: Series[], options: LineChartOptions): void {
  const logY = options.logY ?? false;
  const all = series.flatMap((s) => s.points).filter(([, v]) => Number.isFinite(v) && (!logY || v > 0));
  let xMax = Math.max(options.minXMax ?? 1, ...all.map(([x]) => x));
  if (!Number.isFinite(xMax)) xMax = 1;
  let yRange: [number, number];
  if (options.yRange) {
    yRange = options.yRange;
  } else if (all.length === 0) {
    yRange = logY ? [1e-3, 1] : [0, 1];
  } else {
    let lo = Math.min(...all.map(([, v]) => v));
    let hi = Math.max(...all.map(([, v]) => v));
    if (logY) {
      if (hi / lo < 10) {
        const mid = Math.sqrt(hi * lo);
        [lo, hi] = [mid / Math.sqrt(10), mid * Math.sqrt(10)];
      }
      yRange = [lo / 1.3, hi * 2.5]; // headroom for the legend
    } else {
      const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
      yRange = [lo - pad, hi + pad];
    }
  }
  const f = frame(svg, options.title, [0, xMax], yRange, logY, options.xLabel);
  let drawn = 0;
  for (const s of series) {
    const pts = thin(s.points, 700);
    const d = pathData(pts, f, logY);
    drawn += s.points.filter(([, v]) => Number.isFinite(v) && (!logY || v > 0)).length;
    svg.append(
      el('path', {
        d,
        stroke: s.color,
        class: `series${s.faint ? ' faint' : ''}${s.dashed ? ' dashed' : ''}`,
        'data-series': s.id,
      }),
    );
  }
  // Legend (non-faint series only), top right.
  const legend = series.filter((s) => !s.faint);
  const width = 30 + 5.6 * Math.max(0, ...legend.map((s) => s.label.length));
  const lx = f.plot.x1 - width;
  const ly0 = options.legend === 'bottom-right' ? f.plot.y0 - 8 - 14 * (legend.length - 1) : f.plot.y1 + 14;
  if (legend.length > 0) {
    svg.append(
      el('rect', { x: lx - 4, y: ly0 - 11, width: width, height: 14 * legend.length + 2, class: 'legend-bg' }),
    );
  }
  legend.forEach((s, i) => {
    const ly = ly0 + i * 14;
    svg.append(
      el('line', {
        x1: lx,
        x2: lx + 18,
        y1: ly - 4,
        y2: ly - 4,
        stroke: s.color,
        class: `legend-line${s.dashed ? ' dashed' : ''}`,
      }),
    );
    svg.append(el('text', { x: lx + 23, y: ly, class: 'legend' }, s.label));
  });
  svg.dataset.points = String(drawn);
}

/** What the parabola chart shows: one refit of GeN. */
export interface ParabolaView {
  step: number;
  /** Probe offsets (absolute, lr units along the probed direction) and the losses measured there. */
  xs: number[];
  losses: number[];
  /** L(x) ≈ l0 − a·x + (b/2)·x². */
  l0: number;
  a: number;
  b: number;
  /** Where the step is measured from on this axis: 0, or −(previous lr) when the previous direction was probed. */
  start: number;
  /** The learning rate GeN holds after this refit (smoothed, clipped): the chosen step, measured from `start`. */
  chosen: number;
  reason: string;
  accepted: boolean;
  probed: string;
}

/** Draws the probe points, the fitted parabola, its vertex and the chosen step. */
export function drawParabola(svg: SVGSVGElement, v: ParabolaView | null): void {
  if (v === null) {
    frame(
      svg,
      'Most recent refit: probes and fitted parabola',
      [-1, 1],
      [0, 1],
      false,
      'offset along the direction (lr units)',
    );
    svg.append(
      el(
        'text',
        { x: WIDTH / 2, y: HEIGHT / 2, class: 'placeholder', 'text-anchor': 'middle' },
        'no refit yet: press Start',
      ),
    );
    svg.dataset.drawn = 'false';
    return;
  }
  const fitted = (x: number) => v.l0 - v.a * x + (v.b / 2) * x * x;
  const fitOk = Number.isFinite(v.a) && Number.isFinite(v.b) && Number.isFinite(v.l0);
  const vertex = fitOk && v.b > 0 ? v.a / v.b : NaN;
  const chosenX = v.start + v.chosen;
  const keyXs = [...v.xs, v.start, chosenX, ...(Number.isFinite(vertex) ? [vertex] : [])];
  let lo = Math.min(...keyXs);
  let hi = Math.max(...keyXs);
  const span = hi - lo || Math.abs(hi) || 1;
  lo -= span * 0.15;
  hi += span * 0.15;
  const curve: Array<[number, number]> = [];
  if (fitOk)
    for (let i = 0; i <= 80; i++) {
      const x = lo + ((hi - lo) * i) / 80;
      curve.push([x, fitted(x)]);
    }
  const ys = [
    ...v.losses.filter(Number.isFinite),
    ...(fitOk ? [fitted(chosenX), ...(Number.isFinite(vertex) ? [fitted(vertex)] : []), ...v.xs.map(fitted)] : []),
  ];
  let yLo = Math.min(...ys);
  let yHi = Math.max(...ys);
  const ySpan = yHi - yLo || Math.abs(yHi) * 1e-3 || 1;
  yLo -= ySpan * 0.25;
  yHi += ySpan * 0.25;
  const title = `Refit at step ${v.step} (${v.probed} direction): ${v.reason}`;
  const f = frame(svg, title, [lo, hi], [yLo, yHi], false, 'offset along the probed direction (lr units)');
  const clipY = (p: Array<[number, number]>) =>
    p.map(([x, y]) => [x, y < yLo || y > yHi ? NaN : y] as [number, number]);
  svg.append(
    el('path', {
      d: pathData(clipY(curve), f, false),
      class: 'parabola',
      id: 'parabola-curve',
      'data-role': 'parabola',
    }),
  );
  const marker = (x: number, cls: string, label: string, row: number) => {
    svg.append(el('line', { x1: f.x(x), x2: f.x(x), y1: f.plot.y0, y2: f.plot.y1, class: cls, 'data-role': cls }));
    svg.append(el('text', { x: f.x(x) + 3, y: f.plot.y1 + 12 + row * 13, class: `marker-label ${cls}` }, label));
  };
  if (v.start !== 0) marker(v.start, 'start', 'start (previous weights)', 2);
  if (Number.isFinite(vertex)) marker(vertex, 'vertex', 'vertex a/b', 0);
  marker(chosenX, 'chosen', `${v.accepted ? 'chosen step' : 'next step'}: lr ${formatNumber(v.chosen)}`, 1);
  // The step itself: an arrow from where it is measured to where it lands.
  const ay = f.plot.y0 - 10;
  const [ax0, ax1] = [f.x(v.start), f.x(chosenX)];
  if (Math.abs(ax1 - ax0) > 4) {
    const dir = Math.sign(ax1 - ax0);
    svg.append(el('line', { x1: ax0, x2: ax1, y1: ay, y2: ay, class: 'step-arrow', 'data-role': 'step' }));
    svg.append(el('path', { d: `M${ax1},${ay}l${-7 * dir},-4v8z`, class: 'step-head' }));
    svg.append(
      el('text', { x: (ax0 + ax1) / 2, y: ay - 5, class: 'marker-label chosen', 'text-anchor': 'middle' }, 'lr'),
    );
  }
  v.xs.forEach((x, i) => {
    if (!Number.isFinite(v.losses[i])) return;
    svg.append(
      el('circle', {
        cx: f.x(x),
        cy: f.y(Math.min(Math.max(v.losses[i], yLo), yHi)),
        r: 4.5,
        class: 'probe',
        'data-role': 'probe',
      }),
    );
  });
  svg.dataset.drawn = fitOk && curve.length > 0 ? 'true' : 'false';
  svg.dataset.step = String(v.step);
  svg.dataset.probes = String(v.xs.length);
}
