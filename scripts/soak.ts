// Soak: many steps of GeN (over AdamW and over SGD with momentum) and of two peers on a small MLP
// on the cpu backend, with a fault injected every 500th step (NaN loss, gradient ×1e38, a throw),
// checking finiteness after every step and the tensor count every 1000 steps and after dispose.
// Prints a markdown table. Usage: npx tsx scripts/soak.ts [--steps 10000]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { Prodigy, ScheduleFreeAdamW } from '../src/peers/index.js';
import { normalArray } from '../src/core/rng.js';

const at = process.argv.indexOf('--steps');
const STEPS = at > 0 ? Number(process.argv[at + 1]) : 10_000;
await tf.setBackend('cpu');
await tf.ready();

const OPTIMIZERS: [string, () => tf.Optimizer][] = [
  ['GeN over AdamW', () => new GeN(new AdamW())],
  ['GeN over SGDW momentum', () => new GeN(new SGDW({ momentum: 0.9 }))],
  ['Prodigy', () => new Prodigy()],
  ['ScheduleFreeAdamW', () => new ScheduleFreeAdamW()],
];

const scaleGradient = (factor: number) =>
  tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor) })) as never);

console.log(
  '| optimizer | steps | faults injected | steps with non-finite weights | tensors: start → max during → after dispose | final loss | ms/step |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, make] of OPTIMIZERS) {
  const n0 = tf.memory().numTensors;
  const x = tf.tensor2d(normalArray(64 * 8, 1), [64, 8]);
  const y = tf.tidy(() => tf.tanh(tf.sum(tf.mul(x, tf.linspace(-1, 1, 8)), 1, true)));
  const [w1, b1, w2, b2] = tf.tidy(() => [
    tf.variable(tf.mul(tf.tensor2d(normalArray(8 * 16, 2), [8, 16]), 0.3)),
    tf.variable(tf.zeros([16])),
    tf.variable(tf.mul(tf.tensor2d(normalArray(16, 3), [16, 1]), 0.3)),
    tf.variable(tf.zeros([1])),
  ]);
  const vars = [w1, b1, w2, b2] as tf.Variable[];
  let fault: 'nan' | 'spike' | 'throw' | null = null;
  const loss = () => {
    const f = fault;
    fault = null;
    if (f === 'throw') throw new Error('injected');
    const l = tf.mean(
      tf.square(tf.sub(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2), y)),
    ) as tf.Scalar;
    if (f === 'nan') return tf.mul(l, NaN) as tf.Scalar;
    if (f === 'spike') return scaleGradient(1e38)(l) as tf.Scalar;
    return l;
  };
  const opt = make();
  const nStart = tf.memory().numTensors;
  let maxTensors = nStart;
  let nonfinite = 0;
  let faults = 0;
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) {
    if (s % 500 === 499) {
      fault = (['nan', 'spike', 'throw'] as const)[Math.floor(s / 500) % 3];
      faults++;
    }
    try {
      opt.minimize(loss, false, vars);
    } catch (e) {
      if ((e as Error).message !== 'injected') throw e;
    }
    const finite = tf.tidy(() => tf.addN(vars.map((v) => tf.sum(tf.mul(v, 0)))).dataSync()[0]);
    if (!Number.isFinite(finite)) nonfinite++;
    if (s % 1000 === 0) maxTensors = Math.max(maxTensors, tf.memory().numTensors);
  }
  const ms = (performance.now() - t0) / STEPS;
  const final = tf.tidy(() => loss().dataSync()[0]);
  opt.dispose();
  tf.dispose([x, y, ...vars]);
  const after = tf.memory().numTensors - n0;
  console.log(
    `| ${name} | ${STEPS} | ${faults} | ${nonfinite} | ${nStart - n0} → ${maxTensors - n0} → ${after} | ${final.toPrecision(4)} | ${ms.toFixed(2)} |`,
  );
}
