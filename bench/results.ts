// The results file: one JSON record per finished run, appended as soon as the run ends, so an
// interrupted suite loses nothing and resumes by skipping the keys already present.
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';

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
  final: { val: Record<string, number>; test: Record<string, number> };
  /** The headline number: the task metric on the test split. */
  value: number;
  wallMs: number;
  /** Time in optimizer steps alone (no evaluation, no batch building). */
  trainMs: number;
  /** Counts of GeN's `lastStep.reason` (GeN runs only). */
  reasons: Record<string, number> | null;
  diverged: boolean;
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
  gen: { every: number; probe: string; ms: number; plainMs?: number; refitMs: number; ratio: number; bound: number }[];
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

/** All records of a results file (an absent file has none; a torn last line is ignored). */
export function readResults(path: string): ResultRecord[] {
  if (!existsSync(path)) return [];
  const out: ResultRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ResultRecord);
    } catch {
      // a line torn by an interruption: that run is simply redone
    }
  }
  return out;
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

/** Appends one record (one line, written in one call), after closing a torn last line if any. */
export function appendResult(path: string, record: ResultRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, (endsTorn(path) ? '\n' : '') + JSON.stringify(record) + '\n');
}

/** Keys already finished in a results file. */
export function finishedKeys(path: string): Set<string> {
  return new Set(readResults(path).map((r) => r.key));
}
