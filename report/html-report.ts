// The HTML page of the report: self-contained (the figures' SVG inlined, no network). Every value from
// the records goes through the `html` tag, which escapes it; only Vega's SVG markup is `trusted`.
import {
  baseTitle,
  fmtDelta,
  fmtStat,
  fmtValue,
  groupsText,
  hasDefaultProbes,
  type Entry,
  type Summary,
  type TaskSummary,
} from './analyze.js';
import { ENCODING_CAPTION } from './encoding.js';
import { headlineLines } from './headline.js';
import { html, slug, trusted, type Html } from './html.js';
import { PEER_RULE, peerStandings, trailsText } from './peer-standing.js';
import type { Figures, TaskFigures } from './render.js';
import { DECIDING_RULE, DIVERGED_RULE, TARGET_RULE } from './rules.js';

/** What the page says about where its records came from. */
export interface PageSource {
  /** The results file shown (the published copy when publishing). */
  results: string;
  duplicates: number;
  generatedAt: string;
  /** The command that regenerates this page from committed data, if any. */
  regenerate: string | null;
}

/** Vega's SVG: every text in it comes escaped from Vega's renderer (test/report/html.test.ts checks). */
const figure = (svg: string | null | undefined, cls: string) =>
  svg ? html`<figure class="${cls}">${trusted(svg)}</figure>` : null;

const splitText = (t: TaskSummary) => t.split ?? '–';

function testSetText(t: TaskSummary): string {
  if (t.testSize === null) return '–';
  const size =
    t.resolution !== null
      ? `${t.testSize} examples; 1 example = ${t.resolution.toPrecision(2)} pts`
      : `${t.testSize} examples`;
  return [size, groupsText(t)].filter(Boolean).join('; ');
}

function decidesText(d: TaskSummary['decisions'][number]): string {
  return d.decides === null ? `undecided: ${d.reason}` : d.decides ? 'decides' : `does not decide (${d.reason})`;
}

function taskSection(t: TaskSummary, f: TaskFigures | undefined): Html {
  const m = t.metric;
  const id = slug(t.task);
  const rows = t.entries.map(
    (e) =>
      html`<tr class="${e.kind}">
        <td>${e.label}</td>
        <td>${e.optimizer}</td>
        <td>${e.kind}</td>
        <td><code>${e.config ? JSON.stringify(e.config) : '–'}</code></td>
        <td>${fmtStat(e.stat, m)}</td>
        <td>${(e.costMs / 1000).toFixed(1)}</td>
        <td>${e.runs.length}</td>
      </tr>`,
  );
  const comparisons = t.comparisons.map(
    (c) =>
      html`<li class="${c.within ? 'win' : 'loss'}">
        ${c.gen.label}: ${fmtValue(c.gen.stat.mean, m)} vs ${c.best.label}: ${fmtValue(c.best.stat.mean, m)} —
        ${c.within ? 'within' : html`<b>not within</b>`} target (gap ${(100 * c.relGap).toFixed(2)}%
        relative${Number.isFinite(c.pointsGap) ? `, ${c.pointsGap.toFixed(2)} points` : ''}${c.gen.stat.diverged ? `, ${c.gen.stat.diverged} GeN seed(s) diverged` : ''});
        ${c.decides === true ? 'this task decides' : c.decides === false ? 'this task does not decide' : 'this task is undecided'}
      </li>`,
  );
  const robust = t.robustness.length
    ? html`<h4>Robustness to GeN's initial lr</h4>
        <table>
          <tr>
            <th>run</th>
            <th>initial lr</th>
            <th>test ${m.name}</th>
          </tr>
          ${t.robustness.map(
            (r) =>
              html`<tr>
                <td>${r.label}</td>
                <td>${r.lr}</td>
                <td>${r.diverged ? 'diverged' : fmtValue(r.value, m)}</td>
              </tr>`,
          )}
        </table>`
    : null;
  return html`<section id="${id}">
    <h2>${t.task}</h2>
    <p>
      split: ${splitText(t)}; test set: ${testSetText(t)};
      ${t.decisions.map((d) => `${baseTitle(d.base)} grid: ${decidesText(d)}`).join('; ')}
    </p>
    <ul class="verdicts">
      ${comparisons}
    </ul>
    ${figure(f?.curves, 'curves')}
    <p class="caption">${ENCODING_CAPTION}</p>
    <table>
      <tr>
        <th>entry</th>
        <th>optimizer</th>
        <th>kind</th>
        <th>configuration</th>
        <th>test ${m.name} (${m.higherIsBetter ? 'higher' : 'lower'} is better)</th>
        <th>cost to obtain (s)</th>
        <th>runs</th>
      </tr>
      ${rows}
    </table>
    ${figure(f?.reasons, 'reasons')} ${robust}
  </section>`;
}

function verdictTable(s: Summary): Html {
  const splits = [...new Set(s.variants.flatMap((v) => v.bySplit.map((b) => b.split)))];
  const rows = s.variants.map(
    (v) =>
      html`<tr${v.isDefault ? html` class="gen"` : null}><td>${v.label}</td><td>${v.optimizer}</td><td><b>${v.within} of ${v.deciding}</b></td>${splits.map(
        (sp) => {
          const b = v.bySplit.find((x) => x.split === sp);
          return html`<td>${b ? `${b.within} of ${b.deciding}` : '–'}</td>`;
        },
      )}<td>${v.allWithin} of ${v.all}</td></tr>`,
  );
  return html`<table>
    <tr>
      <th>GeN variant</th>
      <th>optimizer</th>
      <th>within target on deciding tasks</th>
      ${splits.map((sp) => html`<th>${sp} tasks (deciding)</th>`)}
      <th>all tasks</th>
    </tr>
    ${rows}
  </table>`;
}

function peerTable(s: Summary): Html {
  const rows = peerStandings(s).map(
    (v) =>
      html`<tr${v.isDefault ? html` class="gen"` : null}><td>${v.label}</td><td>${v.optimizer}</td><td><b>${v.level} of ${v.tasks.length}</b></td><td>${trailsText(v.tasks)}</td></tr>`,
  );
  return html`<table>
    <tr>
      <th>GeN variant</th>
      <th>optimizer</th>
      <th>tasks level with or ahead of every peer</th>
      <th>where it trails (peers more than one sd ahead)</th>
    </tr>
    ${rows}
  </table>`;
}

function decidingTable(s: Summary): Html {
  const rows = s.tasks.flatMap((t) =>
    t.decisions.map(
      (d) =>
        html`<tr>
          <td>${t.task}</td>
          <td>${splitText(t)}</td>
          <td>${testSetText(t)}</td>
          <td>${baseTitle(d.base)}</td>
          <td>${d.best ? fmtStat(d.best.stat, t.metric) : '–'}</td>
          <td>${d.median ? fmtValue(d.median.stat.mean, t.metric) : '–'}</td>
          <td>${fmtDelta(d.spread, t.metric)}</td>
          <td>${fmtDelta(2 * d.noise, t.metric)}</td>
          <td>${decidesText(d)}</td>
        </tr>`,
    ),
  );
  return html`<table>
    <tr>
      <th>task</th>
      <th>split</th>
      <th>test set</th>
      <th>grid</th>
      <th>best (test)</th>
      <th>median (test)</th>
      <th>|best − median|</th>
      <th>2 × seed sd</th>
      <th>decides?</th>
    </tr>
    ${rows}
  </table>`;
}

/** The whole page. */
export function renderPage(s: Summary, src: PageSource, figures: Figures = new Map()): string {
  const { tasks, overhead, runs, provenance } = s;
  const versions = runs[0]?.versions ?? overhead[0]?.versions ?? {};
  const backend = runs[0]?.backend ?? '?';
  const headline = tasks.map((t) => {
    const pick = (kind: Entry['kind']) => t.entries.filter((e) => e.kind === kind);
    const cells = [...pick('gen'), ...pick('grid-best'), ...pick('grid-median'), ...pick('peer')];
    return html`<tr>
      <td><a href="#${slug(t.task)}">${t.task}</a></td>
      <td>${t.metric.name} (${t.metric.higherIsBetter ? '↑' : '↓'})</td>
      <td>${cells.map((e, i) => html`${i ? html`<br />` : null}${e.label}: <b>${fmtStat(e.stat, t.metric)}</b>`)}</td>
    </tr>`;
  });
  const costRows = tasks.map((t) => {
    const gens = t.entries.filter(hasDefaultProbes);
    const grids = t.entries.filter((e) => e.kind === 'grid-median');
    return html`<tr>
      <td>${t.task}</td>
      ${gens.map((g) => html`<td>${g.label}: ${(g.costMs / 1000).toFixed(1)} s</td>`)}${grids.map((g) => html`<td>${g.base} grid (${g.runs.length} runs): ${(g.costMs / 1000).toFixed(1)} s</td>`)}
    </tr>`;
  });
  const ohRows = overhead.flatMap((r) =>
    r.gen.map(
      (g) =>
        html`<tr>
          <td>${r.task}</td>
          <td>${g.every}</td>
          <td>${g.probe}</td>
          <td>${r.forwardMs.toFixed(2)}</td>
          <td>${r.trainMs.toFixed(2)}</td>
          <td>${g.plainMs === undefined ? '–' : g.plainMs.toFixed(2)}</td>
          <td>${g.refitMs === undefined ? '–' : g.refitMs.toFixed(2)}</td>
          <td>${g.ms.toFixed(2)}</td>
          <td>×${g.ratio.toFixed(3)}</td>
          <td>×${g.bound.toFixed(3)}</td>
        </tr>`,
    ),
  );
  const commits = provenance.commits.map(
    (c) =>
      html`<code>${c.commit.slice(0, 12)}</code> (${c.runs} runs${c.dirty ? `, ${c.dirty} from a dirty checkout` : ''})`,
  );
  const page = html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>gen-bench report</title>
        <style>
          body {
            font-family: sans-serif;
            max-width: 1120px;
            margin: 1em auto;
            color: #222;
          }
          table {
            border-collapse: collapse;
            margin: 0.5em 0;
          }
          td,
          th {
            border: 1px solid #ccc;
            padding: 3px 6px;
            font-size: 13px;
            vertical-align: top;
          }
          figure {
            margin: 0.5em 0;
            overflow-x: auto;
          }
          figure svg {
            max-width: 100%;
            height: auto;
          }
          .overviews figure {
            margin: 0 0 1em 0;
          }
          .caption,
          .headline {
            font-size: 13px;
          }
          .headline li {
            margin: 0.2em 0;
          }
          tr.gen td {
            background: #fdf1f1;
          }
          li.loss {
            color: #a00;
          }
          li.win {
            color: #060;
          }
          code {
            background: #f4f4f4;
            padding: 0 3px;
          }
        </style>
      </head>
      <body>
        <h1>gen-bench report</h1>
        <p>
          ${runs.length} runs from <code>${src.results}</code> (${src.duplicates} duplicate records dropped: same task,
          optimizer, configuration, seed, steps, phase and mode; the last one kept); backend ${backend};
          ${Object.entries(versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')};
          generated ${src.generatedAt}. Code:
          ${commits.length ? commits.map((c, i) => html`${i ? ', ' : ''}${c}`) : 'no commit recorded'}${provenance.unknown ? `; ${provenance.unknown} runs recorded without a commit` : ''}.${src.regenerate ? html` Regenerate with <code>${src.regenerate}</code>.` : null}
        </p>
        <p>
          Metric values are on the test split; the grid's best configuration is chosen on the validation split with seed
          0 (DeepOBS protocol).
        </p>
        <h2>Headline (deciding tasks only)</h2>
        <ul class="headline">
          ${headlineLines(s).map((l) => html`<li>${l}</li>`)}
        </ul>
        <div class="overviews">${tasks.map((t) => figure(figures.get(t.task)?.overview, 'overview'))}</div>
        <p class="caption">
          Per task and base: GeN with its defaults, the best and the median configuration of the tuned grid, and the
          best peer (final test metric; dot = mean over seeds, bar = ± 1 sd, ticks = seeds; green band = within target
          of the best). Each title says whether the task decides the verdict and what one test example is worth.
        </p>
        <p><b>Target</b>: ${TARGET_RULE}</p>
        <p><b>Deciding tasks</b>: ${DECIDING_RULE}</p>
        <p><b>Diverged runs</b>: ${DIVERGED_RULE}</p>
        <h2>Verdict</h2>
        ${verdictTable(s)}
        <h2>Against the learning-rate-free peers</h2>
        <p>${PEER_RULE}</p>
        ${peerTable(s)}
        <h2>Which tasks decide</h2>
        ${decidingTable(s)}
        <h2>Final metric per task</h2>
        <table>
          <tr>
            <th>task</th>
            <th>metric</th>
            <th>mean ± sd over seeds</th>
          </tr>
          ${headline}
        </table>
        <h2>Cost of tuning</h2>
        <p>Wall time of GeN's single run against the total wall time of the grid it is compared with.</p>
        <table>
          ${costRows}
        </table>
        <h2>GeN's overhead per step</h2>
        <p>
          ms per step at refit period Φ: ((Φ − 1)·median plain step + median refit step)/Φ, all variants interleaved in
          one process; bound 1 + kF/(every·(F+B)) with k the probe forwards per refit (same batch: 1 with the default
          slope since 1.3, 2 before; another batch: 3).
        </p>
        <table>
          <tr>
            <th>task</th>
            <th>every</th>
            <th>probes</th>
            <th>F (ms)</th>
            <th>F+B (ms)</th>
            <th>GeN step without refit (ms)</th>
            <th>GeN refit step (ms)</th>
            <th>GeN ms/step</th>
            <th>ratio to AdamW</th>
            <th>bound</th>
          </tr>
          ${ohRows}
        </table>
        ${tasks.map((t) => taskSection(t, figures.get(t.task)))}
      </body>
    </html>`;
  return page.text;
}
