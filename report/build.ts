// `gen-bench report`: reads a results file (plain or gzip-compressed JSON lines) and writes a
// self-contained HTML report, a Markdown summary for the README, and PNGs of its figures (Vega-Lite
// rendered in Node, rasterised with resvg: no browser). With `publish`, the results go gzip-compressed to
// docs/results/ and the report to docs/report/, so the committed report can be rebuilt from
// committed data (`report --from docs/results/<suite>.jsonl.gz --publish`).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadResults } from '../bench/results.js';
import { summarise, type Summary } from './analyze.js';
import { renderPage } from './html-report.js';
import { markdownSummary } from './markdown.js';
import { localReportDir, publishedReportDir, publishedResults, suiteOf, type Suite } from './paths.js';
import { ReportInputError } from './errors.js';
import { headlineLines } from './headline.js';
import { renderFigures, writePngs } from './render.js';

export interface BuildOptions {
  /** The results file to read (`.jsonl`, or `.jsonl.gz`). */
  from: string;
  /** The suite named on the command line, used when the records do not agree on one. */
  mode: Suite;
  /** Report folder (default: out/report/<suite>, or docs/report/<suite> when publishing). */
  dir: string | null;
  publish: boolean;
  png: boolean;
  log: (s: string) => void;
  /** The folder the default and published paths are relative to (default: the working directory). */
  root?: string;
}

/** The `run … && report …` command that makes records like these (the seed count read back from them). */
function producedBy(s: Summary, suite: Suite, publish: boolean): string {
  const seeds = Math.max(
    1,
    ...s.tasks.flatMap((t) => t.entries.filter((e) => e.kind !== 'grid-median').map((e) => e.runs.length)),
  );
  const defaultSeeds = suite === 'full' ? 3 : 1;
  return `npx tsx cli/main.ts run --${suite}${seeds !== defaultSeeds ? ` --seeds ${seeds}` : ''} && npx tsx cli/main.ts report --${suite}${publish ? ' --publish' : ''}`;
}

/** Writes the gzip-compressed copy of `from` to `to`, unless `from` is that copy. */
function publishResults(from: string, to: string): void {
  if (resolve(from) === resolve(to)) return;
  const bytes = readFileSync(from);
  mkdirSync(dirname(to), { recursive: true });
  // gzip's header time is left at 0 by zlib, so the same results give the same bytes.
  writeFileSync(to, from.endsWith('.gz') ? bytes : gzipSync(bytes, { level: 9 }));
}

export async function buildReport(o: BuildOptions): Promise<{ dir: string; results: string }> {
  const make = `'gen-bench run${o.mode === 'full' ? ' --full' : ''}' makes it; or build from the committed results with 'gen-bench report --from ${publishedResults('full')}'`;
  if (!existsSync(o.from)) throw new ReportInputError(`report: no results file ${o.from}; ${make}`);
  const { records, duplicates } = loadResults(o.from);
  if (records.length === 0) throw new ReportInputError(`report: no records in ${o.from}; ${make}`);
  const root = o.root ?? '.';
  const suite = suiteOf(records, o.mode);
  const dir = o.dir ?? join(root, o.publish ? publishedReportDir(suite) : localReportDir(suite));
  let results = o.from;
  if (o.publish) {
    results = publishedResults(suite);
    publishResults(o.from, join(root, results));
    o.log(`report: results published to ${results}\n`);
  }
  const regenerate = o.publish ? `npx tsx cli/main.ts report --from ${results} --publish` : null;
  const s = summarise(records);
  mkdirSync(dir, { recursive: true });
  const figures = await renderFigures(s);
  const htmlPath = join(dir, 'index.html');
  writeFileSync(
    htmlPath,
    renderPage(s, { results, duplicates, generatedAt: new Date().toISOString(), regenerate }, figures),
  );
  o.log(`report: ${htmlPath}${duplicates ? ` (${duplicates} duplicate records dropped)` : ''}\n`);
  // The png folder holds this report's figures only: a figure renamed or a task gone leaves no stale file.
  if (o.png) rmSync(join(dir, 'png'), { recursive: true, force: true });
  const pngs = o.png ? writePngs(figures, join(dir, 'png')) : [];
  if (pngs.length) o.log(`report: ${pngs.length} PNGs in ${join(dir, 'png')}\n`);
  const md = markdownSummary(s, {
    results,
    duplicates,
    produced: producedBy(s, suite, o.publish),
    regenerate,
    // relative to summary.md, so the links work wherever the folder is viewed (GitHub, an editor)
    pngs: pngs.map((p) => relative(resolve(dir), resolve(p)).split('\\').join('/')),
    totalMs: s.runs.reduce((a, r) => a + r.wallMs, 0),
  });
  writeFileSync(join(dir, 'summary.md'), md);
  o.log(`report: ${join(dir, 'summary.md')}\n`);
  for (const line of headlineLines(s)) o.log(`report: ${line}\n`);
  return { dir, results };
}
