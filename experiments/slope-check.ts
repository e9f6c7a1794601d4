// Does the fitted slope agree with the gradient? For each of GeN's refits on a benchmark task (seed 0, a custom loop,
// no horizon), the slope a of the fitted parabola L(w − x·d) ≈ l0 − a·x + (b/2)·x² against the exact directional
// derivative a_g = g·d of the same batch's loss at the same weights, d being the direction the probes measured.
// With symmetric probes at ±δ, a − a_g = (δ²/6)·L''' + O(δ⁴): a ratio a/a_g far from 1 says the probes were outside
// the region where the loss along d is a parabola (docs/algorithm.md §21). No GeN option is changed.
// d is read off the weights: the update GeN wrote is −lr·d (lr = the step's `appliedLr`), so the line the probes of
// step t measure ('previous', the default) passes through the weights before and after step t − 1, and that of a
// 'current' probe (step 0) through the weights before and after step t.
// Usage: npx tsx experiments/slope-check.ts <task> <adamw|sgd> [steps] [initial lrs, comma-separated]
import * as tf from '@tensorflow/tfjs-core';
import { findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN, SGDW } from '../src/index.js';

const [name, baseName, stepsText = '40', lrsText = '0.001,0.1'] = process.argv.slice(2);
const task = name === undefined ? undefined : findTask(name);
if (!task || (baseName !== 'adamw' && baseName !== 'sgd')) {
  process.stderr.write('usage: npx tsx experiments/slope-check.ts <task> <adamw|sgd> [steps] [initial lrs]\n');
  process.exit(2);
}
const steps = Number(stepsText);
const lrs = lrsText.split(',').map(Number);
if (!Number.isInteger(steps) || steps < 2 || lrs.some((lr) => !(lr > 0))) {
  process.stderr.write(`steps must be an integer ≥ 2 and every initial lr positive; got ${stepsText}, ${lrsText}\n`);
  process.exit(2);
}
await setupBackend();

/** Σ g·(from − to)/lr over the variables: the derivative along d of the loss, with from − to = lr·d. */
function slopeAlong(grads: tf.Tensor[], from: tf.Tensor[], to: readonly tf.Variable[], lr: number): number {
  return tf.tidy(() => {
    const parts = grads.map((g, i) => tf.sum(tf.mul(g, tf.sub(from[i], to[i]))));
    return tf.addN(parts).dataSync()[0] / lr;
  });
}

const e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
for (const initialLr of lrs) {
  const model = task.create(0);
  const base = baseName === 'sgd' ? new SGDW({ momentum: 0.9 }) : new AdamW();
  const opt = new GeN(base, { horizon: null, initialLr });
  const vars = model.vars;
  let before: tf.Tensor[] = [];
  let prevLr = NaN;
  const ratios: { calibrating: boolean; ratio: number }[] = [];
  console.log(`${task.name} GeN-${baseName} initialLr ${initialLr}`);
  for (let s = 0; s < steps; s++) {
    const batch = model.batch(s);
    const { grads, value } = tf.variableGrads(() => batch.loss(), vars);
    const gradList = vars.map((v) => grads[v.name]);
    const now = vars.map((v) => v.clone());
    // 'previous' probes measure the line from the weights before step s − 1 to those before step s.
    const slopePrevious = before.length > 0 ? slopeAlong(gradList, before, vars, prevLr) : NaN;
    const lossT = tf.tidy(() => opt.minimize(() => batch.loss(), true, vars) as tf.Scalar);
    const loss = lossT.dataSync()[0];
    lossT.dispose();
    const st = opt.lastStep!;
    // A 'current' probe measured this step's d: from the weights before this step to those after it.
    const slope = st.probed === 'previous' ? slopePrevious : slopeAlong(gradList, now, vars, st.appliedLr);
    if (st.refit) {
      const ratio = st.a / slope;
      ratios.push({ calibrating: st.calibrating, ratio });
      if (s < 40 || s % 20 === 0)
        console.log(
          `  ${String(s).padStart(4)} ${st.calibrating ? 'C' : ' '} ${st.reason.padEnd(13)} loss ${loss.toFixed(4)} ` +
            `δ ${e(Math.max(...st.probeOffsets.map(Math.abs)))} a ${e(st.a)} g·d ${e(slope)} a/g·d ${ratio.toFixed(3)} ` +
            `→ lr ${e(st.smoothedLr)}`,
        );
    }
    tf.dispose([value, ...gradList, ...before]);
    before = now;
    prevLr = st.appliedLr;
    batch.dispose();
  }
  const quantiles = (xs: number[]) => {
    const v = [...xs].filter(Number.isFinite).sort((p, q) => p - q);
    const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    return v.length === 0
      ? 'none'
      : `n ${v.length}, min ${q(0).toFixed(3)}, median ${q(0.5).toFixed(3)}, max ${v[v.length - 1].toFixed(3)}`;
  };
  console.log(`  a/g·d while calibrating: ${quantiles(ratios.filter((r) => r.calibrating).map((r) => r.ratio))}`);
  console.log(`  a/g·d after calibration: ${quantiles(ratios.filter((r) => !r.calibrating).map((r) => r.ratio))}`);
  console.log(`  validation loss ${model.evaluate('val').loss?.toFixed(4)}`);
  tf.dispose(before);
  opt.dispose();
  model.dispose();
}
