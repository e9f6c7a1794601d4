// Experiments keep their results in the benchmark's results store (bench/results.ts): one JSON line
// per measurement, appended to results/experiments/<experiment>.jsonl (git-ignored) as soon as it is
// taken, and the tables they print are built from what the file holds, not from values in memory.
import { join, relative } from 'node:path';
import { repoRoot } from '../bench/data/paths.js';
import { appendResult, readResults, type ResultRecord } from '../bench/results.js';
import { packageVersions } from '../bench/versions.js';

/** A metric of one measurement: a number, a trace (of numbers, names or number lists), or a tally. */
export type ExperimentMetric = number | number[] | number[][] | string[] | Record<string, number>;

/** One measurement of an experiment (one row or cell of its table). */
export interface ExperimentRecord {
  kind: 'experiment';
  /** Experiment, label and config: a rerun of the same measurement has the same key. */
  key: string;
  experiment: string;
  label: string;
  config: Record<string, unknown>;
  metrics: Record<string, ExperimentMetric>;
  backend: string;
  versions: Record<string, string>;
  startedAt: string;
}

/** A number read back from a record: JSON keeps NaN and ±Infinity as null, which reads back as NaN. */
export function num(x: number | null | undefined): number {
  return x ?? NaN;
}

/** The results file of an experiment. */
export function experimentPath(experiment: string): string {
  return join(repoRoot(), 'results', 'experiments', `${experiment}.jsonl`);
}

/** The experiment's records in a results store, appended and read back through bench/results.ts. */
export class ExperimentLog {
  private readonly versions = packageVersions();

  constructor(
    readonly experiment: string,
    readonly backend: string,
    readonly path = experimentPath(experiment),
  ) {}

  /** The results file, relative to the working folder (for messages). */
  get shownPath(): string {
    return relative(process.cwd(), this.path);
  }

  key(label: string, config: Record<string, unknown>): string {
    return `${this.experiment}|${label}|${JSON.stringify(config)}`;
  }

  /** Appends one measurement taken now. */
  append(label: string, config: Record<string, unknown>, metrics: Record<string, ExperimentMetric>): void {
    const record: ExperimentRecord = {
      kind: 'experiment',
      key: this.key(label, config),
      experiment: this.experiment,
      label,
      config,
      metrics,
      backend: this.backend,
      versions: this.versions,
      startedAt: new Date().toISOString(),
    };
    // ResultRecord (bench/results.ts) does not list experiment records yet; the file format is the same.
    appendResult(this.path, record as unknown as ResultRecord);
  }

  /** The latest record of a measurement in the file, if any. */
  latest(label: string, config: Record<string, unknown>): ExperimentRecord | undefined {
    const key = this.key(label, config);
    const records = readResults(this.path) as unknown as Partial<ExperimentRecord>[];
    return records.filter((r): r is ExperimentRecord => r.kind === 'experiment' && r.key === key).pop();
  }

  /** A metric of the latest record of a measurement (throws if it was not recorded). */
  metric(label: string, config: Record<string, unknown>, name: string): ExperimentMetric {
    const r = this.latest(label, config);
    if (!r || !(name in r.metrics))
      throw new Error(`${this.path}: no metric '${name}' recorded for '${label}' ${JSON.stringify(config)}`);
    return r.metrics[name];
  }
}

/** A Markdown table; `right` marks the right-aligned (numeric) columns. */
export function markdownTable(header: string[], rows: string[][], right: boolean[] = []): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (right[i] ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join(
    '\n',
  );
}
