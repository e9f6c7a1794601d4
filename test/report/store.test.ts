// The results store: de-duplication on load, gzip-compressed copies, old records, and the lock that
// keeps a second writer off a results file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { appendResult, loadResults, readResults, type RunRecord } from '../../bench/results.js';
import { acquireResultsLock, lockPathOf, releaseResultsLock, ResultsLockedError } from '../../bench/results-lock.js';

const fixture = fileURLToPath(new URL('./fixtures/gaps.jsonl', import.meta.url));
const holder = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'gen-report-store-'));

const run = (over: Partial<RunRecord>): RunRecord =>
  ({
    ...(JSON.parse(readFileSync(fixture, 'utf8').split('\n')[0]) as RunRecord),
    ...over,
  }) as RunRecord;

test('records of the same task, optimizer, config, seed and mode are one run: the last is kept', () => {
  const dir = tmp();
  try {
    const p = join(dir, 'r.jsonl');
    const a = run({ seed: 0, value: 0.1 });
    const quick = run({ seed: 0, value: 0.2, mode: 'quick' });
    const other = run({ seed: 1, value: 0.3 });
    const again = run({ seed: 0, value: 0.4 });
    writeFileSync(p, [a, quick, other, again].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const { records, duplicates } = loadResults(p);
    assert.equal(duplicates, 1);
    assert.deepEqual(
      records.map((r) => (r as RunRecord).value),
      [0.2, 0.3, 0.4],
    );
    // the raw reader still sees every line (resume skips by key, duplicates or not)
    assert.equal(readResults(p).length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a gzip-compressed results file reads like the plain one', () => {
  const dir = tmp();
  try {
    const gz = join(dir, 'r.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture)));
    assert.deepEqual(loadResults(gz), loadResults(fixture));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('old records without commit, dirty, split or test size load, with those fields absent', () => {
  const dir = tmp();
  try {
    const p = join(dir, 'old.jsonl');
    const old = run({}) as unknown as Record<string, unknown>;
    for (const k of ['commit', 'dirty', 'taskSplit', 'testSize']) delete old[k];
    writeFileSync(p, JSON.stringify(old) + '\n');
    const [r] = loadResults(p).records as RunRecord[];
    assert.equal(r.commit, undefined);
    assert.equal(r.testSize, undefined);
    assert.equal(r.value, 0.61);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts the holder on `results` and resolves once it holds the lock. */
async function startHolder(results: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, results], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  while (!out.includes('locked')) await once(child.stdout, 'data');
  return child;
}

test('a second writer is refused while the first holds the lock, and may write once it is gone', async () => {
  const dir = tmp();
  const results = join(dir, 'r.jsonl');
  const child = await startHolder(results);
  try {
    assert.equal(readFileSync(lockPathOf(results), 'utf8').trim(), String(child.pid));
    assert.throws(
      () => appendResult(results, run({})),
      (e: Error) =>
        e instanceof ResultsLockedError &&
        e.message.includes(`written by process ${child.pid}`) &&
        e.message.includes(results),
    );
    assert.equal(existsSync(results), false, 'nothing was written');
  } finally {
    child.stdin.end();
    await once(child, 'exit');
  }
  assert.equal(existsSync(lockPathOf(results)), false, 'the holder removed its lock on exit');
  appendResult(results, run({}));
  assert.equal(readResults(results).length, 1);
  releaseResultsLock(results);
  rmSync(dir, { recursive: true, force: true });
});

test('while this process holds the lock, another process is refused with the holder named', () => {
  const dir = tmp();
  const results = join(dir, 'r.jsonl');
  try {
    acquireResultsLock(results);
    acquireResultsLock(results); // re-entrant within the process
    const r = spawnSync(process.execPath, ['--import', 'tsx', holder, results], { encoding: 'utf8', input: '' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, new RegExp(`being written by process ${process.pid}`));
  } finally {
    releaseResultsLock(results);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale lock (its pid no longer runs) is taken over, with a message', () => {
  const dir = tmp();
  const results = join(dir, 'r.jsonl');
  try {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    writeFileSync(lockPathOf(results), `${deadPid}\n`);
    const messages: string[] = [];
    acquireResultsLock(results, (s) => messages.push(s));
    assert.equal(messages.length, 1);
    assert.match(messages[0], new RegExp(`process ${deadPid} is not running; taking it over`));
    assert.equal(readFileSync(lockPathOf(results), 'utf8').trim(), String(process.pid));
    releaseResultsLock(results);
    assert.equal(existsSync(lockPathOf(results)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
