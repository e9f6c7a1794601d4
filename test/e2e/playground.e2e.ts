// End-to-end test of the playground in a real browser: builds playground/ with Vite, serves
// playground/dist on 127.0.0.1, drives Debian's chromium through playwright-core, trains, checks
// what the page drew, and saves docs/playground.png.
//
//   npx tsx test/e2e/playground.e2e.ts [--no-build] [--dev] [--steps N] [--base sgdm|adamw] [--report on|off] [--keep-screenshot]
//
// --no-build serves the existing playground/dist; --dev tests the Vite dev server instead of the build.
// --base runs the main session (GeN, the fixed-lr base and Prodigy) over that base; the screenshot is saved for the
// page's default base (sgdm) only, unless --keep-screenshot. --report off runs the main session without reporting the
// validation loss to GeN (the page reports it by default); no screenshot then either, unless --keep-screenshot.
//
// Prints one line per check and a final "N passed, N failed"; exits non-zero on any failure.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_FLAGS, serve } from '../../scripts/static-server.mjs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, createServer as createViteServer, type ViteDevServer } from 'vite';
import type { PlaygroundApi, PlaygroundSummary } from '../../playground/src/api.js';

const { values } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    dev: { type: 'boolean', default: false },
    // The page's own default length (playground/index.html), so the screenshot is the session a user gets.
    steps: { type: 'string', default: '600' },
    base: { type: 'string', default: 'sgdm' },
    report: { type: 'string', default: 'on' },
    'keep-screenshot': { type: 'boolean', default: false },
  },
});
const STEPS = Number(values.steps);
const BASE = values.base;
if (BASE !== 'sgdm' && BASE !== 'adamw') throw new Error(`--base must be sgdm or adamw; got ${BASE}`);
const REPORT = values.report;
if (REPORT !== 'on' && REPORT !== 'off') throw new Error(`--report must be on or off; got ${REPORT}`);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const playground = join(repo, 'playground');
const dist = join(playground, 'dist');
const screenshot = join(repo, 'docs', 'playground.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}\n`);
}

const summaryOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { genPlayground: PlaygroundApi }).genPlayground.summary());

async function waitFor(
  page: Page,
  what: (s: PlaygroundSummary) => boolean,
  timeoutMs: number,
): Promise<PlaygroundSummary> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const s = await summaryOf(page);
    if (what(s) || s.state === 'error' || performance.now() > end) return s;
    await page.waitForTimeout(250);
  }
}

async function main(): Promise<void> {
  let server: Server | null = null;
  let dev: ViteDevServer | null = null;
  let origin: string;
  if (values.dev) {
    dev = await createViteServer({
      root: playground,
      configFile: join(playground, 'vite.config.ts'),
      logLevel: 'warn',
      server: { port: 0, strictPort: false },
    });
    await dev.listen();
    origin = (dev.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
    process.stdout.write(`vite dev server at ${origin} (${elapsed()})\n`);
  } else {
    if (!values['no-build']) {
      await build({ root: playground, configFile: join(playground, 'vite.config.ts'), logLevel: 'warn' });
      process.stdout.write(`built playground/dist (${elapsed()})\n`);
    }
    server = await serve(resolve(dist));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const profile = mkdtempSync(join(tmpdir(), 'gen-playground-chromium-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1360, height: 760 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    const offline: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) offline.push(r.url());
    });

    await page.goto(`${origin}/?steps=${STEPS}&peer=prodigy&base=${BASE}&report=${REPORT}`);
    let s = await waitFor(page, (x) => x.state !== 'loading', 30000);
    check(
      'page loads and picks a backend',
      s.state === 'idle' && s.backend !== '',
      `state ${s.state}, backend '${s.backend}', relaxed SIMD ${s.relaxedSimd} (${elapsed()})`,
    );

    // Start, then Pause while training: Pause must take effect promptly. A whole run can take under a
    // second on a fast machine, less than Playwright's click takes while frames are busy (CI once saw the
    // run end before its Pause click landed), so the page clicks its own button: Start, then Pause the
    // moment step 20 is reached (between two slices of training), timing how long the loop takes to stop.
    // Resume below is a real click, on an idle page. (A string, not a function: tsx would wrap a
    // function's inner named closures in a helper the page lacks.)
    const run = (await page.evaluate(`new Promise((done, fail) => {
      const api = window.genPlayground;
      const button = document.querySelector('#start');
      const started = performance.now();
      const late = () => performance.now() - started > 60000;
      function settle(running, t) {
        if (api.summary().state === 'paused') done({ running, pauseMs: performance.now() - t });
        else if (late()) fail(new Error('not paused after 60 s'));
        else setTimeout(() => settle(running, t), 5);
      }
      function wait() {
        const x = api.summary();
        if (x.state === 'loading' || x.state === 'idle') return late() ? fail(new Error('not started after 60 s')) : void setTimeout(wait, 5);
        if (x.state !== 'running') return fail(new Error('state ' + x.state + ' at step ' + x.step + ' before the pause'));
        if (x.step < 20) return void setTimeout(wait, 0);
        const t = performance.now();
        button.click();
        settle(x, t);
      }
      button.click();
      wait();
    })`)) as { running: PlaygroundSummary; pauseMs: number };
    check(
      'training starts from the Start button',
      run.running.state === 'running' && run.running.step >= 20,
      `state ${run.running.state}, step ${run.running.step}`,
    );
    s = await summaryOf(page);
    const pausedAt = s.step;
    const tensorsAtPause = s.numTensors;
    await page.waitForTimeout(400);
    const still = (await summaryOf(page)).step;
    check(
      'pause is honoured while training',
      s.state === 'paused' && still === pausedAt && run.pauseMs < 3000,
      `clicked at step ${run.running.step}, paused at step ${pausedAt} in ${run.pauseMs.toFixed(0)} ms`,
    );
    await page.click('#start');

    s = await waitFor(page, (x) => x.state === 'done', 150000);
    check(
      `trains ${STEPS} steps`,
      s.state === 'done' && s.step === STEPS,
      `state ${s.state}, step ${s.step}, ${elapsed()}`,
    );
    // GeN keeps the previous direction (one tensor per variable) only before a refit step: allow that much.
    check(
      'no tensor leak between steps',
      Math.abs(s.numTensors - tensorsAtPause) <= 8,
      `${tensorsAtPause} tensors at step ${pausedAt}, ${s.numTensors} at step ${s.step}`,
    );
    for (const r of s.runs)
      process.stdout.write(
        `     ${r.label}: loss ${r.lossFirst.toFixed(3)} → ${r.lossLast.toFixed(3)}, val acc ${(100 * r.accuracy).toFixed(1)}%, lr ${r.lr.toExponential(2)}, refits ${r.refits} (accepted ${r.accepted})\n`,
      );
    process.stdout.write(`     GeN refit reasons: ${JSON.stringify(s.reasons)}\n`);
    process.stdout.write(
      `     validation losses reported to GeN: ${s.reports}, its step factor open after ${s.stepFactorOpenReports}\n`,
    );
    // One report every 10 steps but the last (a report after the last step could not change the run).
    const expectedReports = REPORT === 'on' ? Math.ceil(STEPS / 10) - 1 : 0;
    check(
      `GeN received ${expectedReports} validation reports`,
      s.reports === expectedReports,
      `${s.reports} reports, the step factor open after ${s.stepFactorOpenReports}`,
    );

    const gen = s.runs.find((r) => r.id === 'gen');
    check(
      'GeN: the loss went down',
      gen !== undefined && gen.lossLast < 0.7 * gen.lossFirst,
      gen ? `${gen.lossFirst.toFixed(3)} → ${gen.lossLast.toFixed(3)}` : 'no GeN run',
    );
    check(
      'GeN: refits happened and some were accepted',
      gen !== undefined && gen.refits > 0 && gen.accepted > 0,
      gen ? `${gen.refits} refits, ${gen.accepted} accepted` : '',
    );
    check(
      'GeN: validation accuracy above chance',
      gen !== undefined && gen.accuracy > 0.5,
      gen ? `${(100 * gen.accuracy).toFixed(1)}%` : '',
    );

    const attr = async (selector: string, name: string) =>
      (await page.locator(selector).first().getAttribute(name)) ?? '';
    const drawn = {
      lrPoints: Number(await attr('#chart-lr', 'data-points')),
      lrGen: (await attr('#chart-lr path[data-series="gen"]', 'd')).length,
      lrFixed: (await attr('#chart-lr path[data-series="fixed"]', 'd')).length,
      lossGen: (await attr('#chart-loss path[data-series="gen"]', 'd')).length,
      accPoints: Number(await attr('#chart-acc', 'data-points')),
      parabolaDrawn: await attr('#chart-parabola', 'data-drawn'),
      parabolaPath: (await attr('#parabola-curve', 'd')).length,
      probes: await page.locator('#chart-parabola circle.probe').count(),
      probesExpected: Number(await attr('#chart-parabola', 'data-probes')),
      chosen: await page.locator('#chart-parabola line.chosen').count(),
    };
    check(
      'learning-rate chart is drawn',
      drawn.lrPoints >= STEPS && drawn.lrGen > 20 && drawn.lrFixed > 20,
      JSON.stringify({ points: drawn.lrPoints, gen: drawn.lrGen, fixed: drawn.lrFixed }),
    );
    check(
      'loss and accuracy charts are drawn',
      drawn.lossGen > 20 && drawn.accPoints > 0,
      `loss path ${drawn.lossGen} chars, ${drawn.accPoints} accuracy points`,
    );
    check(
      'parabola of the last refit is drawn with its probes and the chosen step',
      drawn.parabolaDrawn === 'true' &&
        drawn.parabolaPath > 20 &&
        // The last refit's points: L₀ and one probe after calibration (slope 'alternating'), three while calibrating.
        drawn.probes >= 2 &&
        drawn.probes === drawn.probesExpected &&
        drawn.chosen === 1,
      JSON.stringify(drawn),
    );

    if ((failed === 0 && BASE === 'sgdm' && REPORT === 'on') || values['keep-screenshot']) {
      await page.screenshot({ path: screenshot, fullPage: true });
      process.stdout.write(`     screenshot: ${screenshot}\n`);
    }

    await page.click('#reset');
    s = await waitFor(page, (x) => x.state === 'idle', 5000);
    check(
      'reset returns to an idle page',
      s.state === 'idle' && s.step === 0 && s.runs.length === 0,
      `state ${s.state}, step ${s.step}`,
    );

    // The other model, base and peer, started from the query string.
    // Software WebGL in headless Chromium: 40 CNN steps of three runs took 60–115 s on 2 busy cores.
    await page.goto(`${origin}/?model=cnn&base=adamw&fixedLr=0.001&peer=dog&steps=40&autostart=1`);
    s = await waitFor(page, (x) => x.state === 'done', 180000);
    const cnn = s.runs.find((r) => r.id === 'gen');
    check(
      'CNN with GeN over AdamW (and DoG) trains',
      s.state === 'done' && s.runs.length === 3 && cnn !== undefined && cnn.lossLast < cnn.lossFirst,
      `state ${s.state}, ${s.model} on ${s.backend}: ${s.runs.map((r) => `${r.label} ${r.lossFirst.toFixed(3)} → ${r.lossLast.toFixed(3)}`).join('; ')} (${elapsed()})`,
    );

    // The wasm backend loads its .wasm binaries from the built page (no CDN).
    await page.goto(`${origin}/?backend=wasm&steps=30&autostart=1`);
    s = await waitFor(page, (x) => x.state === 'done', 60000);
    const wasm = s.runs.find((r) => r.id === 'gen');
    check(
      'wasm backend loads from the page and trains',
      s.backend === 'wasm' && s.state === 'done' && wasm !== undefined && wasm.lossLast < wasm.lossFirst,
      `backend ${s.backend}, state ${s.state}${wasm ? `, GeN loss ${wasm.lossFirst.toFixed(3)} → ${wasm.lossLast.toFixed(3)}` : ''} (${elapsed()})`,
    );

    // Stock wasm has no Conv2DBackpropFilter kernel; the library's setupBackend adds it, so a CNN trains on wasm
    // (30 steps: the summary compares the mean loss of the first and the last 10).
    await page.goto(`${origin}/?backend=wasm&model=cnn&base=adamw&fixedLr=0.001&steps=30&autostart=1`);
    s = await waitFor(page, (x) => x.state === 'done', 60000);
    const note = (await page.locator('#note').textContent()) ?? '';
    const wasmCnn = s.runs.find((r) => r.id === 'gen');
    check(
      "a CNN trains on wasm with the library's kernels (setupBackend), no fallback",
      s.state === 'done' &&
        s.backend === 'wasm' &&
        note === '' &&
        wasmCnn !== undefined &&
        wasmCnn.lossLast < wasmCnn.lossFirst,
      `backend ${s.backend}, state ${s.state}, note '${note}'${wasmCnn ? `, GeN loss ${wasmCnn.lossFirst.toFixed(3)} → ${wasmCnn.lossLast.toFixed(3)}` : ''} (${elapsed()})`,
    );

    // An invalid GeN option is reported on the page with GeN's own message, and nothing starts.
    await page.goto(`${origin}/?every=0`);
    await waitFor(page, (x) => x.state === 'idle', 30000);
    await page.click('#start');
    await page.waitForTimeout(300);
    const message = (await page.locator('#error').textContent()) ?? '';
    s = await summaryOf(page);
    check(
      'an invalid GeN option is reported, nothing starts',
      s.state === 'idle' && s.runs.length === 0 && message.includes('every'),
      `state ${s.state}, message '${message}'`,
    );

    check('no console errors', consoleErrors.length === 0, consoleErrors.slice(0, 5).join(' | '));
    check('no request left 127.0.0.1', offline.length === 0, offline.slice(0, 5).join(' '));
  } finally {
    await context?.close();
    server?.close();
    await dev?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  check('e2e run completed', false, e instanceof Error ? (e.stack ?? e.message) : String(e));
}
process.stdout.write(`playground e2e: ${elapsed()}\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
