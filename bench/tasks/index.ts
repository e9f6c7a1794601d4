// The benchmark tasks, one per family of the paper.
import { fashionCnn } from './fashion-cnn.js';
import { mnistMlp } from './mnist-mlp.js';
import { mobyChar } from './moby-char.js';
import { movielensMf } from './movielens-mf.js';
import { breastCancerLogreg, diabetesMlp } from './tabular.js';
import type { TaskSpec } from './types.js';

export type { Batch, Metrics, TaskInstance, TaskSpec } from './types.js';

export const TASKS: readonly TaskSpec[] = [
  mnistMlp,
  fashionCnn,
  mobyChar,
  movielensMf,
  breastCancerLogreg,
  diabetesMlp,
];

export function findTask(name: string): TaskSpec | undefined {
  return TASKS.find((t) => t.name === name);
}
