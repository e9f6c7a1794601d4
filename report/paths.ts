// Where results and reports live. Working output goes to `out/` (git-ignored), so running the suite
// never rewrites committed files; `report --publish` writes the results gzip-compressed and the
// report to committed folders under docs/, from which `report --from` rebuilds the report.
import type { ResultRecord } from '../bench/results.js';

export type Suite = 'quick' | 'full';

/** The results file `run` appends to by default. */
export const localResults = (suite: Suite) => `out/results/${suite}.jsonl`;
/** Where `report` writes by default. */
export const localReportDir = (suite: Suite) => `out/report/${suite}`;
/** The committed, gzip-compressed copy of a suite's results (`report --publish`). */
export const publishedResults = (suite: Suite) => `docs/results/${suite}.jsonl.gz`;
/** The committed report built from it. */
export const publishedReportDir = (suite: Suite) => `docs/report/${suite}`;

/** The suite the runs were made in, when they agree; otherwise `fallback` (the command line's). */
export function suiteOf(records: ResultRecord[], fallback: Suite): Suite {
  const modes = new Set(records.flatMap((r) => (r.kind === 'run' ? [r.mode] : [])));
  return modes.size === 1 ? [...modes][0] : fallback;
}
