// Builds the package into dist/:
//  - the library, src/ → dist/ (tsc, tsconfig.build.json), as ES modules only. CommonJS users
//    `require('gen-optim')` through Node's require(esm) (unflagged since Node 20.19, hence
//    engines.node), so both module systems load the same module instances: one GeN class, one
//    registration, one tfjs-core (whose CJS build both already share, as it has no "exports" map).
//    Its source maps point into src/, which the package ships.
//  - the benchmark CLI, cli/ + bench/ + report/ (+ the src/ they import) → dist/cli/ (esbuild), the
//    `gen-bench` bin: plain JavaScript, so no TypeScript compiler runs at start-up. Bundled with
//    code splitting: bin.js answers --help from the arguments module alone, and main.js (the
//    command runner, also what `run --jobs N` forks) loads the rest. Every package stays an import
//    (none is bundled). The chunks sit in dist/cli/, two folders below the package root like
//    bench/data/paths.ts below the repository, so `repoRoot()` finds package.json and the shipped
//    data fixtures from both. No source maps for the CLI (its sources are not shipped).
//
//   node scripts/build.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: { bin: 'cli/bin.ts', main: 'cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
// main.ts's own first line runs it through tsx from source; the built one is plain JavaScript.
for (const file of ['dist/cli/bin.js', 'dist/cli/main.js']) {
  const code = readFileSync(file, 'utf8').replace(/^#!.*\n/, '');
  writeFileSync(file, `#!/usr/bin/env node\n${code}`, { mode: 0o755 });
}
