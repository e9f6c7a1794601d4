// The suite: which runs make up a quick or full benchmark, in order, and running them with resume.
// Protocol (DeepOBS): each grid is tuned with seed 0 on the validation metric; then the best grid
// configuration of each base, GeN and the peers are rerun with more seeds for the headline table.
import type { OptimizerConfig, OptimizerEntry } from './optimizers.js';
import { findOptimizer, robustnessConfigs } from './optimizers.js';
import { appendResult, readResults, runKey, type RunRecord } from './results.js';
import { runOne, type StepProgress } from './runner.js';
import type { TaskSpec } from './tasks/types.js';

export interface SuiteOptions {
  tasks: TaskSpec[];
  optimizers: string[];
  seeds: number;
  steps: number | null;
  mode: 'quick' | 'full';
  out: string;
  resume: boolean;
  robustness: boolean;
  backend: string;
  versions: Record<string, string>;
  /**
   * Where a finished run goes (default: appended to `out`). A parallel worker passes one that sends
   * the record to the parent process, the only writer of the file; the returned promise settles
   * once the record has left this process.
   */
  append?: (record: RunRecord) => void | Promise<void>;
  /** Primes each task with a short untimed run before its first timed run (default true). */
  prime?: boolean;
}

export interface PlannedRun {
  task: TaskSpec;
  opt: OptimizerConfig;
  seed: number;
  steps: number;
  phase: string;
  key: string;
}

function plan(task: TaskSpec, opt: OptimizerConfig, seed: number, steps: number, phase: string): PlannedRun {
  return {
    task,
    opt,
    seed,
    steps,
    phase,
    key: runKey({ task: task.name, optimizer: opt.optimizer, config: opt.config, seed, steps, phase }),
  };
}

const stepsOf = (o: SuiteOptions, t: TaskSpec) => o.steps ?? t.steps[o.mode];

/** `f` over every task and every available optimizer of the suite, in order, concatenated. */
function overTasksAndOptimizers(
  o: SuiteOptions,
  f: (t: TaskSpec, name: string, entry: OptimizerEntry) => PlannedRun[],
): PlannedRun[] {
  return o.tasks.flatMap((t) =>
    o.optimizers.flatMap((name) => {
      const entry = findOptimizer(name);
      return !entry || entry.unavailable() ? [] : f(t, name, entry);
    }),
  );
}

/** Phase 1: every configuration with seed 0 (grids are tuned here). */
export function tunePhase(o: SuiteOptions): PlannedRun[] {
  return overTasksAndOptimizers(o, (t, _name, entry) =>
    entry.configs(o.mode).map((c) => plan(t, c, 0, stepsOf(o, t), 'tune')),
  );
}

/** The grid configuration with the best validation metric among finished tune runs of a task and grid. */
export function bestOfGrid(records: RunRecord[], task: string, optimizer: string): RunRecord | null {
  const runs = records.filter(
    (r) => r.task === task && r.optimizer === optimizer && r.phase === 'tune' && r.seed === 0 && !r.diverged,
  );
  if (runs.length === 0) return null;
  const val = (r: RunRecord) => r.final.val[r.metric.name];
  return runs.reduce((best, r) => ((r.metric.higherIsBetter ? val(r) > val(best) : val(r) < val(best)) ? r : best));
}

/** Phase 2: seeds 1..seeds-1 for GeN, peers and each grid's best configuration. */
export function seedPhase(o: SuiteOptions, records: RunRecord[]): PlannedRun[] {
  if (o.seeds <= 1) return [];
  return overTasksAndOptimizers(o, (t, name, entry) => {
    let configs = entry.configs(o.mode);
    if (entry.kind === 'grid') {
      const best = bestOfGrid(records, t.name, name);
      if (!best) return [];
      configs = configs.filter((c) => JSON.stringify(c.config) === JSON.stringify(best.config));
    }
    return configs.flatMap((c) =>
      Array.from({ length: o.seeds - 1 }, (_, i) => plan(t, c, i + 1, stepsOf(o, t), 'tune')),
    );
  });
}

/** Phase 3: GeN from initial lrs 1e-5 … 1e-1 (seed 0); the quick suite does it on its first task only. */
export function robustnessPhase(o: SuiteOptions): PlannedRun[] {
  if (!o.robustness) return [];
  const tasks = o.mode === 'quick' ? o.tasks.slice(0, 1) : o.tasks;
  return tasks.flatMap((t) => robustnessConfigs().map((c) => plan(t, c, 0, stepsOf(o, t), 'robustness')));
}

export interface SuiteEvents {
  /** `todo` lists the runs the phase will do, in order (for an ETA). */
  onPhase?(name: string, runs: number, skipped: number, todo: PlannedRun[]): void;
  onRunStart?(run: PlannedRun, index: number, total: number): void;
  onProgress?(run: PlannedRun, p: StepProgress): void;
  onRunEnd?(run: PlannedRun, record: RunRecord): void;
  onRunError?(run: PlannedRun, error: Error): void;
}

/** Steps of the untimed priming run (compiles the task's kernels and fills the engine's caches). */
export const PRIMING_STEPS = 20;

/**
 * Runs the suite, appending each finished run to `o.out` (or `o.append`). Resolves to the number of
 * runs done. Between runs it yields to the event loop, so a worker's messages leave promptly.
 * Before a task's first timed run it primes the engine: it trains that configuration for
 * {@link PRIMING_STEPS} steps and discards the result, otherwise the first run's wall time would
 * include compiling kernels and filling caches.
 */
export async function runSuite(o: SuiteOptions, ev: SuiteEvents = {}): Promise<number> {
  const records = (o.resume ? readResults(o.out) : []).filter((r): r is RunRecord => r.kind === 'run');
  const done = new Set(records.map((r) => r.key));
  const append = o.append ?? ((r: RunRecord) => appendResult(o.out, r));
  const primed = new Set<string>();
  let count = 0;
  const execute = async (name: string, runs: PlannedRun[]) => {
    const todo = runs.filter((r) => !done.has(r.key));
    ev.onPhase?.(name, todo.length, runs.length - todo.length, todo);
    for (const [i, run] of todo.entries()) {
      const base = {
        task: run.task,
        opt: run.opt,
        seed: run.seed,
        mode: o.mode,
        phase: run.phase,
        backend: o.backend,
        versions: o.versions,
      };
      try {
        if (o.prime !== false && !primed.has(run.task.name)) {
          primed.add(run.task.name);
          await runOne({ ...base, steps: Math.min(PRIMING_STEPS, run.steps), evaluate: false });
        }
        ev.onRunStart?.(run, i, todo.length);
        const record = await runOne({ ...base, steps: run.steps, onProgress: (p) => ev.onProgress?.(run, p) });
        await append(record);
        records.push(record);
        done.add(record.key);
        count++;
        ev.onRunEnd?.(run, record);
      } catch (e) {
        if (!ev.onRunError) throw e;
        ev.onRunError(run, e as Error);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await execute('tune', tunePhase(o));
  await execute('seeds', seedPhase(o, records));
  await execute('robustness', robustnessPhase(o));
  return count;
}
