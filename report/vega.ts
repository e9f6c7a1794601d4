// Figures as Vega-Lite specs, rendered in Node: Vega-Lite compiles the spec to Vega, Vega's headless
// view renders it to SVG (no browser, no canvas), and resvg rasterises that SVG to PNG. The SVG is
// inlined in the HTML page, so the report opens offline; Vega escapes every text it draws.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export type FigureSpec = TopLevelSpec;

/** The font every figure uses: present in Debian's fonts-dejavu-core, so SVG and PNG measure text alike. */
export const FONT = 'DejaVu Sans, sans-serif';

const BASE_CONFIG = {
  font: FONT,
  view: { stroke: '#bbb' },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#eee', labelLimit: 360 },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 320, titleLimit: 320 },
  title: { fontSize: 13, subtitleFontSize: 11, anchor: 'start' as const, subtitleColor: '#444' },
};

/**
 * Text width for layout. Without a canvas Vega estimates 0.8 em per character, about 1.5 × what
 * DejaVu Sans draws, so a long title made the figure half blank. This uses DejaVu Sans's advance
 * widths by character class (digits 0.64 em, lower case ≈ 0.56, upper case ≈ 0.70, space 0.32,
 * punctuation ≈ 0.4; bold +10%), rounded up slightly so text never overflows what is reserved.
 */
function dejaVuWidth(
  item: { fontSize?: number; fontWeight?: string | number; text?: unknown },
  text?: unknown,
): number {
  const str = String(text ?? item.text ?? '');
  let em = 0;
  for (const c of str)
    em += /[0-9]/.test(c) ? 0.64 : /[a-z]/.test(c) ? 0.57 : /[A-Z]/.test(c) ? 0.71 : c === ' ' ? 0.32 : 0.45;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 1.1 : 1;
  return Math.ceil(em * (item.fontSize ?? 11) * bold * 1.03);
}
(vega as unknown as { textMetrics: { width: typeof dejaVuWidth } }).textMetrics.width = dejaVuWidth;

// Vega-Lite warns about legend merges of layered charts on stdout; the figures are checked by tests instead.
const QUIET = vega.logger(vega.None);

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: FigureSpec): Promise<string> {
  const compiled = vl.compile({ ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec, {
    logger: QUIET,
  }).spec;
  forceSymbolStroke(compiled as Parameters<typeof forceSymbolStroke>[0]);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

interface VegaLegend {
  symbolStrokeColor?: string;
  encode?: { symbols?: { update?: Record<string, unknown> } };
}

/**
 * Vega-Lite makes a legend's symbol stroke transparent when the lines' colour comes from a field, so
 * a dash legend (strokeDash) would show no dashes; a legend that names `symbolStrokeColor` gets it.
 */
function forceSymbolStroke(spec: { legends?: VegaLegend[]; marks?: unknown[] }): void {
  for (const l of spec.legends ?? []) {
    const update = l.encode?.symbols?.update;
    if (l.symbolStrokeColor && update) update.stroke = { value: l.symbolStrokeColor };
  }
  for (const m of (spec.marks ?? []) as { legends?: VegaLegend[]; marks?: unknown[] }[]) forceSymbolStroke(m);
}

/** Rasterises an SVG at `scale` × its size with the system fonts. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
  });
  return r.render().asPng();
}
