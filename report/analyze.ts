// Turns result records into the numbers the report shows: per task, GeN vs the best and the median
// configuration of each tuned grid vs the peers (mean ± sd over seeds), whether the task can decide
// the verdict, cost of tuning, reasons. Everything is keyed on record fields (`optimizerKind`,
// `optimizer`, `base`, `config`, `phase`, `seed`); labels are carried along for display only.
//
// Diverged runs (record `diverged: true`, value NaN):
// - a grid's best configuration is chosen on the validation metric among its seed-0 runs that did
//   not diverge;
// - the grid's median counts a diverged configuration as the worst value (so a grid that mostly
//   diverges has a diverged median);
// - an entry's mean ± sd is over its finite seeds, and `stat.diverged` counts the others;
// - a GeN entry with any diverged seed does not meet the target.
import type { OverheadRecord, ResultRecord, RunRecord } from '../bench/results.js';
import { findTask, TASKS } from '../bench/tasks/index.js';

export interface Stat {
  mean: number;
  /** Sample sd (n − 1) over the finite values; NaN with fewer than 2. */
  sd: number;
  /** Finite values. */
  n: number;
  /** Non-finite values (diverged runs). */
  diverged: number;
  values: number[];
}

export function stat(values: number[]): Stat {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n, diverged: values.length - n, values };
}

export type EntryKind = 'gen' | 'grid-best' | 'grid-median' | 'peer';

/** One row of a task's table. */
export interface Entry {
  /** Registry name of the optimizer (a grid's name for its best and median rows). */
  optimizer: string;
  /** For display only. */
  label: string;
  kind: EntryKind;
  base: string;
  /** The configuration behind the entry; null for a grid's median (it has many). */
  config: Record<string, unknown> | null;
  stat: Stat;
  /** Runs behind this entry, by seed. */
  runs: RunRecord[];
  /** Total wall time of the runs one needs to obtain it (grid: the whole seed-0 grid). */
  costMs: number;
}

/** What distinguishes GeN variants, read from a run's configuration. */
export interface GenVariant {
  probe: string;
  /**
   * `run-length`: GeN's default horizon over the run length (the benchmark's default GeN);
   * `none`: no horizon (anytime); a shape name: that horizon; null: records before 0.3, which
   * ran without a horizon.
   */
  horizon: string | null;
  /** An initial lr other than the library default. */
  lr: number | null;
  /** Further GeN options of an experiment or of the official semantics. */
  options: boolean;
}

export function genVariant(config: Record<string, unknown>): GenVariant {
  return {
    probe: typeof config.probe === 'string' ? config.probe : 'default',
    horizon: typeof config.horizon === 'string' ? config.horizon : null,
    lr: typeof config.lr === 'number' ? config.lr : null,
    options: typeof config.options === 'object' && config.options !== null,
  };
}

/** GeN with the library defaults as the benchmark runs it: default probes and initial lr, the run length known. */
export function isGenDefault(e: Pick<Entry, 'kind' | 'config'>): boolean {
  if (e.kind !== 'gen' || !e.config) return false;
  const v = genVariant(e.config);
  // Records before 0.3 had no horizon field for the defaults (they ran without one).
  return v.probe === 'default' && (v.horizon === 'run-length' || v.horizon === null) && v.lr === null && !v.options;
}

/** GeN's anytime mode: the library defaults with no horizon (the run length unknown). */
export function isGenAnytime(e: Pick<Entry, 'kind' | 'config'>): boolean {
  if (e.kind !== 'gen' || !e.config) return false;
  const v = genVariant(e.config);
  return v.probe === 'default' && v.horizon === 'none' && v.lr === null && !v.options;
}

/** GeN with default probes (with or without a horizon): the variants the cost table shows. */
export function hasDefaultProbes(e: Pick<Entry, 'kind' | 'config'>): boolean {
  return e.kind === 'gen' && !!e.config && genVariant(e.config).probe === 'default';
}

/**
 * Whether a task can decide the verdict for one base: the tuned grid's best and median (test
 * metric) must differ by more than twice the seed noise: the seed sd of the grid's best
 * configuration. Where tuning does not move the metric beyond seed noise, "GeN is as good as the
 * tuned grid" says nothing about GeN. GeN's own seed spread does not count: an unstable GeN must
 * not make the task that shows it stop deciding.
 */
export interface Decision {
  base: string;
  best: Entry | null;
  median: Entry | null;
  genDefault: Entry | null;
  /** |best − median|. */
  spread: number;
  /** The seed sd of the grid's best configuration. */
  noise: number;
  /** null when it cannot be told (see `reason`). */
  decides: boolean | null;
  reason: string;
}

/** GeN against the best configuration of the grid of the same base. */
export interface Comparison {
  gen: Entry;
  best: Entry;
  /** Relative gap, positive = GeN worse. */
  relGap: number;
  /** Gap in points of accuracy (positive = GeN worse); NaN for other metrics. */
  pointsGap: number;
  /** Within 0.5 points of accuracy (accuracy metrics) or 1% relative (others), with no diverged GeN seed. */
  within: boolean;
  /** The task's decision for this base. */
  decides: boolean | null;
}

export interface TaskSummary {
  task: string;
  metric: { name: string; higherIsBetter: boolean };
  /** From the records (`taskSplit`), when the task definition gives it. */
  split: 'development' | 'held-out' | null;
  testSize: number | null;
  /** Points of accuracy one test example is worth (100 / testSize); null for other metrics or no size. */
  resolution: number | null;
  /**
   * The groups the test examples come in, from the task's definition (`TaskSpec.testGroups`), with the points of
   * accuracy one group can be worth (100 / count; null for other metrics); null when the examples are not grouped.
   */
  testGroups: { count: number; unit: string; resolution: number | null } | null;
  entries: Entry[];
  decisions: Decision[];
  comparisons: Comparison[];
  /** GeN runs from different initial lrs (robustness phase). */
  robustness: { optimizer: string; label: string; base: string; lr: number; value: number; diverged: boolean }[];
}

/** One GeN variant's verdict over the tasks. */
export interface VariantVerdict {
  optimizer: string;
  label: string;
  base: string;
  config: Record<string, unknown>;
  isDefault: boolean;
  tasks: { task: string; split: TaskSummary['split']; within: boolean; decides: boolean | null }[];
  /** Deciding tasks where it is within target, and the number of deciding tasks. */
  within: number;
  deciding: number;
  /** Over every task, deciding or not. */
  allWithin: number;
  all: number;
  /** The deciding counts per split, when the records carry splits. */
  bySplit: { split: string; within: number; deciding: number }[];
}

/** Which commits the runs come from. */
export interface Provenance {
  commits: { commit: string; runs: number; dirty: number }[];
  /** Runs recorded without a commit (older records, or not run from a git checkout). */
  unknown: number;
}

export interface Summary {
  tasks: TaskSummary[];
  variants: VariantVerdict[];
  overhead: OverheadRecord[];
  runs: RunRecord[];
  provenance: Provenance;
}

const configKey = (c: Record<string, unknown>) => JSON.stringify(c);
const bySeed = (a: RunRecord, b: RunRecord) => a.seed - b.seed;

/**
 * The median of a grid's seed-0 test values with a diverged configuration counted as the worst
 * value: bench/stats.ts's median drops non-finite values, which would hide a grid that mostly
 * diverges behind its few finite runs.
 */
function medianCountingDivergedAsWorst(
  runs: RunRecord[],
  higherIsBetter: boolean,
): { median: number; values: number[] } {
  const worst = higherIsBetter ? -Infinity : Infinity;
  const vals = runs.map((r) => (r.diverged || !Number.isFinite(r.value) ? worst : r.value)).sort((a, b) => a - b);
  if (vals.length === 0) return { median: NaN, values: vals };
  const mid = vals.length >> 1;
  return { median: vals.length % 2 ? vals[mid] : (vals[mid - 1] + vals[mid]) / 2, values: vals };
}

/** The grid's rows: its best configuration (chosen on validation, seed 0) with all its seeds, and its median. */
function gridEntries(rs: RunRecord[], metric: TaskSummary['metric']): Entry[] {
  const better = (a: number, b: number) => (metric.higherIsBetter ? a > b : a < b);
  const seed0 = rs.filter((r) => r.seed === 0);
  const costMs = seed0.reduce((a, r) => a + r.wallMs, 0);
  const valOf = (r: RunRecord) => (r.diverged ? NaN : r.final.val[metric.name]);
  const best = seed0
    .filter((r) => Number.isFinite(valOf(r)))
    .reduce<RunRecord | null>((b, r) => (!b || better(valOf(r), valOf(b)) ? r : b), null);
  const out: Entry[] = [];
  const { optimizer, base } = rs[0];
  if (best) {
    const same = rs.filter((r) => configKey(r.config) === configKey(best.config)).sort(bySeed);
    out.push({
      optimizer,
      label: `best ${best.label}`,
      kind: 'grid-best',
      base,
      config: best.config,
      stat: stat(same.map((r) => (r.diverged ? NaN : r.value))),
      runs: same,
      costMs,
    });
  }
  const { median, values } = medianCountingDivergedAsWorst(seed0, metric.higherIsBetter);
  out.push({
    optimizer,
    label: `median of ${seed0.length} ${base} grid configs`,
    kind: 'grid-median',
    base,
    config: null,
    stat: {
      mean: median,
      sd: NaN,
      n: values.filter(Number.isFinite).length,
      diverged: values.filter((v) => !Number.isFinite(v)).length,
      values,
    },
    runs: seed0,
    costMs,
  });
  return out;
}

function decide(base: string, entries: Entry[]): Decision {
  const best = entries.find((e) => e.kind === 'grid-best' && e.base === base) ?? null;
  const median = entries.find((e) => e.kind === 'grid-median' && e.base === base) ?? null;
  const genDefault = entries.find((e) => isGenDefault(e) && e.base === base) ?? null;
  const spread = best && median ? Math.abs(best.stat.mean - median.stat.mean) : NaN;
  const noise = best ? best.stat.sd : NaN;
  const undecided = (reason: string): Decision => ({
    base,
    best,
    median,
    genDefault,
    spread,
    noise,
    decides: null,
    reason,
  });
  if (!best || !median || !Number.isFinite(best.stat.mean)) return undecided('no grid configuration finished');
  if (!genDefault) return undecided('GeN with its defaults was not run');
  if (!Number.isFinite(noise)) return undecided('fewer than 2 finite seeds: seed noise unknown');
  const decides = spread > 2 * noise;
  return {
    base,
    best,
    median,
    genDefault,
    spread,
    noise,
    decides,
    reason: decides ? '|best − median| > 2 × seed sd' : '|best − median| ≤ 2 × seed sd: tuning does not matter here',
  };
}

function compare(gen: Entry, best: Entry, metric: TaskSummary['metric'], decides: boolean | null): Comparison {
  const g = gen.stat.mean;
  const b = best.stat.mean;
  const relGap = metric.higherIsBetter ? (b - g) / Math.abs(b) : (g - b) / Math.abs(b);
  const pointsGap = metric.name === 'accuracy' ? (b - g) * 100 : NaN;
  // An accuracy must be within 0.5 points (1% relative would allow 0.97 points at 97%); other metrics within 1%.
  const closeEnough = Number.isFinite(pointsGap) ? pointsGap <= 0.5 : relGap <= 0.01;
  return { gen, best, relGap, pointsGap, within: gen.stat.diverged === 0 && gen.stat.n > 0 && closeEnough, decides };
}

function groupsOf(task: string, metric: string): TaskSummary['testGroups'] {
  const g = findTask(task)?.testGroups;
  return g ? { ...g, resolution: metric === 'accuracy' ? 100 / g.count : null } : null;
}

/** "50 files: 1 file = up to 2.0 pts" (or "50 files" for other metrics), or null when the test set is not grouped. */
export function groupsText(t: TaskSummary): string | null {
  const g = t.testGroups;
  if (!g) return null;
  const one = g.unit.endsWith('s') ? g.unit.slice(0, -1) : g.unit;
  return g.resolution !== null
    ? `${g.count} ${g.unit}: 1 ${one} = up to ${g.resolution.toPrecision(2)} pts`
    : `${g.count} ${g.unit}`;
}

function firstDefined<T>(runs: RunRecord[], pick: (r: RunRecord) => T | undefined): T | null {
  for (const r of runs) {
    const v = pick(r);
    if (v !== undefined && v !== null) return v;
  }
  return null;
}

function summariseTask(task: string, runs: RunRecord[]): TaskSummary {
  const taskRuns = runs.filter((r) => r.task === task);
  const tr = taskRuns.filter((r) => r.phase === 'tune');
  const metric = (tr[0] ?? taskRuns[0]).metric;
  const entries: Entry[] = [];
  // Grids by registry name; every other optimizer by name and configuration, so two variants never merge.
  const groups = new Map<string, RunRecord[]>();
  for (const r of tr) {
    const k = r.optimizerKind === 'grid' ? `grid|${r.optimizer}` : `${r.optimizer}|${configKey(r.config)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const rs of groups.values()) {
    const first = rs[0];
    if (first.optimizerKind === 'grid') {
      entries.push(...gridEntries(rs, metric));
      continue;
    }
    const sorted = [...rs].sort(bySeed);
    const seed0 = sorted.find((r) => r.seed === 0);
    entries.push({
      optimizer: first.optimizer,
      label: first.label,
      kind: first.optimizerKind === 'gen' ? 'gen' : 'peer',
      base: first.base,
      config: first.config,
      stat: stat(sorted.map((r) => (r.diverged ? NaN : r.value))),
      runs: sorted,
      costMs: seed0 ? seed0.wallMs : NaN,
    });
  }
  const bases = [
    ...new Set(entries.filter((e) => e.kind === 'grid-best' || e.kind === 'grid-median').map((e) => e.base)),
  ];
  const decisions = bases.map((b) => decide(b, entries));
  const comparisons = entries
    .filter((e) => e.kind === 'gen')
    .flatMap((g) => {
      const d = decisions.find((x) => x.base === g.base);
      return d?.best ? [compare(g, d.best, metric, d.decides)] : [];
    });
  const testSize = firstDefined(taskRuns, (r) => r.testSize);
  const robustness = taskRuns
    .filter((r) => r.phase === 'robustness')
    .map((r) => ({
      optimizer: r.optimizer,
      label: r.label,
      base: r.base,
      lr: Number(r.config.lr),
      value: r.value,
      diverged: r.diverged,
    }));
  return {
    task,
    metric,
    split: firstDefined(taskRuns, (r) => r.taskSplit),
    testSize,
    resolution: testSize && metric.name === 'accuracy' ? 100 / testSize : null,
    testGroups: groupsOf(task, metric.name),
    entries,
    decisions,
    comparisons,
    robustness,
  };
}

function verdicts(tasks: TaskSummary[]): VariantVerdict[] {
  const byVariant = new Map<string, VariantVerdict>();
  for (const t of tasks)
    for (const c of t.comparisons) {
      const g = c.gen;
      const k = `${g.optimizer}|${configKey(g.config ?? {})}`;
      let v = byVariant.get(k);
      if (!v) {
        v = {
          optimizer: g.optimizer,
          label: g.label,
          base: g.base,
          config: g.config ?? {},
          isDefault: isGenDefault(g),
          tasks: [],
          within: 0,
          deciding: 0,
          allWithin: 0,
          all: 0,
          bySplit: [],
        };
        byVariant.set(k, v);
      }
      v.tasks.push({ task: t.task, split: t.split, within: c.within, decides: c.decides });
    }
  for (const v of byVariant.values()) {
    const deciding = v.tasks.filter((t) => t.decides === true);
    v.deciding = deciding.length;
    v.within = deciding.filter((t) => t.within).length;
    v.all = v.tasks.length;
    v.allWithin = v.tasks.filter((t) => t.within).length;
    const splits = [...new Set(v.tasks.map((t) => t.split).filter((s): s is NonNullable<typeof s> => s !== null))];
    v.bySplit = splits.map((split) => {
      const d = deciding.filter((t) => t.split === split);
      return { split, within: d.filter((t) => t.within).length, deciding: d.length };
    });
  }
  return [...byVariant.values()];
}

export function provenanceOf(runs: RunRecord[]): Provenance {
  const commits = new Map<string, { commit: string; runs: number; dirty: number }>();
  let unknown = 0;
  for (const r of runs) {
    if (typeof r.commit !== 'string') {
      unknown++;
      continue;
    }
    const c = commits.get(r.commit) ?? { commit: r.commit, runs: 0, dirty: 0 };
    c.runs++;
    if (r.dirty === true) c.dirty++;
    commits.set(r.commit, c);
  }
  return { commits: [...commits.values()], unknown };
}

export function summarise(records: ResultRecord[]): Summary {
  const runs = records.filter((r): r is RunRecord => r.kind === 'run');
  // The latest overhead measurement of each task (records are appended in time order).
  const latest = new Map<string, OverheadRecord>();
  for (const r of records) if (r.kind === 'overhead') latest.set(r.task, r);
  // In the registry's order, whatever order the runs finished in (`--jobs` starts the longest tasks first); tasks the
  // registry does not know follow in the order of their first record.
  const rank = (t: string) => {
    const i = TASKS.findIndex((spec) => spec.name === t);
    return i < 0 ? TASKS.length : i;
  };
  const names = [...new Set(runs.map((r) => r.task))];
  const order = names.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i);
  const tasks = order.map(({ t }) => summariseTask(t, runs));
  return { tasks, variants: verdicts(tasks), overhead: [...latest.values()], runs, provenance: provenanceOf(runs) };
}

export function fmtValue(v: number, metric: { name: string }): string {
  if (!Number.isFinite(v)) return v === -Infinity || v === Infinity ? 'diverged' : 'n/a';
  return metric.name === 'accuracy' ? `${(100 * v).toFixed(2)}%` : v.toPrecision(4);
}

/** A metric difference in the metric's display unit (points for accuracy). */
export function fmtDelta(v: number, metric: { name: string }): string {
  if (!Number.isFinite(v)) return v === Infinity ? '∞' : 'n/a';
  return metric.name === 'accuracy' ? `${(100 * v).toFixed(2)} pts` : v.toPrecision(3);
}

export function fmtStat(s: Stat, metric: { name: string }): string {
  if (!Number.isFinite(s.mean)) return fmtValue(s.mean, metric);
  const scale = metric.name === 'accuracy' ? 100 : 1;
  const sd = s.n > 1 && Number.isFinite(s.sd) ? ` ± ${(scale * s.sd).toPrecision(2)}` : '';
  const n = s.n > 1 || s.diverged ? ` (n=${s.n}${s.diverged ? `, ${s.diverged} diverged` : ''})` : '';
  return `${fmtValue(s.mean, metric)}${sd}${n}`;
}

/** The display name of a base optimizer family (adamw → AdamW). */
export function baseTitle(base: string): string {
  return base === 'adamw' ? 'AdamW' : base === 'sgd' ? 'SGD' : base;
}
