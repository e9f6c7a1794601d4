// The Markdown summary for the README: the verdict, which tasks decide it, the final-metric table,
// the comparisons, the cost of tuning and the overhead, each with the command that produced it.
// Columns are picked by record fields (kind, base, GeN's configuration), never by label.
import {
  baseTitle,
  fmtDelta,
  fmtStat,
  fmtValue,
  groupsText,
  hasDefaultProbes,
  isGenAnytime,
  isGenDefault,
  type Entry,
  type Summary,
  type TaskSummary,
} from './analyze.js';
import { ENCODING_CAPTION } from './encoding.js';
import { headlineLines } from './headline.js';
import { PEER_RULE, peerStandings, trailsText } from './peer-standing.js';
import { DECIDING_RULE, DIVERGED_RULE, TARGET_RULE } from './rules.js';

export interface MarkdownSource {
  /** The results file shown. */
  results: string;
  duplicates: number;
  /** `run … && report …` that made these records. */
  produced: string;
  /** The command that rebuilds this summary from committed data, if any. */
  regenerate: string | null;
  /** The figures' PNGs, relative to the summary's folder (overviews first). */
  pngs: string[];
  totalMs: number;
}

/**
 * Text from the records, made safe for Markdown: a `|` would break a table, a newline a line, and
 * markup would be markup wherever the summary is rendered.
 */
const cellText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function find(t: TaskSummary, pred: (e: Entry) => boolean): Entry | undefined {
  return t.entries.find(pred);
}

function splitTestText(t: TaskSummary): string {
  const size = t.testSize === null ? '' : `${t.testSize} test examples`;
  const parts = [t.resolution === null ? null : `1 example = ${t.resolution.toPrecision(2)} pts`, groupsText(t)];
  const shown = parts.filter(Boolean);
  const res = shown.length > 0 ? ` (${shown.join('; ')})` : '';
  return [cellText(t.split ?? ''), size + res].filter(Boolean).join(', ') || '–';
}

export function markdownSummary(s: Summary, src: MarkdownSource): string {
  const lines: string[] = [];
  lines.push(
    `Produced by \`${src.produced}\` (${s.runs.length} runs, ${(src.totalMs / 60000).toFixed(1)} min of training, backend ${cellText(s.runs[0]?.backend ?? '?')}; results in \`${src.results}\`; ${src.duplicates} duplicate records dropped).${src.regenerate ? ` Regenerate with \`${src.regenerate}\`.` : ''}`,
    '',
  );
  const commits = s.provenance.commits.map(
    (c) => `${cellText(c.commit.slice(0, 12))} (${c.runs} runs${c.dirty ? `, ${c.dirty} dirty` : ''})`,
  );
  lines.push(
    `Code: ${commits.length ? commits.join(', ') : 'no commit recorded'}${s.provenance.unknown ? `; ${s.provenance.unknown} runs without a commit` : ''}.`,
    '',
  );
  lines.push(
    `**Target**: ${TARGET_RULE}`,
    '',
    `**Deciding tasks**: ${DECIDING_RULE}`,
    '',
    `**Diverged runs**: ${DIVERGED_RULE}`,
    '',
  );

  lines.push('**Headline** (deciding tasks only; ✓ within target, ✗ not):', '');
  for (const l of headlineLines(s)) lines.push(`- ${cellText(l)}`);
  const overviews = src.pngs.filter((p) => /(^|\/)overview-[^/]*$/.test(p));
  if (overviews.length) lines.push('', ...overviews.map((p) => `![${cellText(p)}](${p})`));
  lines.push('');

  const splits = [...new Set(s.variants.flatMap((v) => v.bySplit.map((b) => b.split)))];
  lines.push(
    `| GeN variant | within target on deciding tasks |${splits.map((sp) => ` ${cellText(sp)} (deciding) |`).join('')} all tasks |`,
    `|---|---|${splits.map(() => '---|').join('')}---|`,
  );
  for (const v of s.variants)
    lines.push(
      `| ${cellText(v.label)} (\`${cellText(v.optimizer)}\`${v.isDefault ? ', defaults' : ''}) | ${v.within} of ${v.deciding} |${splits
        .map((sp) => {
          const b = v.bySplit.find((x) => x.split === sp);
          return ` ${b ? `${b.within} of ${b.deciding}` : '–'} |`;
        })
        .join('')} ${v.allWithin} of ${v.all} |`,
    );

  lines.push(
    '',
    `**Against the learning-rate-free peers**: ${PEER_RULE}`,
    '',
    '| GeN variant | tasks level with or ahead of every peer | where it trails (peers more than one sd ahead) |',
    '|---|---|---|',
  );
  for (const v of peerStandings(s))
    lines.push(
      `| ${cellText(v.label)} (\`${cellText(v.optimizer)}\`${v.isDefault ? ', defaults' : ''}) | ${v.level} of ${v.tasks.length} | ${cellText(trailsText(v.tasks))} |`,
    );
  lines.push(
    '',
    '| task | split, test set | grid | best (test) | median (test) | \\|best − median\\| | 2 × seed sd | decides? |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const t of s.tasks)
    for (const d of t.decisions)
      lines.push(
        `| ${cellText(t.task)} | ${splitTestText(t)} | ${cellText(baseTitle(d.base))} | ${d.best ? fmtStat(d.best.stat, t.metric) : '–'} | ${d.median ? fmtValue(d.median.stat.mean, t.metric) : '–'} | ${fmtDelta(d.spread, t.metric)} | ${fmtDelta(2 * d.noise, t.metric)} | ${d.decides === null ? `undecided (${d.reason})` : d.decides ? 'yes' : 'no'} |`,
      );

  lines.push(
    '',
    '| task | metric | GeN-AdamW | GeN-AdamW anytime | best AdamW grid | median AdamW grid | GeN-SGD | GeN-SGD anytime | best SGD grid | median SGD grid | peers |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of s.tasks) {
    const cell = (e: Entry | undefined) => (e ? fmtStat(e.stat, t.metric) : 'not run');
    const cfg = (e: Entry | undefined) =>
      e?.config ? ` (${cellText(String(e.config.schedule))}, lr ${cellText(String(e.config.lr))})` : '';
    const gen = (base: string) => find(t, (e) => isGenDefault(e) && e.base === base);
    const genAnytime = (base: string) => find(t, (e) => isGenAnytime(e) && e.base === base);
    const best = (base: string) => find(t, (e) => e.kind === 'grid-best' && e.base === base);
    const median = (base: string) => find(t, (e) => e.kind === 'grid-median' && e.base === base);
    const peers =
      t.entries
        .filter((e) => e.kind === 'peer')
        .map((e) => `${cellText(e.label)} ${fmtStat(e.stat, t.metric)}`)
        .join('; ') || 'not run';
    const perBase = (b: string) =>
      `${cell(gen(b))} | ${cell(genAnytime(b))} | ${cell(best(b))}${cfg(best(b))} | ${cell(median(b))}`;
    lines.push(
      `| ${cellText(t.task)} | ${cellText(t.metric.name)} ${t.metric.higherIsBetter ? '↑' : '↓'} | ${perBase('adamw')} | ${perBase('sgd')} | ${peers} |`,
    );
  }

  lines.push('', '**GeN against the best-tuned configuration of the same base**:', '');
  for (const t of s.tasks)
    for (const c of t.comparisons)
      lines.push(
        `- ${cellText(t.task)}: ${cellText(c.gen.label)} ${fmtValue(c.gen.stat.mean, t.metric)} vs ${cellText(c.best.label)} ${fmtValue(c.best.stat.mean, t.metric)}: ${c.within ? 'within target' : '**GeN loses**'} (relative gap ${(100 * c.relGap).toFixed(2)}%${c.gen.stat.diverged ? `; ${c.gen.stat.diverged} GeN seed(s) diverged` : ''}; ${c.decides === true ? 'task decides' : c.decides === false ? 'task does not decide' : 'task undecided'}).`,
      );

  lines.push('', '**Cost of tuning** (wall time):');
  for (const t of s.tasks) {
    const g = t.entries
      .filter(hasDefaultProbes)
      .map((e) => `${cellText(e.label)} ${(e.costMs / 1000).toFixed(1)} s`)
      .join(', ');
    const grids = t.entries
      .filter((e) => e.kind === 'grid-median')
      .map((e) => `${cellText(e.base)} grid ${e.runs.length} runs ${(e.costMs / 1000).toFixed(1)} s`)
      .join(', ');
    lines.push(`- ${cellText(t.task)}: ${g}; ${grids}`);
  }
  if (s.overhead.length) {
    lines.push(
      '',
      `**GeN's overhead per step** (\`npx tsx cli/main.ts overhead\`, also run by \`run\`; per step at refit period Φ: ((Φ − 1)·median plain step + median refit step)/Φ, variants interleaved in one process):`,
      '',
      '| task | every | probes | F ms | F+B ms (AdamW step) | GeN step without refit ms | GeN refit step ms | GeN / AdamW | bound 1 + kF/(every(F+B)) |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of s.overhead)
      for (const g of r.gen)
        lines.push(
          `| ${cellText(r.task)} | ${g.every} | ${g.probe} batch, ${g.forwards ?? (g.probe === 'same' ? 2 : 3)} forward(s) | ${r.forwardMs.toFixed(2)} | ${r.trainMs.toFixed(2)} | ${g.plainMs === undefined ? '–' : g.plainMs.toFixed(2)} | ${g.refitMs === undefined ? '–' : g.refitMs.toFixed(2)} | ${g.ratio.toFixed(3)} | ${g.bound.toFixed(3)} |`,
        );
  }
  const rob = s.tasks.filter((t) => t.robustness.length);
  if (rob.length) {
    lines.push('', '**Robustness to the initial lr** (GeN, seed 0):', '');
    for (const t of rob)
      lines.push(
        `- ${cellText(t.task)}: ${t.robustness.map((r) => `GeN-${cellText(baseTitle(r.base))} lr0 ${r.lr}: ${r.diverged ? 'diverged' : fmtValue(r.value, t.metric)}`).join('; ')}`,
      );
  }
  const others = src.pngs.filter((p) => !/(^|\/)overview-[^/]*$/.test(p));
  if (others.length) lines.push('', ENCODING_CAPTION, '', ...others.map((p) => `![${cellText(p)}](${p})`));
  return lines.join('\n') + '\n';
}
