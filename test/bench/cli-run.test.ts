// `gen-bench` as a user runs it (spawned with tsx on the tiny breast-cancer task): it runs exactly
// what was asked, a second call with nothing left rewrites nothing and measures nothing again,
// Ctrl-C keeps every finished run and prints how to resume, and errors are sentences, not stacks.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GEN_BENCH_DEBUG: '' },
  });
const records = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; optimizer?: string; phase?: string });

function withTmp(f: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-cli-'));
    try {
      await f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'run --optimizers runs those optimizers and nothing else (no robustness runs, no overhead)',
  withTmp((dir) => {
    const out = join(dir, 'r.jsonl');
    const base = ['run', '--tasks', 'breast-cancer-logreg', '--optimizers', 'gen-adamw,adamw-grid', '--steps', '5'];
    const r = cli([...base, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const recs = records(out);
    assert.deepEqual([...new Set(recs.map((x) => `${x.kind} ${x.optimizer} ${x.phase}`))].sort(), [
      'run adamw-grid tune',
      'run gen-adamw tune',
    ]);
    assert.equal(recs.length, 8, 'GeN-AdamW once and the 7 configurations of the quick AdamW grid');
    assert.equal(r.stderr.includes('\r'), false, 'stderr is not a terminal here: plain lines');
    assert.doesNotMatch(r.stderr, /overhead:/);
  }),
);

test(
  'the default suite run again with nothing left rewrites nothing and does not measure the overhead again',
  withTmp((dir) => {
    const out = join(dir, 'r.jsonl');
    const args = ['run', '--tasks', 'breast-cancer-logreg', '--steps', '3', '--no-robustness', '--out', out];
    const first = cli(args);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /overhead: breast-cancer-logreg/, 'the default suite measures the overhead once');
    const bytes = readFileSync(out);
    const second = cli(args);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /phase tune: 0 runs to do/);
    assert.match(second.stderr, /overhead not measured again/);
    assert.deepEqual(readFileSync(out), bytes, 'the results file is left as it was');
  }),
);

test(
  'Ctrl-C stops after the current run is written, says how to resume, and exits 130',
  withTmp(async (dir) => {
    const out = join(dir, 'r.jsonl');
    const args = ['run', '--tasks', 'breast-cancer-logreg', '--optimizers', 'adamw-grid,sgd-grid', '--steps', '150'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args, '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // wait for the first finished run, then interrupt
    const deadline = Date.now() + 60_000;
    while (!(existsSync(out) && readFileSync(out, 'utf8').includes('\n')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(
      stderr,
      new RegExp(`interrupted; every finished run is in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    assert.match(
      stderr,
      /Resume with: npx tsx cli\/main\.ts run --tasks breast-cancer-logreg --optimizers adamw-grid,sgd-grid/,
    );
    const text = readFileSync(out, 'utf8');
    assert.ok(text.endsWith('\n'), 'no half-written record');
    const n = records(out).length;
    assert.ok(n >= 1 && n < 14, `some of the 14 runs finished and were kept: ${n}`);
  }),
);

test('report without results names the missing file and the command that makes it, without a stack trace', () => {
  const r = cli(['report', '--out', 'out/definitely-not-here.jsonl']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no results file out\/definitely-not-here\.jsonl; 'gen-bench run' makes it/);
  assert.match(r.stderr, /--from docs\/results\/full\.jsonl\.gz/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('an unknown task or optimizer is refused with the list of valid names', () => {
  const t = cli(['run', '--tasks', 'mnist', '--out', 'out/never.jsonl']);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /option --tasks: unknown 'mnist'\. Allowed: mnist-mlp, fashion-cnn/);
  const o = cli(['run', '--optimizers', 'adam', '--out', 'out/never.jsonl']);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /option --optimizers: unknown 'adam'\. Allowed: gen-adamw, .*prodigy/);
  assert.doesNotMatch(t.stderr + o.stderr, /\n\s+at /);
});
