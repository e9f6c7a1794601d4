// Size budget of the library in a browser bundle, without TensorFlow.js: bundles src/index.ts for
// the browser (ESM, minified, every @tensorflow/* package external) with esbuild, prints the raw
// and gzip sizes, and fails when the gzip size of the whole entry exceeds the budget. Bundling for
// platform 'browser' also fails on any Node-only import (node:fs, …) reachable from src/index.ts.
//
//   node scripts/size-budget.mjs [--json]
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Budgets in bytes: minified and gzip-compressed, whole entry (src/index.ts, everything it exports). */
export const BUDGET = { minified: 50 * 1024, gzip: 16 * 1024 };

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

let entries;
try {
  entries = [
    await measure('src/index.ts (everything, with the peers)', { entryPoints: ['src/index.ts'] }),
    await measure('{ GeN, AdamW, SGDW } only (tree-shaken)', {
      stdin: {
        contents: "export { GeN, AdamW, SGDW } from './src/index.ts';",
        resolveDir: repo,
        sourcefile: 'gen-only.ts',
        loader: 'ts',
      },
    }),
  ];
} catch (e) {
  // esbuild lists each unresolvable import, e.g. a node: module on the browser path.
  process.stderr.write(
    `size-budget: the library does not bundle for the browser:\n${e.errors?.map((x) => `  ${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ''}`).join('\n') ?? e}\n`,
  );
  process.exit(1);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const problems = [];
const full = entries[0];
if (full.inputs.some((f) => f.startsWith('src/backend/')))
  problems.push('src/backend (Node-oriented) is reachable from src/index.ts');
const foreign = full.imports.filter((p) => !p.startsWith('@tensorflow/'));
if (foreign.length > 0) problems.push(`unexpected external imports: ${foreign.join(', ')}`);
if (full.minified > BUDGET.minified) problems.push(`minified ${full.minified} B > budget ${BUDGET.minified} B`);
if (full.gzip > BUDGET.gzip) problems.push(`gzip ${full.gzip} B > budget ${BUDGET.gzip} B`);

if (process.argv.includes('--json')) {
  process.stdout.write(
    `${JSON.stringify({ budget: BUDGET, entries: entries.map(({ inputs: _i, ...e }) => e), problems }, null, 2)}\n`,
  );
} else {
  for (const e of entries) {
    process.stdout.write(
      `${e.label}: ${e.minified} B minified (${kb(e.minified)}), ${e.gzip} B gzip (${kb(e.gzip)}); ${e.modules} modules; external: ${e.imports.join(', ')}\n`,
    );
  }
  process.stdout.write(
    `budget (whole entry): ${kb(BUDGET.minified)} minified, ${kb(BUDGET.gzip)} gzip; esbuild ${esbuild.version}, ESM, es2020, platform browser, @tensorflow/* external\n`,
  );
  process.stdout.write(
    problems.length === 0 ? 'size budget: ok\n' : `size budget: FAILED\n${problems.map((p) => `  ${p}\n`).join('')}`,
  );
}
process.exit(problems.length === 0 ? 0 : 1);
