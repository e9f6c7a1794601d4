// The public surface of the package, one API Extractor report per entry point (etc/*.api.md),
// read from the built declarations in dist/ (run `npm run build` first).
//
//   node scripts/api-report.mjs           regenerates the committed reports
//   node scripts/api-report.mjs --check   fails, printing the diff, when the surface differs from them
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Entry points, as in package.json "exports", and the report file each gets. */
export const ENTRIES = [
  { subpath: '.', dts: 'dist/index.d.ts', report: 'gen-optim' },
  { subpath: './peers', dts: 'dist/peers/index.d.ts', report: 'gen-optim-peers' },
  { subpath: './core', dts: 'dist/core/index.d.ts', report: 'gen-optim-core' },
  { subpath: './backend', dts: 'dist/backend/index.d.ts', report: 'gen-optim-backend' },
];

const repo = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const configFile = `${repo}etc/api-extractor.json`;
const base = ExtractorConfig.loadFile(configFile);
const exportsMap = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')).exports;
const missing = Object.keys(exportsMap).filter((k) => k !== './package.json' && !ENTRIES.some((e) => e.subpath === k));
if (missing.length > 0) {
  process.stderr.write(`api-report: package.json exports ${missing.join(', ')} without a report entry here\n`);
  process.exit(1);
}

let failed = false;
for (const entry of ENTRIES) {
  if (!existsSync(`${repo}${entry.dts}`)) {
    process.stderr.write(`api-report: ${entry.dts} not found; run \`npm run build\` first\n`);
    process.exit(2);
  }
  const config = ExtractorConfig.prepare({
    configObject: {
      ...base,
      mainEntryPointFilePath: `<projectFolder>/${entry.dts}`,
      apiReport: { ...base.apiReport, reportFileName: entry.report },
    },
    configObjectFullPath: configFile,
    packageJsonFullPath: `${repo}package.json`,
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
  const committed = `etc/${entry.report}.api.md`;
  if (!result.succeeded && !result.apiReportChanged) {
    process.stderr.write(`api-report: API Extractor failed on ${entry.dts} (${result.errorCount} errors)\n`);
    failed = true;
  } else if (check && result.apiReportChanged) {
    const generated = `.cache/api-report/${entry.report}.api.md`;
    process.stderr.write(
      `api-report: the public surface of gen-optim${entry.subpath.slice(1)} differs from ${committed}` +
        ` (if intended, run \`npm run api\` and commit it):\n`,
    );
    const diff = spawnSync('git', ['diff', '--no-index', '--no-color', '--', committed, generated], {
      cwd: repo,
      encoding: 'utf8',
    });
    process.stderr.write(diff.stdout || `(no diff tool: compare ${committed} with ${generated})\n`);
    failed = true;
  } else {
    process.stdout.write(`api-report: ${committed} ${check ? 'matches' : 'written'}\n`);
  }
}
process.exit(failed ? 1 : 0);
