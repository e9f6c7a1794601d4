// The benchmark tasks, one per family of the paper.
import { austenLstm } from './austen-lstm.js';
import { brownGenre } from './brown-genre.js';
import { fashionCnn } from './fashion-cnn.js';
import { fashionResnet } from './fashion-resnet.js';
import { mnistMlp } from './mnist-mlp.js';
import { mobyChar } from './moby-char.js';
import { mobyLstm } from './moby-lstm.js';
import { movielensMf } from './movielens-mf.js';
import { imdbEmbed } from './imdb-embed.js';
import { imdbGru } from './imdb-gru.js';
import { lettersMlp } from './letters-mlp.js';
import { breastCancerLogreg, diabetesMlp } from './tabular.js';
import type { TaskSpec } from './types.js';

export type { Batch, LayersTraining, Metrics, TaskInstance, TaskMetric, TaskSpec, TaskSplit } from './types.js';

export const TASKS: readonly TaskSpec[] = [
  mnistMlp,
  fashionCnn,
  mobyChar,
  movielensMf,
  breastCancerLogreg,
  diabetesMlp,
  lettersMlp,
  imdbEmbed,
  austenLstm,
  fashionResnet,
  mobyLstm,
  brownGenre,
  imdbGru,
];

export function findTask(name: string): TaskSpec | undefined {
  return TASKS.find((t) => t.name === name);
}
