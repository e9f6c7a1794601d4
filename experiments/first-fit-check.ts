// Which benchmark runs end GeN's calibration at their very first refit (docs/algorithm.md §11): for each
// task, each GeN configuration of the suite (defaults and anytime mode, seeds 0–2; the initial-lr runs,
// seed 0) takes its first step on the run's first batch, and the script prints whether 0.4's rule ended
// calibration there: an accepted first proposal with proposal ÷ (calibrationDivisor · initialLr) in [½, 2]. Only the runs printed "ends" can change under `minCalibrationSteps: 2`; every
// other run takes the same steps under either value. Under `model.fit` the first step's loss is the
// task's own `batch(0).loss()` here, the same cross-entropy through `model.apply`, so a ratio within 1%
// of a band edge is flagged as borderline.
// Usage: npx tsx experiments/first-fit-check.ts [--tasks a,b] > first-fit.txt
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../src/backend/index.js';
import { GeN } from '../src/index.js';
import { experimentFlags } from './args.js';
import { suiteGenRuns } from './gen-runs.js';

const flags = experimentFlags('experiments/first-fit-check.ts', {
  tasks: { default: '', help: 'tasks (default: every task of the suite)', kind: 'strings' },
});
await setupBackend();
console.log(
  '| task | optimizer | config | seed | first reason | proposal ÷ (W·lr0) | calibration after step 0 (0.4 rule) |',
);
console.log('|---|---|---|---|---|---:|---|');
for (const { task, cfg, seed } of suiteGenRuns(flags.tasks)) {
  const model = task.create(seed);
  const batch = model.batch(0);
  const opt = cfg.build({
    totalSteps: task.steps.full,
    fit: model.layers !== undefined,
    nextBatchLoss: () => batch.loss(),
  });
  if (!(opt instanceof GeN)) throw new Error(`${cfg.optimizer} is not GeN`);
  const lr0 = opt.options.initialLr;
  tf.tidy(() => {
    opt.minimize(() => batch.loss(), false, model.vars);
  });
  const st = opt.lastStep!;
  const ratio = st.proposedLr / (opt.options.calibrationDivisor * lr0);
  // 0.4's rule (minCalibrationSteps 1) ended calibration on an accepted first proposal whose target x*/W lay in
  // [½, 2]·lr0; judged from the step's numbers, so the check reads the same under either default.
  const ends = st.accepted && ratio >= 0.5 && ratio <= 2;
  const borderline = [0.5, 2].some((edge) => Math.abs(ratio / edge - 1) < 0.01);
  console.log(
    `| ${task.name} | ${cfg.optimizer} | ${JSON.stringify(cfg.config)} | ${seed} | ${st.reason} | ${Number.isFinite(ratio) ? ratio.toPrecision(3) : '–'} | ${ends ? '**ends**' : 'continues'}${borderline ? ' (borderline)' : ''} |`,
  );
  batch.dispose();
  opt.dispose();
  model.dispose();
}
