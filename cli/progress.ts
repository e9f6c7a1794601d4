// The progress display of `gen-bench run` on stderr. On a terminal: one line redrawn in place that
// fits the terminal's width (the label is cut, never the numbers). Anywhere else (CI logs, a pipe):
// plain lines, one per run and one every quarter of a run. The ETA is measured, not extrapolated
// from the current run: the median wall seconds per step of the finished runs of the same task,
// times the steps left in the phase; "ETA ?" until a run has finished.

/** Minutes:seconds, or hours and minutes from an hour on. */
export const fmtTime = (ms: number) => {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** A run still to do (or being done): its task and its step budget. */
export interface PlannedSteps {
  task: string;
  steps: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Milliseconds per step per task, from finished runs; the ETA of what is left. */
export class EtaEstimator {
  private readonly perStep = new Map<string, number[]>();

  /** A finished run: its wall time (training, evaluation and all) over its steps. */
  finished(task: string, wallMs: number, steps: number): void {
    if (!(steps > 0) || !Number.isFinite(wallMs)) return;
    this.perStep.set(task, [...(this.perStep.get(task) ?? []), wallMs / steps]);
  }

  /**
   * The time left for `left` (the current run's remaining steps first, then the runs after it):
   * `ms` sums the tasks with a measurement; `lowerBound` says some task has none yet (so the true
   * ETA is longer); null before any run of any task has finished.
   */
  eta(left: PlannedSteps[]): { ms: number; lowerBound: boolean } | null {
    if (this.perStep.size === 0) return null;
    let ms = 0;
    let lowerBound = false;
    for (const r of left) {
      const m = this.perStep.get(r.task);
      if (m) ms += median(m) * r.steps;
      else lowerBound = true;
    }
    return { ms, lowerBound };
  }
}

/** What one progress line shows. */
export interface ProgressLine {
  label: string;
  step: number;
  steps: number;
  loss: number;
  lr: number;
  eta: { ms: number; lowerBound: boolean } | null;
}

const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));
const fmtLr = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : '-');
const etaText = (e: ProgressLine['eta']) => (e === null ? 'ETA ?' : `ETA ${e.lowerBound ? '>' : ''}${fmtTime(e.ms)}`);

/** The numbers of a line, without label or bar: "150/300 ETA 3:12 loss 0.2345 lr 1.2e-3". */
export const progressNumbers = (p: ProgressLine) =>
  `${p.step}/${p.steps} ${etaText(p.eta)} loss ${fmtLoss(p.loss)} lr ${fmtLr(p.lr)}`;

/**
 * One line of at most `width - 1` characters (the last column stays free, so the terminal never
 * wraps): label, bar, numbers. The label is shortened first (with …), then the bar goes; the numbers
 * are cut only when they alone do not fit.
 */
export function formatProgressLine(p: ProgressLine, width: number): string {
  const max = Math.max(10, width - 1);
  const numbers = progressNumbers(p);
  if (numbers.length >= max) return numbers.slice(0, max);
  const frac = p.steps > 0 ? Math.min(1, p.step / p.steps) : 0;
  const barWidth = max - numbers.length >= 40 ? 10 : max - numbers.length >= 24 ? 6 : 0;
  const filled = Math.round(frac * barWidth);
  const bar = barWidth ? `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ` : '';
  const room = max - numbers.length - bar.length - 1;
  if (room < 4) return `${bar}${numbers}`.slice(0, max);
  const label = p.label.length > room ? `${p.label.slice(0, room - 1)}…` : p.label;
  return `${label.padEnd(room)} ${bar}${numbers}`;
}

export interface ProgressOptions {
  write?: (s: string) => void;
  /** Whether stderr is a terminal (default: process.stderr.isTTY). */
  tty?: boolean;
  /** The terminal's width (default: process.stderr.columns, else 80). */
  columns?: () => number;
}

export class Progress {
  private readonly write: (s: string) => void;
  private readonly tty: boolean;
  private readonly columns: () => number;
  private readonly estimator = new EtaEstimator();
  private todo: PlannedSteps[] = [];
  private current = -1;
  private label = '';
  private lastQuarter = -1;
  /** Whether a redrawn line is on screen (so a message must clear it first). */
  private drawn = false;

  constructor(o: ProgressOptions = {}) {
    this.write = o.write ?? ((s) => process.stderr.write(s));
    this.tty = o.tty ?? process.stderr.isTTY === true;
    this.columns = o.columns ?? (() => process.stderr.columns || 80);
  }

  /** A message on a line of its own (clears a progress line first). */
  line(s: string): void {
    this.write(`${this.clear()}${s}\n`);
  }

  private clear(): string {
    if (!this.drawn) return '';
    this.drawn = false;
    return '\r\x1b[K';
  }

  phase(name: string, todo: PlannedSteps[], skipped: number): void {
    this.todo = todo;
    this.current = -1;
    this.line(
      `phase ${name}: ${todo.length} runs to do${skipped ? `, ${skipped} already in the results file (skipped)` : ''}`,
    );
  }

  start(label: string, index: number, total: number): void {
    this.current = index;
    this.lastQuarter = -1;
    this.label = `[${index + 1}/${total}] ${label}`;
    if (!this.tty) this.line(this.label);
  }

  /** What is left of the phase: the current run's remaining steps, then the runs after it. */
  private left(step: number): PlannedSteps[] {
    const cur = this.todo[this.current];
    const rest = this.todo.slice(this.current + 1);
    return cur ? [{ task: cur.task, steps: Math.max(0, cur.steps - step) }, ...rest] : rest;
  }

  update(step: number, steps: number, loss: number, lr: number): void {
    const p: ProgressLine = { label: this.label, step, steps, loss, lr, eta: this.estimator.eta(this.left(step)) };
    if (this.tty) {
      this.write(`\r${formatProgressLine(p, this.columns())}\x1b[K`);
      this.drawn = true;
      return;
    }
    const q = Math.floor((step / steps) * 4);
    if (q > this.lastQuarter && q < 4) {
      this.lastQuarter = q;
      this.line(`    ${progressNumbers(p)}`);
    }
  }

  /** A run finished: its time per step feeds the ETA; its summary gets a line. */
  end(task: string, wallMs: number, steps: number, summary: string): void {
    this.estimator.finished(task, wallMs, steps);
    if (!this.tty) return this.line(`    ${summary}`);
    const room = Math.max(4, this.columns() - 2 - summary.length);
    const label = this.label.length > room ? `${this.label.slice(0, room - 1)}…` : this.label;
    this.line(`${label} ${summary}`);
  }
}
