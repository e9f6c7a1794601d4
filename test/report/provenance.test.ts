// The commit and dirty flag recorded with every run: read from git once per process, null outside a
// checkout.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { benchGitState, memoGitState, readGitState, type GitRunner } from '../../bench/provenance.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test("the benchmark's checkout: HEAD and whether git status prints anything", () => {
  const state = benchGitState();
  assert.equal(state.commit, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim());
  const porcelain = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  assert.equal(state.dirty, porcelain.trim().length > 0);
});

test('outside a git checkout both are null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-no-git-'));
  try {
    assert.deepEqual(readGitState(dir), { commit: null, dirty: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('git is asked once, however many runs read the state', () => {
  const calls: string[] = [];
  const fake: GitRunner = (args) => {
    calls.push(args.join(' '));
    return args[0] === 'rev-parse' ? 'abc\n' : ' M file.ts\n';
  };
  const state = memoGitState('/anywhere', fake);
  for (let i = 0; i < 5; i++) assert.deepEqual(state(), { commit: 'abc', dirty: true });
  assert.deepEqual(calls, ['rev-parse HEAD', 'status --porcelain']);
});
