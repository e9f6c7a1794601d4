// The table of docs/algorithm.md §9: each default candidate's mean test metric over seeds 0 and 1 on the
// development tasks, against the best-tuned grid of its base (the 0.2.0 full run), and how many
// (task, base) pairs that decide it puts within target (1% relative, or 0.5 points of accuracy).
// Usage: npx tsx experiments/candidates-table.ts
import { readResults, type RunRecord } from '../bench/results.js';

const read = (p: string) =>
  readResults(p).filter((r): r is RunRecord => r.kind === 'run' && r.phase === 'tune' && r.seed <= 1);
const records = [...read('docs/results/full-0.2.0.jsonl.gz'), ...read('docs/results/defaults-candidates.jsonl.gz')];
// The deciding (task, base) pairs of the 0.2.0 full run and their best-tuned test metric (README, report).
const BEST: [string, 'adamw' | 'sgd', number, boolean][] = [
  ['mnist-mlp', 'adamw', 0.9795, true],
  ['mnist-mlp', 'sgd', 0.9759, true],
  ['fashion-cnn', 'adamw', 0.8718, true],
  ['fashion-cnn', 'sgd', 0.8584, true],
  ['moby-char', 'adamw', 7.51, false],
  ['moby-char', 'sgd', 8.1, false],
  ['movielens-mf', 'adamw', 0.8968, false],
  ['movielens-mf', 'sgd', 0.8833, false],
  ['breast-cancer-logreg', 'adamw', 0.05098, false],
];
const CANDIDATES = ['cosine', 'cooldown', 'f15-hold-cosine', 'f15-hold-cooldown'];
const count = new Map<string, number>();
console.log(`| task, base | best tuned | target | ${CANDIDATES.join(' | ')} |`);
console.log(`|---|---|---|${CANDIDATES.map(() => '---|').join('')}`);
for (const [task, base, best, accuracy] of BEST) {
  // The report's rule (report/analyze.ts): within 0.5 points for an accuracy, within 1% relative otherwise.
  const target = accuracy ? best - 0.005 : best * 1.01;
  const fmt = (v: number) => (accuracy ? `${(100 * v).toFixed(2)}%` : v.toPrecision(4));
  const cells = CANDIDATES.map((c) => {
    const v = records
      .filter((r) => r.task === task && r.optimizer === `gen-${base}-${c}`)
      .map((r) => (Number.isFinite(r.value) ? r.value : NaN));
    if (v.length === 0) return '–';
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const within = accuracy ? mean >= target : mean <= target;
    if (within) count.set(c, (count.get(c) ?? 0) + 1);
    return `${within ? '**' : ''}${fmt(mean)} (n=${v.length})${within ? '**' : ''}`;
  });
  console.log(`| ${task}, ${base} | ${fmt(best)} | ${accuracy ? '≥' : '≤'} ${fmt(target)} | ${cells.join(' | ')} |`);
}
console.log(`| within target | | | ${CANDIDATES.map((c) => `${count.get(c) ?? 0} of ${BEST.length}`).join(' | ')} |`);
