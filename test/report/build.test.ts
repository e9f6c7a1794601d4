// The report's paths: working output under out/, `--publish` to docs/, and a published report
// rebuilt from the published (gzip-compressed) results gives the same summary.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildReport } from '../../report/build.js';

const fixture = fileURLToPath(new URL('./fixtures/gaps.jsonl', import.meta.url));
const quiet = () => undefined;

test('without --publish the report goes to out/report/<suite> and nothing under docs/ is written', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gen-report-build-'));
  try {
    const r = await buildReport({
      from: fixture,
      mode: 'quick',
      dir: null,
      publish: false,
      png: false,
      log: quiet,
      root,
    });
    // the fixture's runs are all mode 'full', which wins over the command line's default
    assert.equal(r.dir, join(root, 'out/report/full'));
    assert.ok(existsSync(join(root, 'out/report/full/index.html')));
    assert.ok(existsSync(join(root, 'out/report/full/summary.md')));
    assert.equal(existsSync(join(root, 'docs')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--publish writes the results gzip-compressed and the report under docs/; --from rebuilds the same summary', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gen-report-publish-'));
  try {
    const first = await buildReport({
      from: fixture,
      mode: 'full',
      dir: null,
      publish: true,
      png: false,
      log: quiet,
      root,
    });
    assert.equal(first.results, 'docs/results/full.jsonl.gz');
    const gz = join(root, first.results);
    assert.deepEqual(gunzipSync(readFileSync(gz)), readFileSync(fixture));
    const summary = join(root, 'docs/report/full/summary.md');
    const before = readFileSync(summary, 'utf8');
    assert.match(before, /Regenerate with `npx tsx cli\/main.ts report --from docs\/results\/full.jsonl.gz --publish`/);
    assert.match(before, /1 duplicate records dropped/);
    const gzBytes = readFileSync(gz);
    await buildReport({ from: gz, mode: 'quick', dir: null, publish: true, png: false, log: quiet, root });
    assert.deepEqual(readFileSync(gz), gzBytes, 'the published results are left as they are');
    assert.equal(readFileSync(summary, 'utf8'), before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
