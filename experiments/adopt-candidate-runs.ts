// Adds to a results file the development-task runs that the chosen defaults already have, under the
// names the suite reports them by, so the final run does not repeat them:
// - GeN's defaults (gen-adamw, gen-sgd: the cooldown horizon over the run length) = the candidate runs
//   gen-<base>-cooldown of docs/results/defaults-candidates.jsonl.gz (seeds 0 and 1);
// - the anytime mode (gen-<base>-anytime: no horizon) = 0.2.0's gen-<base> runs of docs/results/full-0.2.0.jsonl.gz.
// Same configuration, same code path: the final run reproduced both bit for bit on mnist-mlp (seed 0
// and 1 of gen-adamw: 0.9772, 0.9781; seed 0 of gen-adamw-anytime: 0.9717). Each adopted record keeps
// its commit and says where it came from (`adoptedFrom`).
// Usage: npx tsx experiments/adopt-candidate-runs.ts OUT.jsonl
import { appendFileSync } from 'node:fs';
import { findOptimizer } from '../bench/optimizers.js';
import { readResults, runKey, type RunRecord } from '../bench/results.js';

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx experiments/adopt-candidate-runs.ts OUT.jsonl');
const read = (p: string) => readResults(p).filter((r): r is RunRecord => r.kind === 'run' && r.phase === 'tune');
const DEV = ['mnist-mlp', 'fashion-cnn', 'moby-char', 'movielens-mf', 'breast-cancer-logreg', 'diabetes-mlp'];
const adopt = (from: RunRecord[], source: (base: string) => string, target: (base: string) => string) => {
  let n = 0;
  for (const base of ['adamw', 'sgd']) {
    const entry = findOptimizer(target(base))!.configs('full')[0];
    for (const r of from.filter((x) => x.optimizer === source(base) && DEV.includes(x.task))) {
      const record = {
        ...r,
        optimizer: entry.optimizer,
        label: entry.label,
        config: entry.config,
        key: runKey({
          task: r.task,
          optimizer: entry.optimizer,
          config: entry.config,
          seed: r.seed,
          steps: r.steps,
          phase: r.phase,
        }),
        adoptedFrom: r.optimizer,
      };
      appendFileSync(out, JSON.stringify(record) + '\n');
      n++;
    }
  }
  return n;
};
const a = adopt(
  read('docs/results/defaults-candidates.jsonl.gz'),
  (b) => `gen-${b}-cooldown`,
  (b) => `gen-${b}`,
);
const b = adopt(
  read('docs/results/full-0.2.0.jsonl.gz'),
  (b) => `gen-${b}`,
  (b) => `gen-${b}-anytime`,
);
console.log(`adopted ${a} default runs and ${b} anytime runs into ${out}`);
