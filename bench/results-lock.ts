// One writer per results file. Two suites appending to the same file would interleave their runs and
// each resume from a stale view of the other's, so a writer first creates `<results>.lock` holding
// its pid by a hard link (atomic: of two processes racing, exactly one creates it). A lock
// whose pid no longer runs (a writer killed before it could remove it) is taken over, with a message.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The lock file of a results file. */
export const lockPathOf = (results: string) => `${results}.lock`;

/** Thrown when another live process holds the lock. */
export class ResultsLockedError extends Error {
  constructor(
    readonly results: string,
    readonly pid: number,
  ) {
    super(
      `results file ${results} is being written by process ${pid} (lock ${lockPathOf(results)}); ` +
        `wait for it to finish or pass another --out. If no such process is writing, delete the lock file.`,
    );
    this.name = 'ResultsLockedError';
  }
}

/** Locks this process holds, by absolute results path. */
const held = new Set<string>();
let releaseOnExit = false;

/** Whether a process with this pid runs (EPERM: it runs under another user). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the lock holding this pid, atomically: the pid is written to a file of its own first and
 * hard-linked into place (link fails if the lock exists), so a lock is never seen empty. With
 * open('wx') then write, a second writer could read the new lock before the pid was in it, take
 * it for stale, remove it and take its own: two writers, every record twice.
 */
function tryCreate(lock: string): boolean {
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    linkSync(mine, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(mine, { force: true });
  }
}

function ownerOf(lock: string): number {
  try {
    return Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
  } catch {
    return NaN;
  }
}

/**
 * Makes this process the only writer of `results` until it exits (or {@link releaseResultsLock}).
 * Re-entrant within a process. `log` gets the message when a stale lock is taken over.
 * @throws {ResultsLockedError} when another live process holds the lock.
 */
export function acquireResultsLock(results: string, log: (s: string) => void = () => undefined): void {
  const abs = resolve(results);
  if (held.has(abs)) return;
  const lock = lockPathOf(abs);
  mkdirSync(dirname(abs), { recursive: true });
  // Two attempts: the second follows the removal of a stale lock (if another process removed it and
  // created its own in between, that one wins and this one is refused).
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(lock)) {
      held.add(abs);
      if (!releaseOnExit) {
        releaseOnExit = true;
        process.on('exit', () => {
          for (const r of [...held]) releaseResultsLock(r);
        });
      }
      return;
    }
    const pid = ownerOf(lock);
    if (pid !== process.pid && alive(pid)) throw new ResultsLockedError(results, pid);
    log(
      `results lock ${lock}: ${Number.isNaN(pid) ? 'unreadable' : `process ${pid} is not running`}; taking it over\n`,
    );
    rmSync(lock, { force: true });
  }
  throw new ResultsLockedError(results, ownerOf(lock));
}

/** Removes the lock of `results` if this process holds it. */
export function releaseResultsLock(results: string): void {
  const abs = resolve(results);
  if (!held.delete(abs)) return;
  const lock = lockPathOf(abs);
  if (ownerOf(lock) === process.pid) rmSync(lock, { force: true });
}
