// The Markdown summary for the README: the final-metric table, the verdicts, the cost of tuning and
// the overhead, each with the command that produced it.
import type { OverheadRecord } from '../bench/results.js';
import { fmtStat, fmtValue, type TaskSummary } from './analyze.js';

export function markdownSummary(o: {
  tasks: TaskSummary[];
  overhead: OverheadRecord[];
  results: string;
  pngs: string[];
  runs: number;
  backend: string;
  totalMs: number;
  medianMs: number;
}): string {
  const mode = o.results.includes('full') ? '--full' : '--quick';
  // The seed count is read back from the runs, so the command shown is the one that made them.
  const seeds = Math.max(
    1,
    ...o.tasks.flatMap((t) => t.entries.filter((e) => e.kind !== 'grid-median').map((e) => e.stat.n)),
  );
  const defaultSeeds = mode === '--full' ? 3 : 1;
  const cmd = `npx tsx cli/main.ts run ${mode}${seeds !== defaultSeeds ? ` --seeds ${seeds}` : ''} && npx tsx cli/main.ts report${mode === '--full' ? ' --full' : ''}`;
  const lines: string[] = [];
  lines.push(
    `Produced by \`${cmd}\` (${o.runs} runs, ${(o.totalMs / 60000).toFixed(1)} min of training, backend ${o.backend}; results in \`${o.results}\`).`,
    '',
  );
  lines.push(
    '| task | metric | GeN-AdamW | GeN-AdamW + cosine horizon | best AdamW grid | median AdamW grid | GeN-SGD | GeN-SGD + cosine horizon | best SGD grid | median SGD grid | peers |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of o.tasks) {
    const find = (kind: string, base: string, horizon = false) =>
      t.entries.find(
        (e) => e.kind === kind && e.base === base && !/probes\)/.test(e.label) && /horizon/.test(e.label) === horizon,
      );
    const cell = (e: ReturnType<typeof find>) => (e ? fmtStat(e.stat, t.metric) : 'not run');
    const cfg = (e: ReturnType<typeof find>) =>
      e?.config ? ` (${String(e.config.schedule)}, lr ${String(e.config.lr)})` : '';
    const peers =
      t.entries
        .filter((e) => e.kind === 'peer')
        .map((e) => `${e.label} ${fmtStat(e.stat, t.metric)}`)
        .join('; ') || 'not run';
    lines.push(
      `| ${t.task} | ${t.metric.name} ${t.metric.higherIsBetter ? '↑' : '↓'} | ${cell(find('gen', 'adamw'))} | ${cell(find('gen', 'adamw', true))} | ${cell(find('grid-best', 'adamw'))}${cfg(find('grid-best', 'adamw'))} | ${cell(find('grid-median', 'adamw'))} | ${cell(find('gen', 'sgd'))} | ${cell(find('gen', 'sgd', true))} | ${cell(find('grid-best', 'sgd'))}${cfg(find('grid-best', 'sgd'))} | ${cell(find('grid-median', 'sgd'))} | ${peers} |`,
    );
  }
  lines.push(
    '',
    '**GeN against the best-tuned configuration of the same base** (target: within 1% relative, or 0.5 points of accuracy):',
    '',
  );
  for (const t of o.tasks)
    for (const v of t.verdicts) {
      lines.push(
        `- ${t.task}: ${v.gen} ${fmtValue(v.genMean, t.metric)} vs ${v.grid} ${fmtValue(v.bestMean, t.metric)}: ${v.within1pct ? 'within target' : '**GeN loses**'} (relative gap ${(100 * v.relGap).toFixed(2)}%).`,
      );
    }
  lines.push('', '**Cost of tuning** (wall time): ');
  for (const t of o.tasks) {
    const g = t.entries
      .filter((e) => e.kind === 'gen' && !/probes\)/.test(e.label))
      .map((e) => `${e.label} ${(e.costMs / 1000).toFixed(1)} s`)
      .join(', ');
    const grids = t.entries
      .filter((e) => e.kind === 'grid-median')
      .map((e) => `${e.base} grid ${e.runs.length} runs ${(e.costMs / 1000).toFixed(1)} s`)
      .join(', ');
    lines.push(`- ${t.task}: ${g}; ${grids}`);
  }
  if (o.overhead.length) {
    lines.push(
      '',
      `**GeN's overhead per step** (\`npx tsx cli/main.ts overhead\`, also run by \`run\`; per step at refit period Φ: ((Φ − 1)·median plain step + median refit step)/Φ, variants interleaved in one process):`,
      '',
      '| task | every | probes | F ms | F+B ms (AdamW step) | GeN step without refit ms | GeN refit step ms | GeN / AdamW | bound 1 + kF/(every(F+B)) |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of o.overhead)
      for (const g of r.gen)
        lines.push(
          `| ${r.task} | ${g.every} | ${g.probe} batch | ${r.forwardMs.toFixed(2)} | ${r.trainMs.toFixed(2)} | ${g.plainMs === undefined ? '–' : g.plainMs.toFixed(2)} | ${g.refitMs === undefined ? '–' : g.refitMs.toFixed(2)} | ${g.ratio.toFixed(3)} | ${g.bound.toFixed(3)} |`,
        );
  }
  const rob = o.tasks.filter((t) => t.robustness.length);
  if (rob.length) {
    lines.push('', '**Robustness to the initial lr** (GeN, seed 0):', '');
    for (const t of rob)
      lines.push(
        `- ${t.task}: ${t.robustness.map((r) => `${r.label.replace(/ lr0=.*/, '')} lr0 ${r.lr}: ${fmtValue(r.value, t.metric)}`).join('; ')}`,
      );
  }
  if (o.pngs.length) lines.push('', ...o.pngs.map((p) => `![${p}](${p})`));
  return lines.join('\n') + '\n';
}
