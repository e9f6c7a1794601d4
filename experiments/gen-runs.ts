// The GeN runs of the full suite, as the experiments that inspect them one by one list them: GeN's default entries in
// both modes with seeds 0–2, and the initial-lr runs with seed 0, on every task (or the named ones).
import { findOptimizer, robustnessConfigs, type OptimizerConfig } from '../bench/optimizers.js';
import { TASKS } from '../bench/tasks/index.js';
import type { TaskSpec } from '../bench/tasks/types.js';

/** One GeN run of the full suite. */
export interface SuiteGenRun {
  task: TaskSpec;
  cfg: OptimizerConfig;
  seed: number;
}

/** Every GeN run of the full suite on `tasks` (every task when empty), task by task in the registry's order. */
export function* suiteGenRuns(tasks: readonly string[] = []): Generator<SuiteGenRun> {
  const configs = [
    ...['gen-adamw', 'gen-sgd', 'gen-adamw-anytime', 'gen-sgd-anytime'].flatMap((name) =>
      findOptimizer(name)!
        .configs('full')
        .map((cfg) => ({ cfg, seeds: [0, 1, 2] })),
    ),
    ...robustnessConfigs().map((cfg) => ({ cfg, seeds: [0] })),
  ];
  for (const task of TASKS) {
    if (tasks.length > 0 && !tasks.includes(task.name)) continue;
    for (const { cfg, seeds } of configs) for (const seed of seeds) yield { task, cfg, seed };
  }
}
