// `npm run screenshots`: regenerates the README's images from committed inputs.
// - docs/overview-<task>.png: the report's overview figure of each task, from the committed results
//   (docs/results/full.jsonl.gz), rendered in Node (Vega-Lite → SVG → resvg), no browser;
// - docs/playground.png: the playground after a run of the page's default length, 600 steps (GeN over
//   SGD-momentum, the same base at a fixed lr, Prodigy), built with Vite, served on 127.0.0.1 and shot in
//   headless Chromium.
//
//   node --import tsx scripts/screenshots.mjs [--no-playground] [--from FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_FLAGS, serve } from './static-server.mjs';

const { values } = parseArgs({
  options: {
    'no-playground': { type: 'boolean', default: false },
    from: { type: 'string', default: 'docs/results/full.jsonl.gz' },
  },
});
const repo = fileURLToPath(new URL('..', import.meta.url));
const docs = join(repo, 'docs');

async function overviews() {
  const { loadResults } = await import('../bench/results.ts');
  const { summarise } = await import('../report/analyze.ts');
  const { overviewSpec } = await import('../report/figures.ts');
  const { slug } = await import('../report/html.ts');
  const { renderSvg, svgToPng } = await import('../report/vega.ts');
  const { records } = loadResults(join(repo, values.from));
  if (records.length === 0) throw new Error(`screenshots: no records in ${values.from}`);
  for (const t of summarise(records).tasks) {
    const path = join(docs, `overview-${slug(t.task)}.png`);
    writeFileSync(path, svgToPng(await renderSvg(overviewSpec(t)), 1.5));
    process.stdout.write(`screenshots: ${path}\n`);
  }
}

async function playground() {
  const { build } = await import('vite');
  const { chromium } = await import('playwright-core');
  const dir = join(repo, 'playground');
  await build({ root: dir, configFile: join(dir, 'vite.config.ts'), logLevel: 'warn' });
  const server = await serve(resolve(dir, 'dist'));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(join(tmpdir(), 'gen-screenshots-chromium-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1360, height: 760 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${origin}/?peer=prodigy&autostart=1`);
    const end = Date.now() + 180_000;
    let state = '';
    while (Date.now() < end) {
      state = await page.evaluate(() => globalThis.genPlayground.summary().state);
      if (state === 'done' || state === 'error') break;
      await page.waitForTimeout(250);
    }
    if (state !== 'done') throw new Error(`screenshots: the playground ended in state '${state}'`);
    const path = join(docs, 'playground.png');
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`screenshots: ${path}\n`);
  } finally {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await overviews();
if (!values['no-playground']) await playground();
