// Size budget of the library in a browser bundle, without TensorFlow.js: bundles each entry point's
// source for the browser (ESM, minified, every @tensorflow/* package external) with esbuild, prints
// the raw and gzip sizes, and fails when
//  - the root and the peers together (src/index.ts + src/peers/index.ts) exceed the budget;
//  - `{ GeN, AdamW }` imported through the package root bundles more than 10% larger than the same
//    names imported from their own source files (the root must tree-shake: "sideEffects": false);
//  - gen-optim, gen-optim/peers or gen-optim/core reach a Node-only import (node:fs, …; bundling for
//    platform 'browser' fails on them), src/backend, or any external package but @tensorflow/*;
//  - gen-optim/core imports anything at all (it is tensor-free);
//  - gen-optim/backend imports a node: module at the top level of a module. Its dynamic `import('node:…')`
//    calls inside Node-only branches are listed, not failed: a browser never runs them.
//  - the browser entry of gen-optim/backend (package.json exports["./backend"].browser, built from
//    src/backend/browser.ts) reaches any node: module at all, even a dynamic import: bundlers
//    (Vite) warn about those and a bundle must not contain them.
//
//   node scripts/size-budget.mjs [--json]
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Budgets in bytes: minified and gzip-compressed, gen-optim and gen-optim/peers together. */
// 0.3.0 raised it from 50 / 16 KiB: transactional steps, the spike detector, restored-state validation and
// dispose guards (issue 12) took the root + peers from 47.8 to 60.8 KiB minified (18.6 KiB gzip). The budget
// still catches what it is for: a bundled TensorFlow.js would be megabytes. 0.7 raised it to 68 / 21 KiB:
// GeN's iterate average (kept, saved, restored and validated) and the peers' eval/train interface took everything
// from 62.5 to 65.7 KiB minified and from 19.2 to 20.0 KiB gzip, 30 bytes under the old gzip budget.
// 0.9 raised it to 70 / 22 KiB for reportValidationLoss and validationDecay (0.8 measured 66.4 / 20.2 KiB).
// The fused ops (src/tfjs/fused-ops.ts: t + s·D and Σ g² as ops a backend may fuse) took everything from 71448 to
// 72368 B minified (21.1 → 21.4 KiB gzip), over 70 KiB: raised to 71 KiB minified, gzip unchanged.
// 1.3's `slope` option (the curvature-only fit `fitCurvature`, the alternating probes, the probeLoss rule) took it from
// 72702 to 74322 B minified (21.5 → 22.0 KiB gzip): raised to 73 / 22.5 KiB.
// 1.4's `insignificantCurvature` option and the gradient's slope in the loss's readback took it to 74805 B
// (22.2 KiB gzip), over 73 KiB: raised to 74 KiB minified, gzip unchanged.
export const BUDGET = { minified: 74 * 1024, gzip: 22.5 * 1024 };
/** How much larger `{ GeN, AdamW }` may bundle through the root than from its source files. */
export const ROOT_OVERHEAD = 0.1;

const repo = fileURLToPath(new URL('..', import.meta.url));
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('size-budget: esbuild not found (it comes with vite/tsx in node_modules); run npm ci\n');
  process.exit(2);
}

const common = {
  bundle: true,
  write: false,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  external: ['@tensorflow/*'],
  metafile: true,
  logLevel: 'silent',
  absWorkingDir: repo,
  legalComments: 'none',
};

const stdin = (contents) => ({ stdin: { contents, resolveDir: repo, sourcefile: 'entry.ts', loader: 'ts' } });

/** Marks node: modules external and records who imports them, how, and on which line. */
function nodeImports(found) {
  return {
    name: 'node-imports',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => {
        const file = args.importer.startsWith(repo) ? args.importer.slice(repo.length) : args.importer;
        const lines = readFileSync(args.importer, 'utf8').split('\n');
        const line = lines.findIndex((l) => l.includes(`'${args.path}'`) || l.includes(`"${args.path}"`)) + 1;
        found.push({ module: args.path, file, line, kind: args.kind });
        return { path: args.path, external: true };
      });
    },
  };
}

async function measure(label, options) {
  const result = await esbuild.build({ ...common, ...options });
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs);
  const imports = [
    ...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))),
  ].sort();
  return {
    label,
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    modules: inputs.length,
    inputs,
    imports,
  };
}

const backendNodeImports = [];
const browserNodeImports = [];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const BROWSER_ENTRY = { dist: './dist/backend/browser.js', src: 'src/backend/browser.ts' };
let root, peers, core, together, viaRoot, direct, backend, browserBackend;
try {
  root = await measure('gen-optim (src/index.ts)', { entryPoints: ['src/index.ts'] });
  peers = await measure('gen-optim/peers (src/peers/index.ts)', { entryPoints: ['src/peers/index.ts'] });
  core = await measure('gen-optim/core (src/core/index.ts)', { entryPoints: ['src/core/index.ts'] });
  together = await measure(
    'gen-optim + gen-optim/peers (everything)',
    stdin("export * from './src/index.ts';\nexport * from './src/peers/index.ts';"),
  );
  viaRoot = await measure('{ GeN, AdamW } through the root', stdin("export { GeN, AdamW } from './src/index.ts';"));
  direct = await measure(
    '{ GeN, AdamW } from their source files',
    stdin("export { GeN } from './src/tfjs/gen.ts';\nexport { AdamW } from './src/tfjs/adamw.ts';"),
  );
  backend = await measure('gen-optim/backend (src/backend/index.ts), node: external', {
    entryPoints: ['src/backend/index.ts'],
    plugins: [nodeImports(backendNodeImports)],
  });
  browserBackend = await measure('gen-optim/backend, browser entry (src/backend/browser.ts)', {
    entryPoints: [BROWSER_ENTRY.src],
    plugins: [nodeImports(browserNodeImports)],
  });
} catch (e) {
  // esbuild lists each unresolvable import, e.g. a node: module on the browser path.
  process.stderr.write(
    `size-budget: the library does not bundle for the browser:\n${e.errors?.map((x) => `  ${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ''}`).join('\n') ?? e}\n`,
  );
  process.exit(1);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const problems = [];
for (const e of [root, peers, core, together, viaRoot, direct]) {
  if (e.inputs.some((f) => f.startsWith('src/backend/')))
    problems.push(`${e.label}: reaches src/backend (Node-oriented)`);
  const foreign = e.imports.filter((p) => !p.startsWith('@tensorflow/'));
  if (foreign.length > 0) problems.push(`${e.label}: unexpected external imports: ${foreign.join(', ')}`);
}
if (core.imports.length > 0)
  problems.push(`${core.label}: imports ${core.imports.join(', ')}; the core is tensor-free`);
if (together.minified > BUDGET.minified)
  problems.push(`${together.label}: minified ${together.minified} B > budget ${BUDGET.minified} B`);
if (together.gzip > BUDGET.gzip) problems.push(`${together.label}: gzip ${together.gzip} B > budget ${BUDGET.gzip} B`);
const overhead = viaRoot.minified / direct.minified - 1;
if (overhead > ROOT_OVERHEAD)
  problems.push(
    `{ GeN, AdamW }: ${viaRoot.minified} B through the root vs ${direct.minified} B from source files (+${(100 * overhead).toFixed(1)}% > ${100 * ROOT_OVERHEAD}%): the root does not tree-shake`,
  );
const topLevel = backendNodeImports.filter((i) => i.kind !== 'dynamic-import');
for (const i of topLevel)
  problems.push(`gen-optim/backend: top-level import of ${i.module} at ${i.file}:${i.line} breaks the browser path`);
const nodeOnly = backendNodeImports.filter((i) => i.kind === 'dynamic-import');
for (const i of browserNodeImports)
  problems.push(
    `${browserBackend.label}: reaches ${i.module} (${i.kind}) at ${i.file}:${i.line}; a browser bundle must not`,
  );
const browserExport = pkg.exports?.['./backend']?.browser;
if (browserExport !== BROWSER_ENTRY.dist)
  problems.push(
    `package.json exports["./backend"].browser is ${JSON.stringify(browserExport)}, not ${BROWSER_ENTRY.dist} (the entry checked here)`,
  );

const entries = [root, peers, core, together, viaRoot, direct, backend, browserBackend];
if (process.argv.includes('--json')) {
  process.stdout.write(
    `${JSON.stringify(
      {
        budget: BUDGET,
        rootOverhead: { limit: ROOT_OVERHEAD, measured: overhead },
        entries: entries.map(({ inputs: _i, ...e }) => e),
        backendNodeImports,
        browserNodeImports,
        problems,
      },
      null,
      2,
    )}\n`,
  );
} else {
  for (const e of entries) {
    process.stdout.write(
      `${e.label}: ${e.minified} B minified (${kb(e.minified)}), ${e.gzip} B gzip (${kb(e.gzip)}); ${e.modules} modules; external: ${e.imports.join(', ') || 'none'}\n`,
    );
  }
  process.stdout.write(
    `{ GeN, AdamW } through the root: ${overhead >= 0 ? '+' : ''}${(100 * overhead).toFixed(1)}% minified vs from source files (limit +${100 * ROOT_OVERHEAD}%)\n`,
  );
  process.stdout.write(
    `gen-optim/backend, node: imports on Node-only paths (dynamic, not run in a browser): ${nodeOnly.map((i) => `${i.module} (${i.file}:${i.line})`).join(', ') || 'none'}\n`,
  );
  process.stdout.write(
    `gen-optim/backend, browser entry (exports["./backend"].browser = ${browserExport}): node: imports ${browserNodeImports.map((i) => `${i.module} (${i.file}:${i.line})`).join(', ') || 'none'}\n`,
  );
  process.stdout.write(
    `budget (gen-optim + gen-optim/peers): ${kb(BUDGET.minified)} minified, ${kb(BUDGET.gzip)} gzip; esbuild ${esbuild.version}, ESM, es2020, platform browser, @tensorflow/* external\n`,
  );
  process.stdout.write(
    problems.length === 0 ? 'size budget: ok\n' : `size budget: FAILED\n${problems.map((p) => `  ${p}\n`).join('')}`,
  );
}
process.exit(problems.length === 0 ? 0 : 1);
