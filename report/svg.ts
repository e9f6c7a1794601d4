// Hand-written SVG charts (no dependencies, no network): line charts and stacked bars. Titles and
// labels may come from a results file, so every text node is escaped.
import { escapeHtml as esc } from './html.js';

export interface Series {
  label: string;
  xs: number[];
  ys: number[];
  color: string;
  dash?: boolean;
  width?: number;
}

export const PALETTE = [
  '#d62728',
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
];

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    const inRange = (t: number) => t >= lo / 1.0001 && t <= hi * 1.0001;
    for (const mults of [[1], [1, 2, 5], [1, 1.5, 2, 3, 4, 5, 6, 8]]) {
      out.length = 0;
      for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
        for (const m of mults) out.push(Number((m * 10 ** e).toPrecision(3)));
      if (out.filter(inRange).length >= 3) break;
    }
    return out.filter(inRange);
  }
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const mult = [1, 2, 5, 10].find((m) => span / (m * step) <= 6) ?? 10;
  const s = mult * step;
  const out: number[] = [];
  for (let t = Math.ceil(lo / s) * s; t <= hi + 1e-12; t += s) out.push(Number(t.toPrecision(10)));
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(3)));

/** A line chart. Non-finite or non-positive (on a log axis) points are dropped. */
export function lineChart(o: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  width?: number;
  height?: number;
  yRange?: [number, number];
}): string {
  const W = o.width ?? 520;
  const H = o.height ?? 300;
  const m = { l: 58, r: 10, t: 26, b: 40 };
  const ok = (y: number) => Number.isFinite(y) && (!o.logY || y > 0);
  const pts = o.series.flatMap((s) => s.xs.map((x, i) => [x, s.ys[i]]).filter(([, y]) => ok(y)));
  if (pts.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30" font-size="12">${esc(o.title)}: no data</text></svg>`;
  const x0 = Math.min(...pts.map((p) => p[0]));
  let x1 = Math.max(...pts.map((p) => p[0]));
  let [y0, y1] = o.yRange ?? [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (x0 === x1) x1 = x0 + 1;
  if (y0 === y1) {
    y0 -= Math.abs(y0) * 0.1 || 1;
    y1 += Math.abs(y1) * 0.1 || 1;
  }
  const ty = (y: number) => (o.logY ? Math.log10(y) : y);
  const [a, b] = [ty(y0), ty(y1)];
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((ty(Math.min(Math.max(y, y0), y1)) - a) / (b - a || 1)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="10">`,
  ];
  parts.push(`<text x="${W / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">${esc(o.title)}</text>`);
  for (const t of ticks(y0, y1, !!o.logY))
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t)}" y2="${Y(t)}" stroke="#eee"/><text x="${m.l - 4}" y="${Y(t) + 3}" text-anchor="end">${fmt(t)}</text>`,
    );
  for (const t of ticks(x0, x1, false))
    parts.push(
      `<line x1="${X(t)}" x2="${X(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#f4f4f4"/><text x="${X(t)}" y="${H - m.b + 12}" text-anchor="middle">${fmt(t)}</text>`,
    );
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`,
  );
  parts.push(`<text x="${(W + m.l) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(12 ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${o.logY ? ' (log)' : ''}</text>`,
  );
  for (const s of o.series) {
    const d = s.xs
      .map((x, i) => [x, s.ys[i]] as const)
      .filter(([, y]) => ok(y))
      .map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`)
      .join('');
    if (d)
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${s.dash ? ' stroke-dasharray="5,3"' : ''}><title>${esc(s.label)}</title></path>`,
      );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A legend as HTML. */
export function legend(series: Series[]): string {
  return `<div class="legend">${series.map((s) => `<span><svg width="22" height="8"><line x1="0" x2="22" y1="4" y2="4" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,3"' : ''}/></svg> ${esc(s.label)}</span>`).join(' ')}</div>`;
}

/** Horizontal stacked bars of counts per category, one bar per row. */
export function stackedBars(o: {
  title: string;
  rows: { label: string; counts: Record<string, number> }[];
  categories: string[];
  width?: number;
}): string {
  const W = o.width ?? 620;
  const rowH = 18;
  const left = 210;
  const H = 40 + o.rows.length * rowH + 24;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="10">`,
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">${esc(o.title)}</text>`,
  ];
  o.rows.forEach((r, i) => {
    const total = Object.values(r.counts).reduce((a, b) => a + b, 0) || 1;
    let x = left;
    const y = 26 + i * rowH;
    parts.push(`<text x="${left - 4}" y="${y + 12}" text-anchor="end">${esc(r.label)}</text>`);
    o.categories.forEach((c, k) => {
      const w = ((r.counts[c] ?? 0) / total) * (W - left - 10);
      if (w > 0)
        parts.push(
          `<rect x="${x}" y="${y}" width="${w}" height="${rowH - 3}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(c)}: ${r.counts[c]}</title></rect>`,
        );
      x += w;
    });
  });
  const ly = 30 + o.rows.length * rowH + 8;
  let lx = left;
  o.categories.forEach((c, k) => {
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${lx + 13}" y="${ly + 9}">${esc(c)}</text>`,
    );
    lx += 18 + c.length * 6;
  });
  parts.push('</svg>');
  return parts.join('');
}
