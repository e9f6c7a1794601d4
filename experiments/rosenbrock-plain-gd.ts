// GeN over plain gradient descent on the conformance suite's Rosenbrock problem (test/problems.ts:
// (1 − u)² + 10·(v − u²)² from (−0.5, 0.5), full batch, cpu backend), under both negativeCurvature
// rules: every 10th step's reason, loss, smoothed lr and weights. Shows the valley blow-up of
// test/conformance-entries.ts (`PLAIN_GD_VALLEY`) and when it comes under each rule.
// Usage: npx tsx experiments/rosenbrock-plain-gd.ts [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GeN, SGDW } from '../src/index.js';

const steps = Number(process.argv[2] ?? 160);
await tf.setBackend('cpu');
for (const negativeCurvature of ['reject', 'grow'] as const) {
  const p = tf.tidy(() => tf.variable(tf.tensor1d([-0.5, 0.5])));
  const loss = () =>
    tf.tidy(() => {
      const [u, v] = tf.unstack(p);
      return tf.add(tf.square(tf.sub(1, u)), tf.mul(10, tf.square(tf.sub(v, tf.square(u))))) as tf.Scalar;
    });
  const opt = new GeN(new SGDW(), { negativeCurvature });
  for (let s = 0; s < steps; s++) {
    opt.minimize(loss, false, [p]);
    const st = opt.lastStep!;
    if (s % 10 === 0)
      console.log(
        `${negativeCurvature} step ${s} ${st.reason} loss ${st.loss.toPrecision(4)} lr ${st.smoothedLr.toExponential(2)} w ${Array.from(p.dataSync()).map((x) => x.toFixed(3))}`,
      );
  }
  opt.dispose();
  p.dispose();
}
