// Why GeN-AdamW without a warm-up (warmUp = 1, this library's first default) failed on the MovieLens
// matrix factorisation task: prints GeN's refits (reason, lr applied, raw proposal, probe offsets
// and losses) over the first 240 steps of seed 0. In the full suite it ended with a test RMSE of
// 4.8 ± 2.2 against the grid's 0.90. The trace shows the pattern:
// calibration raises the lr to ~0.2 within 4 steps (the first Adam steps are aligned with the
// gradient, so the one-step optimum along them is large); then the previous step raises the loss on
// the next batch at every refit for ~30 steps ('not_descent'), the gentle ×0.95 back-off barely
// lowers the lr, and the run settles in a regime where the one-step optimum along Adam's
// sign-like direction stays ~0.15 while the training loss sits 3–4× above its start.
// With the default warmUp = 3 the lr rises from a third of the first proposal and the run ends near
// the grid (pass the warm-up as the second argument to compare).
//   scripts/install-data.sh && npx tsx experiments/movielens-adamw-trace.ts [every] [warmUp]
import * as tf from '@tensorflow/tfjs-core';
import { movielensMf } from '../bench/tasks/movielens-mf.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN } from '../src/index.js';

await setupBackend();
const every = Number(process.argv[2] ?? 4);
const model = movielensMf.create(0);
const warmUp = Number(process.argv[3] ?? 1);
const opt = new GeN(new AdamW(), { every, calibrationDivisor: warmUp });
const fmt = (xs: number[], f: (x: number) => string) => xs.map(f).join(', ');
console.log('step  loss    reason        lr applied  proposal   probe offsets (lr units)          probe losses');
for (let s = 0; s < 240; s++) {
  const batch = model.batch(s);
  const lossT = tf.tidy(() => opt.minimize(() => batch.loss(), true, model.vars) as tf.Scalar);
  const loss = lossT.dataSync()[0];
  lossT.dispose();
  batch.dispose();
  const st = opt.lastStep!;
  if (st.refit && (s < 40 || s % 8 === 0)) {
    console.log(
      `${String(s).padStart(4)}  ${loss.toFixed(3).padStart(6)}  ${st.reason.padEnd(12)}  ${st.appliedLr.toExponential(2).padStart(9)}  ${st.proposedLr.toExponential(2).padStart(9)}  [${fmt(st.probeOffsets, (x) => x.toExponential(2))}]  [${fmt(st.probeLosses, (x) => x.toFixed(4))}]`,
    );
  }
}
opt.dispose();
model.dispose();
