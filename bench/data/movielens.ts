// MovieLens ml-latest-small (2016 snapshot, 100,004 ratings) from Debian r-cran-dslabs, converted to
// CSV by scripts/install-data.sh. GroupLens terms: research use, cite Harper & Konstan (2015), do not
// redistribute; it is never committed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataCacheDir, requireFile } from './paths.js';

/** Ratings with users and movies renumbered densely from 0. */
export interface Ratings {
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  users: number;
  items: number;
  n: number;
}

export function loadMovieLens(): Ratings {
  const lines = readFileSync(requireFile(join(dataCacheDir(), 'movielens.csv'), 'MovieLens'), 'utf8')
    .trim()
    .split('\n');
  const n = lines.length - 1;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const uMap = new Map<number, number>();
  const iMap = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const [u, m, r] = lines[i + 1].split(',').map(Number);
    if (!uMap.has(u)) uMap.set(u, uMap.size);
    if (!iMap.has(m)) iMap.set(m, iMap.size);
    user[i] = uMap.get(u) as number;
    item[i] = iMap.get(m) as number;
    rating[i] = r;
  }
  return { user, item, rating, users: uMap.size, items: iMap.size, n };
}
