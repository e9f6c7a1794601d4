// Why GeN-AdamW without a warm-up (calibrationDivisor = 1, this library's first default) failed on the MovieLens
// matrix factorisation task: records GeN's refits (reason, lr applied, raw proposal, probe offsets
// and losses) over the first 240 steps of seed 0 in results/experiments/movielens-adamw-trace.jsonl
// and prints them from there. In the full suite it ended with a test RMSE of
// 4.8 ± 2.2 against the grid's 0.90. The trace shows the pattern:
// calibration raises the lr to ~0.2 within 4 steps (the first Adam steps are aligned with the
// gradient, so the one-step optimum along them is large); then the previous step raises the loss on
// the next batch at every refit for ~30 steps ('not_descent'), the gentle ×0.95 back-off barely
// lowers the lr, and the run settles in a regime where the one-step optimum along Adam's
// sign-like direction stays ~0.15 while the training loss sits 3–4× above its start.
// With the default calibrationDivisor = 3 the lr rises from a third of the first proposal and the run ends near
// the grid (pass --calibration-divisor 3 to compare).
//   scripts/install-data.sh && npx tsx experiments/movielens-adamw-trace.ts [--every 4] [--calibration-divisor 1] [--steps 240]
import { movielensMf } from '../bench/tasks/movielens-mf.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN } from '../src/index.js';
import { experimentFlags } from './args.js';
import { ExperimentLog, num } from './store.js';
import { stepOnTask } from './task-step.js';

const flags = experimentFlags('experiments/movielens-adamw-trace.ts', {
  every: { default: '4', help: "GeN's refit period", kind: 'int' },
  'calibration-divisor': { default: '1', help: "GeN's calibrationDivisor", kind: 'int' },
  steps: { default: '240', help: 'training steps traced', kind: 'int' },
});
const log = new ExperimentLog('movielens-adamw-trace', (await setupBackend()).backend);
const config = { seed: 0, every: flags.every, calibrationDivisor: flags['calibration-divisor'], steps: flags.steps };
const label = `GeN-AdamW every ${config.every} calibrationDivisor ${config.calibrationDivisor}`;
const model = movielensMf.create(config.seed);
const opt = new GeN(new AdamW(), { every: config.every, calibrationDivisor: config.calibrationDivisor });
const trace = {
  step: [] as number[],
  loss: [] as number[],
  reason: [] as string[],
  lr: [] as number[],
  proposedLr: [] as number[],
  probeOffsets: [] as number[][],
  probeLosses: [] as number[][],
};
for (let s = 0; s < config.steps; s++) {
  const loss = stepOnTask(opt, model, s);
  const st = opt.lastStep!;
  // Every refit of the first 40 steps, then the refits on every 8th step.
  if (st.refit && (s < 40 || s % 8 === 0)) {
    trace.step.push(s);
    trace.loss.push(loss);
    trace.reason.push(st.reason);
    trace.lr.push(st.appliedLr);
    trace.proposedLr.push(st.proposedLr);
    trace.probeOffsets.push([...st.probeOffsets]);
    trace.probeLosses.push([...st.probeLosses]);
  }
}
opt.dispose();
model.dispose();
log.append(label, config, trace);

const m = log.latest(label, config)!.metrics as typeof trace;
const fmt = (xs: number[], f: (x: number) => string) => xs.map((x) => f(num(x))).join(', ');
console.log(`${label}, seed 0, refits of the first ${config.steps} steps`);
console.log('step  loss    reason        lr applied  proposal   probe offsets (lr units)          probe losses');
m.step.forEach((s, i) =>
  console.log(
    `${String(s).padStart(4)}  ${num(m.loss[i]).toFixed(3).padStart(6)}  ${m.reason[i].padEnd(12)}  ${num(m.lr[i]).toExponential(2).padStart(9)}  ${num(m.proposedLr[i]).toExponential(2).padStart(9)}  [${fmt(m.probeOffsets[i], (x) => x.toExponential(2))}]  [${fmt(m.probeLosses[i], (x) => x.toFixed(4))}]`,
  ),
);
console.log(`(records: ${log.shownPath})`);
