// A model for the backend benchmark scripts by name: one of the benchmark architectures
// (`MLP`, `CNN`, …, bench/backend/models.ts) or one of the suite's tasks (`mnist-mlp`, …,
// bench/tasks), the latter as its seed-0 model on its first training batch. The suite's models are
// what `cli/main.ts overhead` measures; naming them here lets gen-cost.ts and gen-phases.ts take
// apart the same models (docs/backend.md, "The suite's models against the bound").
import { findTask, TASKS } from '../tasks/index.js';
import { BENCHMARK_MODELS, type Model } from './models.js';

/** Every name {@link namedModel} accepts. */
export const MODEL_NAMES: readonly string[] = [...Object.keys(BENCHMARK_MODELS), ...TASKS.map((t) => t.name)];

/**
 * Builds the model called `name`: a benchmark architecture, or a suite task's seed-0 model whose
 * loss is that of its training batch 0.
 * @throws {Error} no architecture or task has that name (the message lists them).
 */
export function namedModel(name: string): Model {
  const architecture = BENCHMARK_MODELS[name];
  if (architecture) return architecture();
  const task = findTask(name);
  if (!task) throw new Error(`unknown model '${name}'; known: ${MODEL_NAMES.join(', ')}`);
  const instance = task.create(0);
  const batch = instance.batch(0);
  return {
    name,
    vars: instance.vars,
    loss: () => batch.loss(),
    dispose: () => {
      batch.dispose();
      instance.dispose();
    },
  };
}
