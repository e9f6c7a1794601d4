// The suite: which runs make up a quick or full benchmark, in order, and running them with resume.
// Protocol (DeepOBS): each grid is tuned with seed 0 on the validation metric; then the best grid
// configuration of each base, GeN and the peers are rerun with more seeds for the headline table.
import type { OptimizerConfig } from './optimizers.js';
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
  return { task, opt, seed, steps, phase, key: runKey({ task: task.name, optimizer: opt.optimizer, config: opt.config, seed, steps, phase }) };
}

const stepsOf = (o: SuiteOptions, t: TaskSpec) => o.steps ?? t.steps[o.mode];

/** Phase 1: every configuration with seed 0 (grids are tuned here). */
export function tunePhase(o: SuiteOptions): PlannedRun[] {
  return o.tasks.flatMap((t) => o.optimizers.flatMap((name) => {
    const entry = findOptimizer(name);
    if (!entry || entry.unavailable()) return [];
    return entry.configs(o.mode).map((c) => plan(t, c, 0, stepsOf(o, t), 'tune'));
  }));
}

/** The grid configuration with the best validation metric among finished tune runs of a task and grid. */
export function bestOfGrid(records: RunRecord[], task: string, optimizer: string): RunRecord | null {
  const runs = records.filter((r) => r.task === task && r.optimizer === optimizer && r.phase === 'tune' && r.seed === 0 && !r.diverged);
  if (runs.length === 0) return null;
  const val = (r: RunRecord) => r.final.val[r.metric.name];
  return runs.reduce((best, r) => ((r.metric.higherIsBetter ? val(r) > val(best) : val(r) < val(best)) ? r : best));
}

/** Phase 2: seeds 1..seeds-1 for GeN, peers and each grid's best configuration. */
export function seedPhase(o: SuiteOptions, records: RunRecord[]): PlannedRun[] {
  if (o.seeds <= 1) return [];
  return o.tasks.flatMap((t) => o.optimizers.flatMap((name) => {
    const entry = findOptimizer(name);
    if (!entry || entry.unavailable()) return [];
    let configs = entry.configs(o.mode);
    if (entry.kind === 'grid') {
      const best = bestOfGrid(records, t.name, name);
      if (!best) return [];
      configs = configs.filter((c) => JSON.stringify(c.config) === JSON.stringify(best.config));
    }
    return configs.flatMap((c) => Array.from({ length: o.seeds - 1 }, (_, i) => plan(t, c, i + 1, stepsOf(o, t), 'tune')));
  }));
}

/** Phase 3: GeN from initial lrs 1e-5 … 1e-1 (seed 0); the quick suite does it on its first task only. */
export function robustnessPhase(o: SuiteOptions): PlannedRun[] {
  if (!o.robustness) return [];
  const tasks = o.mode === 'quick' ? o.tasks.slice(0, 1) : o.tasks;
  return tasks.flatMap((t) => robustnessConfigs().map((c) => plan(t, c, 0, stepsOf(o, t), 'robustness')));
}

export interface SuiteEvents {
  onPhase?(name: string, runs: number, skipped: number): void;
  onRunStart?(run: PlannedRun, index: number, total: number): void;
  onProgress?(run: PlannedRun, p: StepProgress): void;
  onRunEnd?(run: PlannedRun, record: RunRecord): void;
  onRunError?(run: PlannedRun, error: Error): void;
}

/** Runs the suite, appending each finished run to `o.out`. Returns the number of runs done. */
export function runSuite(o: SuiteOptions, ev: SuiteEvents = {}): number {
  const done = o.resume ? new Set(readResults(o.out).map((r) => r.key)) : new Set<string>();
  let count = 0;
  const execute = (name: string, runs: PlannedRun[]) => {
    const todo = runs.filter((r) => !done.has(r.key));
    ev.onPhase?.(name, todo.length, runs.length - todo.length);
    todo.forEach((run, i) => {
      ev.onRunStart?.(run, i, todo.length);
      try {
        const record = runOne({
          task: run.task, opt: run.opt, seed: run.seed, steps: run.steps, mode: o.mode, phase: run.phase,
          backend: o.backend, versions: o.versions, onProgress: (p) => ev.onProgress?.(run, p),
        });
        appendResult(o.out, record);
        done.add(record.key);
        count++;
        ev.onRunEnd?.(run, record);
      } catch (e) {
        if (!ev.onRunError) throw e;
        ev.onRunError(run, e as Error);
      }
    });
  };
  execute('tune', tunePhase(o));
  const records = readResults(o.out).filter((r): r is RunRecord => r.kind === 'run');
  execute('seeds', seedPhase(o, records));
  execute('robustness', robustnessPhase(o));
  return count;
}
