// Breast cancer (classification) and diabetes (regression) from sklearn's bundled files: the
// copy extracted by scripts/install-data.sh if present, else the committed fixtures.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataCacheDir, repoRoot, requireFile } from './paths.js';

/** A tabular data set: n rows of d features, and a target per row. */
export interface Tabular {
  x: Float32Array;
  y: Float32Array;
  n: number;
  d: number;
}

function sklearnFile(name: string): string {
  const extracted = join(dataCacheDir(), 'extracted/usr/lib/python3/dist-packages/sklearn/datasets/data', name);
  if (existsSync(extracted)) return extracted;
  return requireFile(join(repoRoot(), 'bench/data/fixtures/sklearn', name), `sklearn ${name}`);
}

const text = (path: string) => {
  const b = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(b) : b).toString('utf8');
};

/** Breast Cancer Wisconsin: 569 × 30, y = 1 for benign, 0 for malignant. */
export function loadBreastCancer(): Tabular {
  const lines = text(sklearnFile('breast_cancer.csv')).trim().split('\n');
  const [n, d] = lines[0].split(',').map(Number);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = lines[i + 1].split(',').map(Number);
    x.set(v.slice(0, d), i * d);
    y[i] = v[d];
  }
  return { x, y, n, d };
}

/** Diabetes (Efron et al. 2004): 442 × 10 raw features, y = disease progression. */
export function loadDiabetes(): Tabular {
  const rows = text(sklearnFile('diabetes_data_raw.csv.gz'))
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const target = text(sklearnFile('diabetes_target.csv.gz')).trim().split('\n').map(Number);
  const n = rows.length;
  const d = rows[0].length;
  if (target.length !== n) throw new Error(`diabetes: ${n} rows but ${target.length} targets`);
  const x = new Float32Array(n * d);
  rows.forEach((r, i) => x.set(r, i * d));
  return { x, y: Float32Array.from(target), n, d };
}
