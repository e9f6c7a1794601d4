// Jane Austen's six novels (public domain) from Debian r-cran-janeaustenr (MIT), read straight from
// the package's lazy-load database as extracted by scripts/install-data.sh (no R needed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CharCorpus } from './moby-dick.js';
import { dataCacheDir, requireFile } from './paths.js';
import { readLazyLoad } from './rds.js';

/** The novels, in publication order, by their object names in janeaustenr. */
export const AUSTEN_NOVELS = [
  'sensesensibility',
  'prideprejudice',
  'mansfieldpark',
  'emma',
  'northangerabbey',
  'persuasion',
] as const;

/** The package's data folder inside the extraction. */
export function janeAustenDir(): string {
  return join(dataCacheDir(), 'extracted/usr/lib/R/site-library/janeaustenr/data');
}

/** Characters mapped to ids 0..vocab-1 (vocabulary sorted by code point); whitespace runs collapsed to one space. */
export function charCorpus(text: string): CharCorpus {
  const flat = text.replace(/\s+/g, ' ');
  const vocab = [...new Set(flat)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) ids[i] = index.get(flat[i]) as number;
  return { ids, vocab };
}

let cached: CharCorpus | null = null;

/** The six novels' lines joined in publication order, as a character stream (about 4.0 M characters). */
export function loadJaneAusten(): CharCorpus {
  if (cached) return cached;
  const dir = janeAustenDir();
  const what = 'Jane Austen (r-cran-janeaustenr)';
  const rdx = readFileSync(requireFile(join(dir, 'Rdata.rdx'), what));
  const rdb = readFileSync(requireFile(join(dir, 'Rdata.rdb'), what));
  const books = AUSTEN_NOVELS.map((name) => {
    const v = readLazyLoad(rdx, rdb, name);
    if (v.type !== 'str') throw new Error(`${what}: ${name} is a ${v.type}, expected a character vector`);
    return v.data.map((line) => line ?? '').join('\n');
  });
  cached = charCorpus(books.join('\n'));
  return cached;
}
