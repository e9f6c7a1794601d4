// `gen-bench report`: reads the results file and writes a self-contained HTML report (inline SVG,
// no network), a Markdown summary for the README, and PNGs of the key plots rendered from the same
// page with headless Chromium.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STEP_REASONS } from '../src/index.js';
import { readResults, type RunRecord } from '../bench/results.js';
import { fmtStat, fmtValue, summarise, type TaskSummary } from './analyze.js';
import { median } from '../bench/stats.js';
import { legend, lineChart, PALETTE, stackedBars, type Series } from './svg.js';
import { markdownSummary } from './markdown.js';
import { renderPngs } from './png.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function seriesFor(t: TaskSummary, pick: (r: RunRecord) => { xs: number[]; ys: number[] }): Series[] {
  const out: Series[] = [];
  let k = 0;
  for (const e of t.entries) {
    if (e.kind === 'grid-median') continue;
    const r = e.runs.find((x) => x.seed === 0) ?? e.runs[0];
    if (!r) continue;
    const { xs, ys } = pick(r);
    const horizon = /horizon/.test(e.label);
    const color =
      e.kind === 'gen'
        ? e.base === 'adamw'
          ? horizon
            ? '#8b0000'
            : '#d62728'
          : horizon
            ? '#08306b'
            : '#1f77b4'
        : e.kind === 'grid-best'
          ? e.base === 'adamw'
            ? '#ff9896'
            : '#aec7e8'
          : PALETTE[3 + (k++ % 8)];
    out.push({
      label: e.kind === 'grid-best' ? e.label : e.label,
      xs,
      ys,
      color,
      dash: e.kind === 'grid-best' || horizon,
      width: e.kind === 'gen' ? 2.2 : 1.4,
    });
  }
  return out;
}

function taskSection(t: TaskSummary): string {
  const m = t.metric;
  const loss = seriesFor(t, (r) => ({ xs: r.curve.step, ys: r.curve.loss }));
  const lossTime = seriesFor(t, (r) => ({ xs: r.curve.ms.map((v) => v / 1000), ys: r.curve.loss }));
  const val = seriesFor(t, (r) => ({ xs: r.evals.map((e) => e.step), ys: r.evals.map((e) => e.metrics[m.name]) }));
  const lr = seriesFor(t, (r) => ({ xs: r.curve.step, ys: r.curve.lr })).filter(
    (s) => !/D-Adapt|DoG|SLS|Prodigy/.test(s.label),
  );
  const rows = t.entries
    .map(
      (e) =>
        `<tr class="${e.kind}"><td>${esc(e.label)}</td><td>${e.kind}</td><td>${fmtStat(e.stat, m)}</td><td>${(e.costMs / 1000).toFixed(1)}</td><td>${e.runs.length}</td></tr>`,
    )
    .join('');
  const verdicts = t.verdicts
    .map(
      (v) =>
        `<li class="${v.within1pct ? 'win' : 'loss'}">${esc(v.gen)}: ${fmtValue(v.genMean, m)} vs ${esc(v.grid)}: ${fmtValue(v.bestMean, m)} — ${v.within1pct ? 'within' : '<b>not within</b>'} 1% relative${m.name === 'accuracy' ? ' / 0.5 points' : ''} (gap ${(100 * v.relGap).toFixed(2)}% relative${v.relGap > 0 ? ', GeN worse' : ', GeN better or equal'})</li>`,
    )
    .join('');
  const genRuns = t.entries
    .filter((e) => e.kind === 'gen')
    .flatMap((e) =>
      e.runs
        .filter((r) => r.reasons)
        .map((r) => ({ label: `${e.label} s${r.seed}`, counts: r.reasons as Record<string, number> })),
    );
  const cats = STEP_REASONS.filter((c) => genRuns.some((g) => (g.counts[c] ?? 0) > 0));
  const robust = t.robustness.length
    ? `<h4>Robustness to GeN's initial lr</h4><table><tr><th>run</th><th>initial lr</th><th>test ${esc(m.name)}</th></tr>${t.robustness.map((r) => `<tr><td>${esc(r.label)}</td><td>${r.lr}</td><td>${fmtValue(r.value, m)}</td></tr>`).join('')}</table>`
    : '';
  return `<section id="${t.task}"><h2>${esc(t.task)}</h2>
<ul class="verdicts">${verdicts}</ul>
<div class="plots" data-png="${t.task}-curves">
<div>${lineChart({ title: `${t.task}: training loss vs steps`, series: loss, xLabel: 'step', yLabel: 'training loss', logY: true })}</div>
<div>${lineChart({ title: `${t.task}: training loss vs wall time`, series: lossTime, xLabel: 'seconds', yLabel: 'training loss', logY: true })}</div>
<div>${lineChart({ title: `${t.task}: validation ${m.name} vs steps`, series: val, xLabel: 'step', yLabel: m.name })}</div>
<div>${lineChart({ title: `${t.task}: learning rate applied`, series: lr, xLabel: 'step', yLabel: 'lr', logY: true })}</div>
${legend(loss)}</div>
<table><tr><th>optimizer</th><th>kind</th><th>test ${esc(m.name)} (${m.higherIsBetter ? 'higher' : 'lower'} is better)</th><th>cost to obtain (s)</th><th>runs</th></tr>${rows}</table>
${genRuns.length ? stackedBars({ title: `${t.task}: GeN lastStep.reason per step`, rows: genRuns, categories: cats }) : ''}
${robust}</section>`;
}

export async function buildReport(o: {
  results: string;
  dir: string;
  png: boolean;
  log: (s: string) => void;
}): Promise<void> {
  const records = readResults(o.results);
  if (records.length === 0)
    throw new Error(`report: no records in ${o.results}; run 'gen-bench run' first (or pass --out FILE)`);
  const { tasks, overhead, runs } = summarise(records);
  mkdirSync(o.dir, { recursive: true });
  const versions = runs[0]?.versions ?? overhead[0]?.versions ?? {};
  const backend = runs[0]?.backend ?? '?';
  const wins = tasks.flatMap((t) => t.verdicts);
  const headline = tasks
    .map((t) => {
      const pick = (pred: (e: TaskSummary['entries'][number]) => boolean) => t.entries.filter(pred);
      const cells = [
        ...pick((e) => e.kind === 'gen'),
        ...pick((e) => e.kind === 'grid-best'),
        ...pick((e) => e.kind === 'grid-median'),
        ...pick((e) => e.kind === 'peer'),
      ];
      return `<tr><td><a href="#${t.task}">${t.task}</a></td><td>${t.metric.name} (${t.metric.higherIsBetter ? '↑' : '↓'})</td><td>${cells.map((e) => `${esc(e.label)}: <b>${fmtStat(e.stat, t.metric)}</b>`).join('<br>')}</td></tr>`;
    })
    .join('');
  const costRows = tasks
    .map((t) => {
      const gens = t.entries.filter((e) => e.kind === 'gen' && !/probes\)/.test(e.label));
      const grids = t.entries.filter((e) => e.kind === 'grid-median');
      return `<tr><td>${t.task}</td>${gens.map((g) => `<td>${esc(g.label)}: ${(g.costMs / 1000).toFixed(1)} s</td>`).join('')}${grids.map((g) => `<td>${g.base} grid (${g.runs.length} runs): ${(g.costMs / 1000).toFixed(1)} s</td>`).join('')}</tr>`;
    })
    .join('');
  const ohRows = overhead
    .flatMap((r) =>
      r.gen.map(
        (g) =>
          `<tr><td>${r.task}</td><td>${g.every}</td><td>${g.probe}</td><td>${r.forwardMs.toFixed(2)}</td><td>${r.trainMs.toFixed(2)}</td><td>${g.plainMs === undefined ? '–' : g.plainMs.toFixed(2)}</td><td>${g.refitMs === undefined ? '–' : g.refitMs.toFixed(2)}</td><td>${g.ms.toFixed(2)}</td><td>×${g.ratio.toFixed(3)}</td><td>×${g.bound.toFixed(3)}</td></tr>`,
      ),
    )
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>gen-bench report</title><style>
body{font-family:sans-serif;max-width:1120px;margin:1em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:4px;background:#fff;padding:4px}.legend{grid-column:1/3;font-size:12px}.legend span{margin-right:12px;white-space:nowrap}
tr.gen td{background:#fdf1f1}li.loss{color:#a00}li.win{color:#060}code{background:#f4f4f4;padding:0 3px}</style></head><body>
<h1>gen-bench report</h1>
<p>${runs.length} runs from <code>${esc(o.results)}</code>; backend ${esc(backend)}; ${Object.entries(versions)
    .map(([k, v]) => `${esc(k)} ${esc(v)}`)
    .join(', ')}; generated ${new Date().toISOString()}.
Metric values are on the test split; the grid's best configuration is chosen on the validation split with seed 0 (DeepOBS protocol). Dashed lines: best grid configuration; thick lines: GeN.</p>
<p><b>Target</b>: GeN within 1% relative (0.5 points of accuracy) of the best-tuned configuration of the same base. Met in ${wins.filter((w) => w.within1pct).length} of ${wins.length} comparisons.</p>
<h2>Final metric per task</h2><table><tr><th>task</th><th>metric</th><th>mean ± sd over seeds</th></tr>${headline}</table>
<h2>Cost of tuning</h2><p>Wall time of GeN's single run against the total wall time of the grid it is compared with.</p><table>${costRows}</table>
<h2>GeN's overhead per step</h2><p>ms per step at refit period Φ: ((Φ − 1)·median plain step + median refit step)/Φ, all variants interleaved in one process; bound 1 + kF/(every·(F+B)) with k = 2 probe forwards on the same batch, 3 on another batch.</p>
<table><tr><th>task</th><th>every</th><th>probes</th><th>F (ms)</th><th>F+B (ms)</th><th>GeN step without refit (ms)</th><th>GeN refit step (ms)</th><th>GeN ms/step</th><th>ratio to AdamW</th><th>bound</th></tr>${ohRows}</table>
${tasks.map(taskSection).join('\n')}
</body></html>`;
  const htmlPath = join(o.dir, 'index.html');
  writeFileSync(htmlPath, html);
  o.log(`report: ${htmlPath}\n`);
  const pngs = o.png ? await renderPngs(resolve(htmlPath), join(o.dir, 'png'), o.log) : [];
  const md = markdownSummary({
    tasks,
    overhead,
    results: o.results,
    pngs: pngs.map((p) => p.replace(resolve('.') + '/', '')),
    runs: runs.length,
    backend,
    totalMs: runs.reduce((a, r) => a + r.wallMs, 0),
    medianMs: median(runs.map((r) => r.wallMs)),
  });
  writeFileSync(join(o.dir, 'summary.md'), md);
  o.log(`report: ${join(o.dir, 'summary.md')}\n`);
}
