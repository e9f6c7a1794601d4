// Renders every figure of a summary once: SVG for the page (inlined, so it opens offline) and PNG
// for the Markdown summary and the README, from the same SVG with resvg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from './analyze.js';
import { curvesSpec, overviewSpec, reasonsSpec } from './figures.js';
import { slug } from './html.js';
import { renderSvg, svgToPng } from './vega.js';

/** A task's figures as SVG markup (Vega's, with every text escaped). */
export interface TaskFigures {
  overview: string;
  curves: string;
  reasons: string | null;
}

export type Figures = Map<string, TaskFigures>;

/** The SVGs of every task's figures, keyed by task name. */
export async function renderFigures(s: Summary): Promise<Figures> {
  const out: Figures = new Map();
  for (const t of s.tasks) {
    const reasons = reasonsSpec(t);
    out.set(t.task, {
      overview: await renderSvg(overviewSpec(t)),
      curves: await renderSvg(curvesSpec(t)),
      reasons: reasons ? await renderSvg(reasons) : null,
    });
  }
  return out;
}

/** The PNG file name of a task's figure (the task name made a slug, so it cannot leave the folder). */
export const pngName = (kind: keyof TaskFigures, task: string) => `${kind}-${slug(task)}.png`;

/** Writes every figure as PNG into `dir`; returns the paths written, overviews first. */
export function writePngs(figures: Figures, dir: string, scale = 1.5): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const kind of ['overview', 'curves', 'reasons'] as const)
    for (const [task, f] of figures) {
      const svg = f[kind];
      if (!svg) continue;
      const path = join(dir, pngName(kind, task));
      writeFileSync(path, svgToPng(svg, scale));
      written.push(path);
    }
  return written;
}
