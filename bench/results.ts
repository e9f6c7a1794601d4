// The results file: one JSON record per finished run, appended as soon as the run ends, so an
// interrupted suite loses nothing and resumes by skipping the keys already present. One process
// writes a file at a time (results-lock.ts). A published copy is gzip-compressed (`.jsonl.gz`).
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { acquireResultsLock } from './results-lock.js';

/** One finished run. */
export interface RunRecord {
  kind: 'run';
  key: string;
  task: string;
  optimizer: string;
  optimizerKind: 'gen' | 'grid' | 'peer';
  base: string;
  label: string;
  config: Record<string, unknown>;
  seed: number;
  /** `tune` (grid search, one seed), `seeds` (headline reruns), `robustness`. */
  phase: string;
  mode: 'quick' | 'full';
  steps: number;
  batchSize: number;
  metric: { name: string; higherIsBetter: boolean };
  versions: Record<string, string>;
  backend: string;
  startedAt: string;
  /** Every `logEvery` steps: step, mean training loss over the last block, lr applied, elapsed ms. */
  curve: { step: number[]; loss: number[]; lr: number[]; ms: number[] };
  /** Validation evaluations during the run. */
  evals: { step: number; ms: number; metrics: Record<string, number> }[];
  /**
   * The validation losses reported to GeN (`validationReports`): after which step, what it did, v after it, and
   * whether the step-factor gate was open after it (records from 1.0 on).
   */
  validationReports?: { step: number; loss: number; decayed: boolean; scale: number; factorOpen?: boolean }[];
  final: { val: Record<string, number>; test: Record<string, number> };
  /** The headline number: the task metric on the test split. */
  value: number;
  /**
   * The task metric on the test split at the trained weights, for optimizers that evaluate elsewhere (an
   * eval mode: Schedule-Free's x, GeN's iterate average); absent otherwise and in older records.
   */
  valueTrain?: number;
  wallMs: number;
  /** Time in optimizer steps alone (no evaluation, no batch building). */
  trainMs: number;
  /** Counts of GeN's `lastStep.reason` (GeN runs only). */
  reasons: Record<string, number> | null;
  diverged: boolean;
  /** `git rev-parse HEAD` of the benchmark's checkout; null outside a checkout; absent in older records. */
  commit?: string | null;
  /** Whether that checkout had uncommitted or untracked files; null outside a checkout; absent in older records. */
  dirty?: boolean | null;
  /** The task's split role, when its definition gives one (tuned on `development`, checked on `held-out`). */
  taskSplit?: 'development' | 'held-out';
  /** Examples in the task's test split, when its definition gives it. */
  testSize?: number;
}

/** The overhead measurement record. */
export interface OverheadRecord {
  kind: 'overhead';
  key: string;
  task: string;
  backend: string;
  versions: Record<string, string>;
  startedAt: string;
  /** Median ms: forward (F), base training step (F+B), GeN steps per `every`. */
  forwardMs: number;
  trainMs: number;
  /** ms: cost per step at this refit period, and the medians of GeN's steps without and with a refit. */
  gen: {
    every: number;
    probe: string;
    /** Probe forwards per refit that the bound counts (records before 1.3 lack it: 2 on the same batch, 3 on another). */
    forwards?: number;
    ms: number;
    plainMs?: number;
    refitMs: number;
    ratio: number;
    bound: number;
  }[];
  reps: number;
}

export type ResultRecord = RunRecord | OverheadRecord;

/** The resume key of a run. */
export function runKey(r: {
  task: string;
  optimizer: string;
  config: Record<string, unknown>;
  seed: number;
  steps: number;
  phase: string;
}): string {
  return `${r.task}|${r.optimizer}|${JSON.stringify(r.config)}|seed=${r.seed}|steps=${r.steps}|${r.phase}`;
}

/**
 * The identity of a record in the store: for a run, its task, optimizer, configuration, seed, step
 * budget, phase and mode, read from the record's fields (not its stored `key`); for an overhead
 * measurement, its key (which includes its start time).
 */
export function storeKey(r: ResultRecord): string {
  return r.kind === 'run' ? `${runKey(r)}|${r.mode}` : r.key;
}

/** The text of a results file, gunzipped when its name ends in `.gz`. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** All records of a results file, in file order (an absent file has none; a torn line is ignored). */
export function readResults(path: string): ResultRecord[] {
  if (!existsSync(path)) return [];
  const out: ResultRecord[] = [];
  for (const line of readText(path).split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ResultRecord);
    } catch {
      // a line torn by an interruption: that run is simply redone
    }
  }
  return out;
}

/**
 * The records of a results file with one record per {@link storeKey}: when a run was recorded more
 * than once (a file concatenated from two machines, a rerun appended by hand), the last one wins and
 * takes the last one's place in the order. `duplicates` counts the records dropped.
 */
export function loadResults(path: string): { records: ResultRecord[]; duplicates: number } {
  const all = readResults(path);
  const byKey = new Map<string, ResultRecord>();
  for (const r of all) {
    const k = storeKey(r);
    byKey.delete(k);
    byKey.set(k, r);
  }
  return { records: [...byKey.values()], duplicates: all.length - byKey.size };
}

/** Whether a non-empty file lacks a final newline (its last line was torn by an interruption). */
function endsTorn(path: string): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends one record (one line, written in one call), after closing a torn last line if any. The
 * first append of a process takes the file's lock (refused if another live process holds it).
 */
export function appendResult(path: string, record: ResultRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  acquireResultsLock(path, (s) => process.stderr.write(s));
  appendFileSync(path, (endsTorn(path) ? '\n' : '') + JSON.stringify(record) + '\n');
}

/** Keys already finished in a results file. */
export function finishedKeys(path: string): Set<string> {
  return new Set(readResults(path).map((r) => r.key));
}
