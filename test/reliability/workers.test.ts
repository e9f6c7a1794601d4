// Benchmark workers die with their parent: after `kill -9` of the parent of two workers that are
// busy computing, both exit promptly (well before they would have finished), without an EPIPE
// crash or a dump of source text in the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const parentScript = fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url));
/** Whether the process runs (a zombie, exited but not yet reaped by its new parent, does not count). */
const alive = (pid: number) => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('after kill -9 of the parent, both busy workers exit within 5 s, quietly', async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', parentScript], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  parent.stdout.on('data', (d) => (out += d));
  parent.stderr.on('data', (d) => (err += d));
  const t1 = Date.now();
  while (!out.includes('\n') && Date.now() - t1 < 60_000) await sleep(50);
  assert.ok(out.includes('\n'), `the workers started (${err})`);
  const pids = JSON.parse(out.split('\n')[0]) as number[];
  await sleep(500);
  assert.ok(pids.every(alive), 'both workers run before the parent is killed');
  parent.kill('SIGKILL');
  const t0 = Date.now();
  while (pids.some(alive) && Date.now() - t0 < 5000) await sleep(50);
  const left = pids.filter(alive);
  for (const pid of left) process.kill(pid, 'SIGKILL'); // leave nothing behind, pass or fail
  assert.deepEqual(left, [], `workers still alive ${Date.now() - t0} ms after the parent died`);
  await sleep(200);
  assert.doesNotMatch(err, /EPIPE|ERR_IPC|Error/, 'no crash in the log');
  assert.ok(
    err.split('\n').every((l) => l.length < 500),
    'no long line (minified source) in the log',
  );
});
