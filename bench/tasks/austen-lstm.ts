// Held-out. Character-level LSTM language model (bench/tasks/char-lstm.ts) on Jane Austen's six
// novels (about 4.0 M characters), trained with `model.fit`.
import { loadJaneAusten } from '../data/jane-austen.js';
import { charLstmTask } from './char-lstm.js';

export const austenLstm = charLstmTask({
  name: 'austen-lstm',
  corpusName: 'Jane Austen',
  data: 'Debian r-cran-janeaustenr 1.0.0-1 (scripts/install-data.sh; texts public domain)',
  splitSeed: 2025,
  npmData: false,
  split: 'held-out',
  load: loadJaneAusten,
});
