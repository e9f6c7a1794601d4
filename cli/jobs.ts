// `gen-bench run --jobs N`: the suite's tasks spread over N worker processes (one task at a time
// per worker, in the order given: the caller puts the longest first, bench/tasks/step-cost.ts),
// because one training run uses one core. The parent is the only
// writer of the results file: a worker sends each finished record over IPC and the parent appends
// it, so lines never interleave and a finished run is on disk as soon as the parent has it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { appendResult, type RunRecord } from '../bench/results.js';
import { fmtTime } from './progress.js';

/** What a worker tells the parent. */
export type WorkerMessage =
  | { type: 'phase'; name: string; runs: number; skipped: number }
  | { type: 'start'; label: string; index: number; total: number }
  | { type: 'progress'; step: number; steps: number; loss: number; lr: number; elapsedMs: number }
  | { type: 'record'; record: RunRecord }
  | { type: 'end'; summary: string }
  | { type: 'error'; key: string; message: string };

/** The environment variable that makes `gen-bench run` a worker reporting over IPC; its value is the parent's pid. */
export const WORKER_ENV = 'GEN_BENCH_WORKER';

export interface ParallelRun {
  tasks: string[];
  jobs: number;
  out: string;
  /** `run` arguments for the worker of a task (everything but --tasks, --jobs, --out, resume). */
  args: (task: string) => string[];
  write: (s: string) => void;
  tty: boolean;
}

interface Slot {
  task: string;
  phase: string;
  run: string;
  index: number;
  total: number;
  frac: number;
  eta: number;
}

/** Runs the tasks in worker processes; resolves to the number of runs finished. */
export async function runInWorkers(p: ParallelRun): Promise<number> {
  const queue = [...p.tasks];
  const slots = new Map<ChildProcess, Slot>();
  const failures: string[] = [];
  let finished = 0;
  const status = () => {
    if (!p.tty) return;
    const parts = [...slots.values()].map(
      (s) => `${s.task} ${s.phase} ${s.index}/${s.total} ${Math.round(s.frac * 100)}% ETA ${fmtTime(s.eta)}`,
    );
    p.write(`\r\x1b[K${parts.join(' | ').slice(0, (process.stderr.columns ?? 160) - 1)}`);
  };
  const line = (s: string) => p.write(`${p.tty ? '\r\x1b[K' : ''}${s}\n`);
  // From source (tsx) the worker is main.ts; from the built bin, the bundle's main.js next to this code.
  const script = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url));

  const startNext = (): Promise<void> | null => {
    const task = queue.shift();
    if (!task) return null;
    const child = fork(script, ['run', '--tasks', task, '--out', p.out, '--resume', ...p.args(task)], {
      env: { ...process.env, [WORKER_ENV]: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const slot: Slot = { task, phase: 'starting', run: '', index: 0, total: 0, frac: 0, eta: NaN };
    slots.set(child, slot);
    line(`[${task}] worker ${child.pid} started`);
    child.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'phase':
          slot.phase = m.name;
          slot.total = m.runs;
          line(
            `[${task}] phase ${m.name}: ${m.runs} runs to do${m.skipped ? `, ${m.skipped} already in the results file (skipped)` : ''}`,
          );
          break;
        case 'start':
          slot.run = m.label;
          slot.index = m.index + 1;
          slot.frac = 0;
          break;
        case 'progress':
          slot.frac = m.step / m.steps;
          slot.eta = (m.elapsedMs / Math.max(slot.frac, 1e-9)) * (1 - slot.frac);
          break;
        case 'record':
          appendResult(p.out, m.record);
          finished++;
          break;
        case 'end':
          line(`[${task} ${slot.phase} ${slot.index}/${slot.total}] ${slot.run}: ${m.summary}`);
          break;
        case 'error':
          line(`[${task}] run ${m.key} failed: ${m.message}`);
          break;
      }
      status();
    });
    return new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        slots.delete(child);
        if (code !== 0) failures.push(`${task} (worker exit ${signal ?? code})`);
        line(`[${task}] worker done${code === 0 ? '' : ` with exit ${signal ?? code}`}`);
        resolve(startNext() ?? undefined);
      });
    });
  };

  const lanes: Promise<void>[] = [];
  for (let i = 0; i < p.jobs; i++) {
    const lane = startNext();
    if (lane) lanes.push(lane);
  }
  await Promise.all(lanes);
  if (failures.length)
    throw new Error(
      `workers failed for ${failures.join(', ')}; finished runs are kept in ${p.out}, rerun with --resume`,
    );
  return finished;
}

/** Exit code of a worker whose parent has gone (killed, crashed): nobody is left to take its records. */
export const ORPHANED_EXIT = 75;

let parentPid: number | null = null;

/**
 * Ties a worker's life to its parent's. After `kill -9` of the parent nobody takes the records,
 * so computing on is wasted and the next send fails with EPIPE. Three signals, because a training
 * run keeps the event loop busy for long stretches: the IPC `disconnect` event (when the loop
 * turns), a poll of `process.ppid` (reparented once the parent is gone), and the same check made
 * synchronously on every {@link sendToParent}, which the runner calls during training.
 */
export function dieWithParent(): void {
  if (parentPid !== null) return;
  // The pid the parent gave (a worker may first send after its parent is gone and it was reparented).
  const given = Number(process.env[WORKER_ENV]);
  parentPid = Number.isInteger(given) && given > 1 ? given : process.ppid;
  // The channel also closes when the worker itself disconnects at the end of its work, so the
  // test is the parent pid (the kernel may reparent a moment after the channel closed: look again).
  process.on('disconnect', () => {
    exitIfOrphaned();
    setTimeout(exitIfOrphaned, 100).unref();
  });
  setInterval(exitIfOrphaned, 250).unref();
}

function exitIfOrphaned(): void {
  if (parentPid !== null && process.ppid !== parentPid) process.exit(ORPHANED_EXIT);
}

/**
 * In a worker: sends a message to the parent; resolves once it has left this process. The first
 * call ties the worker to its parent ({@link dieWithParent}); once the parent is gone the worker
 * exits quietly instead of failing on a closed channel.
 */
export function sendToParent(m: WorkerMessage): Promise<void> {
  dieWithParent();
  exitIfOrphaned();
  return new Promise((resolve) => {
    process.send!(m, undefined, {}, (e) => {
      if (e) process.exit(ORPHANED_EXIT); // EPIPE / channel closed: the parent is gone
      resolve();
    });
  });
}
