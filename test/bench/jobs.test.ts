import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// The two tabular tasks: their data is committed, and 10 steps take milliseconds.
const args = (out: string) => [
  'run',
  '--quick',
  '--tasks',
  'breast-cancer-logreg,diabetes-mlp',
  '--optimizers',
  'gen-sgd,dog',
  '--steps',
  '10',
  '--jobs',
  '2',
  '--no-overhead',
  // with --optimizers the robustness runs are an extra, asked for here to check they go to the first task only
  '--robustness',
  '--out',
  out,
];

test('run --jobs 2 writes every run of both tasks once, and a second call resumes with nothing to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-bench-jobs-'));
  const out = join(dir, 'r.jsonl');
  try {
    cli(args(out));
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { key: string; task: string; phase: string });
    // quick: 2 optimizers × 2 tasks, plus the robustness runs (5 lrs × 2 bases) on the first task only
    assert.equal(records.length, 4 + 10);
    assert.equal(new Set(records.map((r) => r.key)).size, records.length);
    assert.deepEqual(
      [...new Set(records.filter((r) => r.phase === 'robustness').map((r) => r.task))],
      ['breast-cancer-logreg'],
    );
    cli(args(out));
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, lines.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
