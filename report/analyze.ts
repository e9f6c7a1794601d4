// Turns result records into the numbers the report shows: per task, GeN vs the best and the median
// configuration of each tuned grid vs the peers (mean ± sd over seeds), cost of tuning, reasons.
import type { OverheadRecord, ResultRecord, RunRecord } from '../bench/results.js';

export interface Stat {
  mean: number;
  sd: number;
  n: number;
  values: number[];
}

export function stat(values: number[]): Stat {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n, values };
}

/** One row of the headline table. */
export interface Entry {
  name: string;
  label: string;
  kind: 'gen' | 'grid-best' | 'grid-median' | 'peer';
  base: string;
  stat: Stat;
  /** Runs behind this entry (seed 0 run first). */
  runs: RunRecord[];
  /** Total wall time of the runs one needs to obtain it (grid: the whole seed-0 grid). */
  costMs: number;
  config?: Record<string, unknown>;
}

export interface TaskSummary {
  task: string;
  metric: { name: string; higherIsBetter: boolean };
  entries: Entry[];
  /** GeN vs the best grid of the same base: relative gap (positive = GeN worse). */
  verdicts: { gen: string; grid: string; genMean: number; bestMean: number; relGap: number; within1pct: boolean }[];
  /** GeN runs from different initial lrs (robustness phase). */
  robustness: { label: string; lr: number; value: number }[];
}

const configKey = (r: RunRecord) => JSON.stringify(r.config);

export function summarise(records: ResultRecord[]): {
  tasks: TaskSummary[];
  overhead: OverheadRecord[];
  runs: RunRecord[];
} {
  const runs = records.filter((r): r is RunRecord => r.kind === 'run');
  // The latest overhead measurement of each task (records are appended in time order).
  const latest = new Map<string, OverheadRecord>();
  for (const r of records) if (r.kind === 'overhead') latest.set(r.task, r);
  const overhead = [...latest.values()];
  const taskNames = [...new Set(runs.map((r) => r.task))];
  const tasks = taskNames.map((task): TaskSummary => {
    const tr = runs.filter((r) => r.task === task && r.phase === 'tune');
    const metric = tr[0]?.metric ?? runs.find((r) => r.task === task)!.metric;
    const better = (a: number, b: number) => (metric.higherIsBetter ? a > b : a < b);
    const entries: Entry[] = [];
    for (const name of [...new Set(tr.map((r) => r.optimizer))]) {
      const rs = tr.filter((r) => r.optimizer === name);
      const kind = rs[0].optimizerKind;
      if (kind === 'grid') {
        const seed0 = rs.filter((r) => r.seed === 0);
        const costMs = seed0.reduce((a, r) => a + r.wallMs, 0);
        const valOf = (r: RunRecord) => (r.diverged ? NaN : r.final.val[metric.name]);
        const best = seed0
          .filter((r) => Number.isFinite(valOf(r)))
          .reduce<RunRecord | null>((b, r) => (!b || better(valOf(r), valOf(b)) ? r : b), null);
        if (best) {
          const same = rs.filter((r) => configKey(r) === configKey(best)).sort((a, b) => a.seed - b.seed);
          entries.push({
            name,
            label: `best ${best.label}`,
            kind: 'grid-best',
            base: rs[0].base,
            stat: stat(same.map((r) => r.value)),
            runs: same,
            costMs,
            config: best.config,
          });
        }
        // median over the grid's configurations (seed 0); diverged runs count as the worst value
        const vals = seed0
          .map((r) => (Number.isFinite(r.value) ? r.value : metric.higherIsBetter ? -Infinity : Infinity))
          .sort((a, b) => a - b);
        const med = vals.length
          ? vals.length % 2
            ? vals[(vals.length - 1) / 2]
            : (vals[vals.length / 2 - 1] + vals[vals.length / 2]) / 2
          : NaN;
        entries.push({
          name,
          label: `median of ${seed0.length} grid configs (${rs[0].base === 'adamw' ? 'AdamW' : 'SGD'})`,
          kind: 'grid-median',
          base: rs[0].base,
          stat: { mean: med, sd: NaN, n: seed0.length, values: vals },
          runs: seed0,
          costMs,
        });
      } else {
        const sorted = [...rs].sort((a, b) => a.seed - b.seed);
        const seed0 = sorted.find((r) => r.seed === 0);
        entries.push({
          name,
          label: rs[0].label,
          kind: kind === 'gen' ? 'gen' : 'peer',
          base: rs[0].base,
          stat: stat(sorted.map((r) => r.value)),
          runs: sorted,
          costMs: seed0 ? seed0.wallMs : NaN,
        });
      }
    }
    const verdicts = entries
      .filter((e) => e.kind === 'gen')
      .flatMap((g) => {
        const best = entries.find((e) => e.kind === 'grid-best' && e.base === g.base);
        if (!best) return [];
        const relGap = metric.higherIsBetter
          ? (best.stat.mean - g.stat.mean) / Math.abs(best.stat.mean)
          : (g.stat.mean - best.stat.mean) / Math.abs(best.stat.mean);
        const pointsGap = metric.name === 'accuracy' ? (best.stat.mean - g.stat.mean) * 100 : NaN;
        const within1pct = relGap <= 0.01 || (Number.isFinite(pointsGap) && pointsGap <= 0.5);
        return [{ gen: g.label, grid: best.label, genMean: g.stat.mean, bestMean: best.stat.mean, relGap, within1pct }];
      });
    const robustness = runs
      .filter((r) => r.task === task && r.phase === 'robustness')
      .map((r) => ({ label: r.label, lr: Number(r.config.lr), value: r.value }));
    return { task, metric, entries, verdicts, robustness };
  });
  return { tasks, overhead, runs };
}

export function fmtValue(v: number, metric: { name: string }): string {
  if (!Number.isFinite(v)) return v === -Infinity || v === Infinity ? 'diverged' : 'n/a';
  return metric.name === 'accuracy' ? `${(100 * v).toFixed(2)}%` : v.toPrecision(4);
}

export function fmtStat(s: Stat, metric: { name: string }): string {
  if (!Number.isFinite(s.mean)) return fmtValue(s.mean, metric);
  const scale = metric.name === 'accuracy' ? 100 : 1;
  const sd =
    s.n > 1 && Number.isFinite(s.sd)
      ? ` ± ${(scale * s.sd).toPrecision(2)}${metric.name === 'accuracy' ? '' : ''}`
      : '';
  return `${fmtValue(s.mean, metric)}${sd}${s.n > 1 ? ` (n=${s.n})` : ''}`;
}
