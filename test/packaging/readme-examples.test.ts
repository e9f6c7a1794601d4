import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README quotes the files of examples/ verbatim: each quote is a fenced block right after a
// `<!-- example: <path> -->` marker, and must equal that file, so the two cannot drift apart.
const readme = readFileSync('README.md', 'utf8');
const quotes = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)].map((m) => ({
  path: m[1],
  code: m[2],
}));

test('every example quoted in the README is its file, byte for byte', () => {
  assert.ok(quotes.length >= 4, `found ${quotes.length} quoted examples`);
  for (const { path, code } of quotes) {
    assert.ok(existsSync(path), `${path} (quoted in the README) does not exist`);
    assert.equal(code, readFileSync(path, 'utf8'), `README's quote of ${path} differs from the file`);
  }
});

test('every example program is quoted in the README', () => {
  const programs = [
    ...readdirSync('examples').filter((f) => /\.(ts|cjs|mjs)$/.test(f)),
    ...readdirSync(join('examples', 'browser'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join('browser', f)),
  ].map((f) => join('examples', f));
  assert.deepEqual(
    programs.filter((p) => !quotes.some((q) => q.path === p)),
    [],
  );
});

test("the README's options table documents every GeN option, and only those", async () => {
  const { GEN_DEFAULTS } = await import('../../src/index.js');
  const section = readme.slice(readme.indexOf('\n## Options\n'), readme.indexOf('\n## How it works\n'));
  const documented = [...section.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((m) =>
    [...m[1].matchAll(/`(\w+)`/g)].map((n) => n[1]),
  );
  assert.deepEqual([...documented].sort(), Object.keys(GEN_DEFAULTS).sort());
});
