// Which code produced a run: the commit of the checkout the benchmark ran from, and whether that
// checkout had changes not in the commit. Asked of git once per process (a suite makes hundreds of
// runs; the checkout does not change under a running suite, and if it does, the record would be
// wrong either way).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The commit and dirty flag of a checkout; both null when the code is not in a git checkout. */
export interface GitState {
  commit: string | null;
  /** `git status --porcelain` printed anything (modified, staged or untracked files). */
  dirty: boolean | null;
}

/** Runs git with `args` in `cwd` and returns its stdout; throws when git fails or is absent. */
export type GitRunner = (args: string[], cwd: string) => string;

const runGit: GitRunner = (args, cwd) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** Reads the git state of the checkout containing `dir`. */
export function readGitState(dir: string, git: GitRunner = runGit): GitState {
  try {
    const commit = git(['rev-parse', 'HEAD'], dir).trim();
    const dirty = git(['status', '--porcelain'], dir).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** A function that reads the git state of `dir` on its first call and returns that answer ever after. */
export function memoGitState(dir: string, git: GitRunner = runGit): () => GitState {
  let state: GitState | null = null;
  return () => (state ??= readGitState(dir, git));
}

/** The git state of the checkout this benchmark code lives in, read once per process. */
export const benchGitState = memoGitState(fileURLToPath(new URL('..', import.meta.url)));
