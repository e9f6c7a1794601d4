// A one-line progress bar on stderr: run i/n, bar, steps, ETA of the run and of the phase, loss, lr.
// On a non-TTY stderr (CI logs) it prints one line per run and a line every ~25% instead.

/** Minutes:seconds, or hours and minutes from an hour on. */
export const fmtTime = (ms: number) => {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastQuarter = -1;
  private phaseStart = 0;
  private phaseRuns = 0;
  private runsDone = 0;

  constructor(private readonly write: (s: string) => void = (s) => process.stderr.write(s)) {}

  phase(name: string, runs: number, skipped: number): void {
    this.phaseStart = performance.now();
    this.phaseRuns = runs;
    this.runsDone = 0;
    this.write(
      `${this.tty ? '\n' : ''}phase ${name}: ${runs} runs to do${skipped ? `, ${skipped} already in the results file (skipped)` : ''}\n`,
    );
  }

  start(label: string, index: number, total: number): void {
    this.lastQuarter = -1;
    if (!this.tty) this.write(`[${index + 1}/${total}] ${label}\n`);
    this.label = `[${index + 1}/${total}] ${label}`;
  }

  private label = '';

  update(step: number, steps: number, loss: number, lr: number, elapsedMs: number): void {
    const frac = step / steps;
    const eta = (elapsedMs / Math.max(frac, 1e-9)) * (1 - frac);
    const phaseElapsed = performance.now() - this.phaseStart;
    const perRun = phaseElapsed / Math.max(this.runsDone + frac, 1e-9);
    const phaseEta = perRun * (this.phaseRuns - this.runsDone - frac);
    const info = `${step}/${steps} ETA ${fmtTime(eta)} (phase ${fmtTime(phaseEta)}) loss ${loss.toPrecision(4)} lr ${Number.isFinite(lr) ? lr.toExponential(2) : '-'}`;
    if (this.tty) {
      const width = 20;
      const filled = Math.round(frac * width);
      const line = `${this.label.slice(0, 48).padEnd(48)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${info}`;
      this.write(
        `\r${line.slice(0, (process.stderr.columns ?? 160) - 1).padEnd(Math.min(159, (process.stderr.columns ?? 160) - 1))}`,
      );
    } else {
      const q = Math.floor(frac * 4);
      if (q > this.lastQuarter && q < 4) {
        this.lastQuarter = q;
        this.write(`    ${info}\n`);
      }
    }
  }

  end(summary: string): void {
    this.runsDone++;
    this.write(`${this.tty ? '\r\x1b[K' : '    '}${this.tty ? this.label + ' ' : ''}${summary}\n`);
  }
}
