// What one training step of each task costs, for scheduling only: `gen-bench run --jobs N` starts the
// longest tasks first, so that the suite does not end with one worker running the largest task alone
// while the others idle. Nothing else reads these numbers; a run's results never depend on them.
import type { TaskSpec } from './types.js';

/**
 * Median wall milliseconds per step of the full-mode `gen-adamw` and `gen-sgd` runs of each task (wasm backend,
 * one thread each, two workers side by side), from the records of `docs/results/full.jsonl.gz`: the suite's run
 * at a14e528 with `--jobs 2` (the median of `wallMs / steps` over each task's six runs). Rough by nature: what
 * matters is the order.
 */
export const STEP_MS: Readonly<Record<string, number>> = {
  'mnist-mlp': 5.8,
  'fashion-cnn': 23.0,
  'moby-char': 19.7,
  'movielens-mf': 7.7,
  'breast-cancer-logreg': 1.0,
  'diabetes-mlp': 1.0,
  'letters-mlp': 2.7,
  'imdb-embed': 12.0,
  'austen-lstm': 58.4,
  'fashion-resnet': 50.2,
  'moby-lstm': 57.0,
  'brown-genre': 5.6,
  'imdb-gru': 105.5,
};

/**
 * The tasks in the order a pool of workers should start them: longest first by steps × {@link STEP_MS}
 * (the greedy longest-processing-time rule, within 4/3 of the best possible finish). Every task has about
 * the same number of runs, so the cost of one run stands for the task's. A task without a measured cost
 * starts first, in the order given, since it may be the longest; ties keep the order given. `steps`, when
 * given, is the one step budget of every run (`--steps`).
 */
export function longestFirst(tasks: readonly TaskSpec[], mode: 'quick' | 'full', steps?: number | null): TaskSpec[] {
  const cost = (t: TaskSpec) => (t.name in STEP_MS ? STEP_MS[t.name] * (steps ?? t.steps[mode]) : Infinity);
  return tasks
    .map((t, i) => ({ t, i, c: cost(t) }))
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .map((e) => e.t);
}
