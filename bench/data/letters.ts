// UCI Letter Recognition (Frey & Slate 1991; 20,000 letter images as 16 integer features 0..15, 26
// classes A–Z), from Debian r-cran-mlbench's LetterRecognition.rda as extracted by
// scripts/install-data.sh. mlbench is GPL-2; the UCI data is CC BY 4.0. Not committed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataFrameColumns } from './rds.js';
import { readRda } from './rda.js';
import { dataCacheDir, requireFile } from './paths.js';

/** A classification table: n rows of d features and a class index per row. */
export interface LabelledTable {
  x: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
  /** Class names; `y[i]` indexes this list. */
  classes: string[];
  /** Feature names, in column order. */
  features: string[];
}

/** The file inside the extracted mlbench package. */
export function letterRecognitionFile(): string {
  return join(dataCacheDir(), 'extracted/usr/lib/R/site-library/mlbench/data/LetterRecognition.rda');
}

/**
 * A table from data-frame columns: `label` (strings) becomes class indices in sorted order of the
 * names, every other column a feature in the frame's order.
 * @throws {Error} a missing label column, a missing label, a non-numeric or missing feature value.
 */
export function tableFromColumns(
  cols: Record<string, ArrayLike<number> | (string | null)[]>,
  label: string,
  what: string,
): LabelledTable {
  const labels = cols[label];
  if (!labels) throw new Error(`${what}: no column '${label}' (has ${Object.keys(cols).join(', ')})`);
  const features = Object.keys(cols).filter((k) => k !== label);
  const n = labels.length;
  const d = features.length;
  const names = Array.from(labels as ArrayLike<string | null>, (s, i) => {
    if (typeof s !== 'string') throw new Error(`${what}: row ${i} has no ${label}`);
    return s;
  });
  const classes = [...new Set(names)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(names, (s) => index.get(s) as number);
  const x = new Float32Array(n * d);
  features.forEach((f, j) => {
    const c = cols[f];
    if (c.length !== n) throw new Error(`${what}: column '${f}' has ${c.length} rows, '${label}' has ${n}`);
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v === -2147483648)
        throw new Error(`${what}: column '${f}' row ${i} is not a number (${String(v)})`);
      x[i * d + j] = v;
    }
  });
  return { x, y, n, d, classes, features };
}

let cached: LabelledTable | null = null;

/** Letter Recognition: 20,000 × 16, classes A..Z as 0..25. */
export function loadLetterRecognition(): LabelledTable {
  if (cached) return cached;
  const file = requireFile(letterRecognitionFile(), 'Letter Recognition (r-cran-mlbench)');
  const saved = readRda(readFileSync(file));
  if (!saved.LetterRecognition) throw new Error(`${file}: no object LetterRecognition`);
  cached = tableFromColumns(dataFrameColumns(saved.LetterRecognition), 'lettr', 'LetterRecognition');
  return cached;
}
