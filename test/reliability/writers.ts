// Two writers on one results file at the same time: how many records end up duplicated.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));

/** Starts two writers of the same `n` keys on one file, writing at the same time; returns the duplicated keys and the writers' exit codes. */
export async function twoWriters(n: number): Promise<{ records: number; duplicates: number; codes: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'gen-writers-'));
  const file = join(dir, 'results.jsonl');
  const startAt = Date.now() + 4000; // both started (tsx loaded) by then
  const run = () =>
    new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', writer, file, String(n), String(startAt)], {
        stdio: 'ignore',
      });
      c.on('exit', (code) => resolve(code ?? -1));
    });
  const codes = await Promise.all([run(), run()]);
  const keys = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { key: string }).key);
  rmSync(dir, { recursive: true, force: true });
  return { records: keys.length, duplicates: keys.length - new Set(keys).size, codes };
}
