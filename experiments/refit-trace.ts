// Prints GeN's refits on one benchmark task, seed 0 (or the seed in the environment variable SEED), in a custom loop (no horizon): per refit the
// reason, the training loss, the applied and smoothed lr, the proposal, the fitted slope a and curvature
// b, the start offset, and the probe losses. This is how docs/algorithm.md §10 read the moby-lstm
// collapse (every fit of the first 25 steps concave and downhill).
// Usage: npx tsx experiments/refit-trace.ts <task> <adamw|sgd> [steps] ['{"negativeCurvature":"reject"}']
// (the steps' refits are all printed up to step 60, then every 20th step's; TRACE_EVERY=1 prints every refit).
import { findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN, SGDW, type GeNOptions } from '../src/index.js';
import { stepOnTask } from './task-step.js';

const [name, baseName, stepsText = '40', optionsJson = '{}'] = process.argv.slice(2);
const task = name === undefined ? undefined : findTask(name);
if (!task || (baseName !== 'adamw' && baseName !== 'sgd')) {
  process.stderr.write('usage: npx tsx experiments/refit-trace.ts <task> <adamw|sgd> [steps] [GeN options as JSON]\n');
  process.exit(2);
}
await setupBackend();
const seed = Number(process.env.SEED ?? '0');
if (!Number.isInteger(seed) || seed < 0) {
  process.stderr.write(`SEED must be a non-negative integer, got ${process.env.SEED}\n`);
  process.exit(2);
}
const model = task.create(seed);
// BASE_OPTIONS (JSON) adds options to the base, e.g. '{"biasCorrection":true}' for SGD.
const baseOptions = JSON.parse(process.env.BASE_OPTIONS ?? '{}') as object;
const base = baseName === 'sgd' ? new SGDW({ momentum: 0.9, ...baseOptions }) : new AdamW(baseOptions);
const opt = new GeN(base, { horizon: null, ...(JSON.parse(optionsJson) as Partial<GeNOptions>) });
const every = Number(process.env.TRACE_EVERY ?? '20');
if (!Number.isInteger(every) || every < 1) {
  process.stderr.write(`TRACE_EVERY must be a positive integer, got ${process.env.TRACE_EVERY}\n`);
  process.exit(2);
}
const e = (v: number) => v.toExponential(2);
for (let s = 0; s < Number(stepsText); s++) {
  const loss = stepOnTask(opt, model, s);
  const st = opt.lastStep!;
  if (st.refit && (s < 60 || s % every === 0))
    console.log(
      `${s} ${st.calibrating ? 'C' : ' '} ${st.reason.padEnd(13)} loss ${loss.toFixed(4)} lr ${e(st.appliedLr)} -> ${e(st.smoothedLr)} ` +
        `proposal ${e(st.proposedLr)} a ${e(st.a)} b ${e(st.b)} start ${e(st.start)} L ${st.probeLosses.map((x) => x.toFixed(5)).join(',')}`,
    );
}
console.log('validation', model.evaluate('val'));
opt.dispose();
model.dispose();
