// Diagnostic for docs/algorithm.md §18: along GeN's default run (seed 0, the task's full budget, the cooldown
// horizon), what a pooled proposal x̂ = Σρᵏaₖ / Σρᵏbₖ (aₖ the slope at the previous step's start) over the recent fits with significant curvature would have
// said, against the smoothed lr the default rule holds at the same refit. Counterfactual: the run is the
// default's; it shows in which direction pooling would pull the lr, not where a pooled run would end.
// Usage: npx tsx experiments/pooled-fit-check.ts <task> <adamw|sgd> [rho]; SEED=<n> for another seed than 0.
import { findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { stepOnTask } from './task-step.js';

const [name, baseName, rhoText = '0.9'] = process.argv.slice(2);
const task = name === undefined ? undefined : findTask(name);
if (!task || (baseName !== 'adamw' && baseName !== 'sgd')) {
  process.stderr.write('usage: npx tsx experiments/pooled-fit-check.ts <task> <adamw|sgd> [rho]\n');
  process.exit(2);
}
const rho = Number(rhoText);
await setupBackend();
const seed = Number(process.env.SEED ?? '0');
if (!Number.isInteger(seed) || seed < 0) {
  process.stderr.write(`SEED must be a non-negative integer, got ${process.env.SEED}\n`);
  process.exit(2);
}
const model = task.create(seed);
const base = baseName === 'sgd' ? new SGDW({ momentum: 0.9 }) : new AdamW();
const steps = task.steps.full;
const opt = new GeN(base, { horizon: { steps } });
let A = 0;
let B = 0;
const ratios: number[] = [];
const single: number[] = [];
const held: number[] = [];
for (let s = 0; s < steps; s++) {
  stepOnTask(opt, model, s);
  const st = opt.lastStep!;
  if (!st.refit || st.calibrating) continue;
  if (Number.isFinite(st.a) && Number.isFinite(st.b) && st.reason !== 'insignificant' && st.reason !== 'nonfinite') {
    A = rho * A + (st.a - st.b * st.start);
    B = rho * B + st.b;
  }
  if (s < 0.8 * steps) held.push(st.smoothedLr);
  if (s < 0.8 * steps && B > 0 && A > 0) {
    ratios.push(A / B / st.smoothedLr);
    if (st.b > 0 && st.a - st.b * st.start > 0) single.push((st.a - st.b * st.start) / st.b / st.smoothedLr);
  }
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const q = (xs: number[], f: number) => [...xs].sort((p, r) => p - r)[Math.floor(f * (xs.length - 1))];
console.log(
  `${name} ${baseName} seed ${seed} rho ${rho}: median lr at the refits of the first 80% ${med(held).toExponential(2)}; pooled x̂ ÷ lr median ${med(ratios).toFixed(2)} (q25 ${q(ratios, 0.25).toFixed(2)}, q75 ${q(ratios, 0.75).toFixed(2)}, n ${ratios.length}); single-fit x* ÷ lr median ${med(single).toFixed(2)}; test ${JSON.stringify(model.evaluate('test'))}`,
);
opt.dispose();
model.dispose();
