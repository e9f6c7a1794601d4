// The report's figures as Vega-Lite specs built from a task's summary: the overview (GeN's defaults
// vs the best and the median tuned configuration vs the best peer, final test metric with every
// seed), the training curves, and GeN's step reasons. Colours and strokes come from encoding.ts.
// Diverged runs never set an axis: their lines are clipped at the plot's edge and a ✕ marks where
// they diverged.
import type { RunRecord } from '../bench/results.js';
import { baseTitle, fmtValue, groupsText, isGenDefault, type Entry, type TaskSummary } from './analyze.js';
import {
  colorOf,
  familyOf,
  REASON_COLORS,
  REASON_ORDER,
  VARIANT_DASH,
  VARIANT_TEXT,
  variantOf,
  type Variant,
} from './encoding.js';
import type { FigureSpec } from './vega.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Accuracy is shown in percent; other metrics as recorded. */
const scaleOf = (t: TaskSummary) => (t.metric.name === 'accuracy' ? 100 : 1);
const metricTitle = (t: TaskSummary) =>
  `test ${t.metric.name}${t.metric.name === 'accuracy' ? ' (%)' : ''} (${t.metric.higherIsBetter ? 'higher' : 'lower'} is better)`;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** The test set's resolution in words: what one example is worth. */
export function resolutionText(t: TaskSummary): string {
  if (t.testSize === null) return 'test-set size not recorded';
  const size =
    t.resolution !== null
      ? `test set ${t.testSize} examples: 1 example = ${t.resolution.toPrecision(2)} pts`
      : `test set ${t.testSize} examples`;
  return [size, groupsText(t)].filter(Boolean).join('; ');
}

/** The best peer on the test metric (mean over finite seeds), or null. */
export function bestPeer(t: TaskSummary): Entry | null {
  const peers = t.entries.filter((e) => e.kind === 'peer' && Number.isFinite(e.stat.mean));
  const better = (a: number, b: number) => (t.metric.higherIsBetter ? a > b : a < b);
  return peers.reduce<Entry | null>((b, e) => (!b || better(e.stat.mean, b.stat.mean) ? e : b), null);
}

/** One line per base: does the task decide, and is GeN's default within target. */
export function decisionLines(t: TaskSummary): string[] {
  return t.decisions.map((d) => {
    const c = t.comparisons.find((x) => isGenDefault(x.gen) && x.gen.base === d.base);
    const verdict = c ? (c.within ? 'GeN defaults within target' : 'GeN defaults NOT within target') : 'no GeN default';
    const decides =
      d.decides === true
        ? 'decides'
        : d.decides === false
          ? 'not counted: tuning moves the metric by ≤ 2 × seed sd'
          : `not counted: undecided (${d.reason})`;
    return `${baseTitle(d.base)}: ${decides}; ${verdict}`;
  });
}

interface OverviewRow {
  panel: string;
  role: string;
  family: string;
  value: number | null;
  lo: number | null;
  hi: number | null;
  label: string;
  diverged: boolean;
}

/**
 * The overview of one task: per base, GeN with its defaults, the best tuned configuration, the
 * median tuned configuration and the best peer; a dot at the mean, a bar over ± 1 sd, a tick per
 * seed, and the target band (within 0.5 points of an accuracy, 1% relative otherwise). A value that is not
 * finite (a diverged run, a median counting diverged configurations) is drawn as ✕ at the worse edge.
 */
export function overviewSpec(t: TaskSummary): FigureSpec {
  const k = scaleOf(t);
  const peer = bestPeer(t);
  const rows: OverviewRow[] = [];
  const seeds: { panel: string; role: string; family: string; value: number }[] = [];
  const bands: { panel: string; from: number; to: number }[] = [];
  const roles: string[] = [];
  for (const d of t.decisions) {
    const panel = `${baseTitle(d.base)} base`;
    const items: [string, Entry | null][] = [
      ['GeN, defaults', d.genDefault],
      ['best tuned', d.best],
      ['median tuned', d.median],
      ['best peer', peer],
    ];
    for (const [role, e] of items) {
      if (!roles.includes(role)) roles.push(role);
      if (!e) continue;
      const m = e.stat.mean;
      const sd = e.stat.n > 1 && Number.isFinite(e.stat.sd) ? e.stat.sd : 0;
      const finite = Number.isFinite(m);
      rows.push({
        panel,
        role,
        family: familyOf(e),
        value: finite ? m * k : null,
        lo: finite ? (m - sd) * k : null,
        hi: finite ? (m + sd) * k : null,
        label: `${fmtValue(m, t.metric)}${e.stat.diverged ? ` (${e.stat.diverged} diverged)` : ''}${e.kind === 'peer' ? ` ${e.label}` : ''}`,
        diverged: !finite,
      });
      if (e.kind !== 'grid-median')
        for (const r of e.runs)
          if (!r.diverged && Number.isFinite(r.value))
            seeds.push({ panel, role, family: familyOf(e), value: r.value * k });
    }
    if (d.best && Number.isFinite(d.best.stat.mean)) {
      const b = d.best.stat.mean;
      const tol = t.metric.name === 'accuracy' ? 0.005 : Math.abs(b) * 0.01;
      bands.push({ panel, from: b * k, to: (t.metric.higherIsBetter ? b - tol : b + tol) * k });
    }
  }
  const finite = [
    ...rows.flatMap((r) => (r.value === null ? [] : [r.lo!, r.hi!])),
    ...seeds.map((s) => s.value),
    ...bands.flatMap((b) => [b.from, b.to]),
  ];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  const domain = [lo - pad, hi + pad];
  const worse = t.metric.higherIsBetter ? domain[0] : domain[1];
  for (const r of rows) if (r.value === null) r.value = worse;
  const families = [...new Set(rows.map((r) => r.family))];
  const entries = [...t.decisions.flatMap((d) => [d.genDefault, d.best, d.median]), peer].filter(
    (e): e is Entry => !!e,
  );
  const colorRange = families.map((f) => colorOf(entries.find((e) => familyOf(e) === f)!));
  const x = {
    field: 'value',
    type: 'quantitative',
    scale: { domain, zero: false, nice: false },
    title: metricTitle(t),
  };
  const y = { field: 'role', type: 'nominal', sort: roles, title: null, axis: { labelLimit: 240 } };
  const color = {
    field: 'family',
    type: 'nominal',
    scale: { domain: families, range: colorRange },
    legend: { title: 'method family', orient: 'bottom', columns: 3 },
  };
  const spec = {
    $schema: SCHEMA,
    title: {
      text: `${t.task}: final ${t.metric.name} on the test set`,
      subtitle: [
        ...decisionLines(t),
        `${resolutionText(t)}; dot = mean, bar = ± 1 seed sd, ticks = seeds; green band = target`,
      ],
    },
    data: { values: [] },
    vconcat: t.decisions.map((d) => {
      const panel = `${baseTitle(d.base)} base`;
      const of = <T extends { panel: string }>(xs: T[]) => xs.filter((r) => r.panel === panel);
      return {
        width: 420,
        height: 22 * roles.length,
        title: { text: panel, fontSize: 11 },
        layer: [
          {
            data: { values: of(bands) },
            mark: { type: 'rect', color: '#c8e6c9', opacity: 0.7 },
            encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' } },
          },
          {
            data: { values: of(rows).filter((r) => !r.diverged) },
            mark: { type: 'rule', strokeWidth: 2 },
            encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y, color },
          },
          {
            data: { values: of(seeds) },
            mark: { type: 'tick', thickness: 1.5, size: 10, opacity: 0.8 },
            encoding: { x, y, color: { ...color, legend: null } },
          },
          {
            data: { values: of(rows) },
            mark: { type: 'point', filled: true, size: 90 },
            encoding: {
              x,
              y,
              color: { ...color, legend: null },
              shape: { condition: { test: 'datum.diverged', value: 'cross' }, value: 'circle' },
            },
          },
          {
            data: { values: of(rows) },
            mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 10, color: '#333' },
            encoding: { x, y, text: { field: 'label' } },
          },
        ],
      };
    }),
    resolve: { scale: { x: 'shared' } },
  };
  return spec as unknown as FigureSpec;
}

interface CurvePoint {
  series: string;
  family: string;
  variant: Variant;
  x: number;
  y: number;
  diverged: boolean;
}

/** The entries drawn as curves: every entry but a grid's median (it has no single run), seed 0. */
function curveRuns(t: TaskSummary): { e: Entry; r: RunRecord }[] {
  return t.entries.flatMap((e) => {
    if (e.kind === 'grid-median') return [];
    const r = e.runs.find((x) => x.seed === 0) ?? e.runs[0];
    return r ? [{ e, r }] : [];
  });
}

interface Panel {
  title: string;
  xTitle: string;
  yTitle: string;
  log: boolean;
  pick: (r: RunRecord) => { xs: number[]; ys: number[] };
  /** The x of the last logged step of a run (where a diverged run stopped). */
  lastX: (r: RunRecord) => number;
  /** The quantile range of the axis over the points of runs that did not diverge. */
  range: [number, number];
  /** A loss panel: the top is at most the highest first logged value of those runs. */
  capAtStart?: boolean;
  /** Where a diverged run's ✕ sits: the worse end of the axis. */
  worse: 'top' | 'bottom';
  points: boolean;
}

/**
 * One curve panel: the y range is the [q0, q1] quantile range of the points of runs that did not
 * diverge (so one run stuck far away does not squash the others); lines outside it are clipped.
 */
function panelSpec(t: TaskSummary, p: Panel, runs: { e: Entry; r: RunRecord }[], families: string[], colors: string[]) {
  const pts: CurvePoint[] = [];
  const crosses: { series: string; family: string; x: number; y: number }[] = [];
  const ok = (y: number) => Number.isFinite(y) && (!p.log || y > 0);
  for (const { e, r } of runs) {
    const { xs, ys } = p.pick(r);
    const series = `${e.label}${e.kind === 'grid-best' ? ' (best tuned)' : ''}`;
    for (let i = 0; i < xs.length; i++)
      if (ok(ys[i]) && Number.isFinite(xs[i]))
        pts.push({ series, family: familyOf(e), variant: variantOf(e), x: xs[i], y: ys[i], diverged: r.diverged });
    if (r.diverged) crosses.push({ series, family: familyOf(e), x: p.lastX(r), y: NaN });
  }
  const firstX = new Map<string, number>();
  for (const q of pts) if (!firstX.has(q.series)) firstX.set(q.series, q.x);
  const kept = pts
    .filter((q) => !q.diverged)
    .map((q) => q.y)
    .sort((a, b) => a - b);
  let y0 = quantile(kept, p.range[0]);
  let y1 = quantile(kept, p.range[1]);
  if (p.capAtStart) {
    const starts = pts.filter((q) => !q.diverged && q.x === firstX.get(q.series)).map((q) => q.y);
    if (starts.length) y1 = Math.min(y1, Math.max(...starts));
  }
  if (!Number.isFinite(y0)) [y0, y1] = p.log ? [1e-3, 1] : [0, 1];
  if (y0 === y1) [y0, y1] = p.log ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  if (!p.log) {
    const pad = (y1 - y0) * 0.05;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  for (const c of crosses) c.y = p.worse === 'top' ? y1 : y0;
  const y = {
    field: 'y',
    type: 'quantitative',
    title: p.yTitle,
    scale: p.log ? { type: 'log', domain: [y0, y1], nice: false } : { domain: [y0, y1], zero: false, nice: false },
  };
  const x = { field: 'x', type: 'quantitative', title: p.xTitle, scale: { zero: false } };
  const color = {
    field: 'family',
    type: 'nominal',
    scale: { domain: families, range: colors },
    legend: {
      title: 'colour: method family',
      orient: 'bottom',
      columns: 4,
      symbolType: 'stroke',
      symbolStrokeWidth: 3,
      symbolSize: 300,
    },
  };
  const variants = Object.keys(VARIANT_DASH) as Variant[];
  const strokeDash = {
    field: 'variant',
    type: 'nominal',
    scale: { domain: variants, range: variants.map((v) => VARIANT_DASH[v]) },
    legend: {
      title: 'line style: GeN variant',
      orient: 'bottom',
      columns: 1,
      values: variants.filter((v) => pts.some((q) => q.variant === v)),
      labelExpr: `${JSON.stringify(VARIANT_TEXT)}[datum.value]`,
      symbolType: 'stroke',
      symbolStrokeColor: '#333',
      symbolStrokeWidth: 2,
      symbolSize: 500,
      labelLimit: 420,
    },
  };
  return {
    width: 360,
    height: 220,
    title: { text: p.title, fontSize: 11 },
    layer: [
      {
        data: { values: pts },
        mark: { type: 'line', clip: true, strokeWidth: 1.6, point: p.points ? { size: 14, filled: true } : false },
        encoding: { x, y, color, strokeDash, detail: { field: 'series' }, tooltip: { field: 'series' } },
      },
      ...(crosses.length
        ? [
            {
              data: { values: crosses },
              mark: {
                type: 'text',
                text: '✕',
                fontSize: 14,
                fontWeight: 'bold',
                dy: p.worse === 'top' ? 7 : -7,
                clip: false,
              },
              encoding: { x, y, color: { ...color, legend: null } },
            },
          ]
        : []),
    ],
  };
}

const lastStep = (r: RunRecord) => r.curve.step.at(-1) ?? 0;

/** The four curve panels of a task: loss vs step and vs seconds, validation metric vs step, lr vs step. */
export function curvesSpec(t: TaskSummary): FigureSpec {
  const runs = curveRuns(t);
  const families = [...new Set(runs.map(({ e }) => familyOf(e)))];
  const colors = families.map((f) => colorOf(runs.find(({ e }) => familyOf(e) === f)!.e));
  const m = t.metric.name;
  const k = scaleOf(t);
  const nEvals = Math.max(0, ...runs.map(({ r }) => r.evals.length));
  const worseQ: [number, number] = t.metric.higherIsBetter ? [0.05, 1] : [0, 0.95];
  const panels: Panel[] = [
    {
      title: 'training loss vs steps',
      xTitle: 'step',
      yTitle: 'training loss (log)',
      log: true,
      pick: (r) => ({ xs: r.curve.step, ys: r.curve.loss }),
      lastX: lastStep,
      range: [0, 0.98],
      capAtStart: true,
      worse: 'top',
      points: false,
    },
    {
      title: `validation ${m} at its ${nEvals} evaluations`,
      xTitle: 'step',
      yTitle: `validation ${m}${k === 100 ? ' (%)' : ''}`,
      log: false,
      pick: (r) => ({ xs: r.evals.map((e) => e.step), ys: r.evals.map((e) => e.metrics[m] * k) }),
      lastX: lastStep,
      range: worseQ,
      worse: t.metric.higherIsBetter ? 'bottom' : 'top',
      points: true,
    },
    {
      title: 'learning rate applied',
      xTitle: 'step',
      yTitle: 'lr (log)',
      log: true,
      pick: (r) => ({ xs: r.curve.step, ys: r.curve.lr }),
      lastX: lastStep,
      range: [0.02, 1],
      worse: 'top',
      points: false,
    },
    {
      title: 'training loss vs wall time',
      xTitle: 'seconds',
      yTitle: 'training loss (log)',
      log: true,
      pick: (r) => ({ xs: r.curve.ms.map((v) => v / 1000), ys: r.curve.loss }),
      lastX: (r) => (r.curve.ms.at(-1) ?? NaN) / 1000,
      range: [0, 0.98],
      capAtStart: true,
      worse: 'top',
      points: false,
    },
  ];
  const cells = panels.map((p) => panelSpec(t, p, runs, families, colors));
  const spec = {
    $schema: SCHEMA,
    title: {
      text: `${t.task}: curves (seed 0)`,
      subtitle: [
        'y ranges over the runs that did not diverge: loss up to the highest starting loss, validation without its worst 5%',
        'of points, lr from its 2nd percentile; lines beyond are clipped; ✕ = the step where a run diverged',
      ],
    },
    vconcat: [{ hconcat: cells.slice(0, 2) }, { hconcat: cells.slice(2, 4) }],
    resolve: { legend: { color: 'shared', strokeDash: 'shared' } },
  };
  return spec as unknown as FigureSpec;
}

/** GeN's `lastStep.reason` per step, one bar per GeN run, in the fixed colours of encoding.ts. */
export function reasonsSpec(t: TaskSummary): FigureSpec | null {
  const rows = t.entries
    .filter((e) => e.kind === 'gen')
    .flatMap((e) =>
      e.runs
        .filter((r) => r.reasons)
        .flatMap((r) =>
          Object.entries(r.reasons as Record<string, number>)
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => ({ run: `${e.label} seed ${r.seed}`, reason, n })),
        ),
    );
  if (rows.length === 0) return null;
  const present = REASON_ORDER.filter((r) => rows.some((x) => x.reason === r));
  const unknown = [...new Set(rows.map((x) => x.reason))].filter((r) => !(REASON_ORDER as string[]).includes(r));
  const domain = [...REASON_ORDER, ...unknown];
  const runs = [...new Set(rows.map((r) => r.run))];
  const spec = {
    $schema: SCHEMA,
    title: {
      text: `${t.task}: GeN's lastStep.reason, share of steps per run`,
      subtitle: 'same colour for a reason on every task',
    },
    data: { values: rows.map((r) => ({ ...r, order: domain.indexOf(r.reason) })) },
    width: 420,
    height: Math.max(40, 14 * runs.length),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'run', type: 'nominal', sort: runs, title: null, axis: { labelLimit: 320 } },
      x: { field: 'n', type: 'quantitative', stack: 'normalize', title: 'share of steps', axis: { format: '%' } },
      color: {
        field: 'reason',
        type: 'nominal',
        scale: { domain, range: domain.map((r) => (REASON_COLORS as Record<string, string>)[r] ?? '#cccccc') },
        legend: { title: 'reason', orient: 'bottom', columns: 5, values: [...present, ...unknown] },
      },
      order: { field: 'order' },
      tooltip: [{ field: 'run' }, { field: 'reason' }, { field: 'n', title: 'steps' }],
    },
  };
  return spec as unknown as FigureSpec;
}
