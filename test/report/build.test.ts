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

test("summary.md's image links are relative to it and every one names a PNG that exists", async () => {
  const root = mkdtempSync(join(tmpdir(), 'gen-report-png-'));
  try {
    const r = await buildReport({
      from: fixture,
      mode: 'full',
      dir: null,
      publish: false,
      png: true,
      log: quiet,
      root,
    });
    const md = readFileSync(join(r.dir, 'summary.md'), 'utf8');
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length >= 3, `one overview per task at least, got ${links.length}`);
    assert.ok(links.some((l) => l === 'png/overview-toy-acc.png'));
    for (const l of links) {
      assert.ok(existsSync(join(r.dir, l)), `${l} exists next to summary.md`);
      assert.deepEqual([...readFileSync(join(r.dir, l)).subarray(1, 4)], [0x50, 0x4e, 0x47], `${l} is a PNG`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the headline counts deciding tasks only, and names the others apart', async () => {
  const lines: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'gen-report-headline-'));
  try {
    await buildReport({
      from: fixture,
      mode: 'full',
      dir: null,
      publish: false,
      png: false,
      log: (s) => void lines.push(s),
      root,
    });
    // test/report/analyze.test.ts works these out: toy-acc decides and is lost; toy-rmse and toy-one do not count
    assert.ok(
      lines.includes(
        'report: GeN-AdamW with its defaults: within target on 0 of 1 deciding tasks: toy-acc ✗ (1 example = 0.50 pts); not counted (tuning does not matter there, or undecided): toy-rmse, toy-one\n',
      ),
      lines.join(''),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
