// Which direction and batch should GeN probe? Trains a 784-128-10 MLP on 20k MNIST images (batch 128)
// with GeN over AdamW and SGD-momentum from several initial learning rates, probing
//   current  – this step's direction on this step's batch (the paper's Algorithm 1),
//   previous – the previous step's direction on this step's batch (gen-optim's default),
//   next     – this step's direction on the next batch (probeLoss; one more forward pass),
// and prints test accuracy, test loss, the lr every 50 steps and the tally of step reasons.
//   npx tsx experiments/probe-direction.ts   (env: BASES=adamw,sgdm LR0=1e-5,1e-3,1e-1 MODES=current,previous,next STEPS=300 BATCH=128)
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { setupBackend } from '../src/backend/index.js';
import { loadMnist } from '../bench/data/mnist.js';
import { takeEntries, takeRows } from '../bench/data/split.js';
import { permutation, uniformArray } from '../bench/rng.js';
await setupBackend();
const mnist = loadMnist();
const TRAIN = 20000,
  BATCH = Number(process.env.BATCH ?? 128),
  STEPS = Number(process.env.STEPS ?? 300);
const pick = permutation(mnist.train.n, 1).slice(0, TRAIN);
const xTrain = takeRows(mnist.train.x, 784, pick),
  yTrain = takeEntries(mnist.train.y, pick);
const xTest = tf.tensor2d(mnist.test.x, [mnist.test.n, 784]);
const yTest = tf.tensor1d(mnist.test.y, 'int32');
const order = permutation(TRAIN * 4, 4);
const batch = (step: number) =>
  tf.tidy(() => {
    const idx = Array.from({ length: BATCH }, (_, i) => order[(step * BATCH + i) % order.length] % TRAIN);
    return {
      x: tf.tensor2d(takeRows(xTrain, 784, idx), [BATCH, 784]),
      y: tf.oneHot(tf.tensor1d(takeEntries(yTrain, idx), 'int32'), 10),
    };
  });
const results: { name: string; acc: number }[] = [];
function run(name: string, makeBase: () => tf.Optimizer, opts: Record<string, unknown>, nextBatch: boolean) {
  const glorot = (shape: [number, number], seed: number) =>
    tf.variable(tf.tensor2d(uniformArray(shape[0] * shape[1], seed, Math.sqrt(6 / (shape[0] + shape[1]))), shape));
  const w1 = glorot([784, 128], 2),
    b1 = tf.variable(tf.zeros([128])),
    w2 = glorot([128, 10], 3),
    b2 = tf.variable(tf.zeros([10]));
  const vars = [w1, b1, w2, b2];
  const logits = (x: tf.Tensor) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
  let next = batch(0);
  const reasons: Record<string, number> = {};
  const opt = new GeN(makeBase(), {
    ...opts,
    ...(nextBatch ? { probeLoss: () => tf.losses.softmaxCrossEntropy(next.y, logits(next.x)) as tf.Scalar } : {}),
  });
  const t0 = performance.now();
  const lrs: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const cur = next;
    next = batch(s + 1);
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(cur.y, logits(cur.x)) as tf.Scalar, false, vars);
    });
    tf.dispose([cur.x, cur.y]);
    reasons[opt.lastStep!.reason] = (reasons[opt.lastStep!.reason] ?? 0) + 1;
    if (s % 50 === 49) lrs.push(opt.appliedStepSize);
  }
  const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits(xTest), 1), yTest), 'float32')).dataSync()[0]);
  const testLoss = tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(yTest, 10), logits(xTest)).dataSync()[0]);
  results.push({ name, acc: 100 * acc });
  console.log(
    `${name.padEnd(40)} acc ${(100 * acc).toFixed(2)}  loss ${testLoss.toFixed(4)}  lr@50k ${lrs.map((l) => l.toExponential(1)).join(' ')}  ${((performance.now() - t0) / 1000).toFixed(1)}s ${JSON.stringify(reasons)}`,
  );
  tf.dispose([...vars, next.x, next.y]);
  opt.dispose();
}
const lr0s = (process.env.LR0 ?? '1e-5,1e-3,1e-1').split(',').map(Number);
const bases: Record<string, () => tf.Optimizer> = { adamw: () => new AdamW(), sgdm: () => new SGDW({ momentum: 0.9 }) };
for (const b of (process.env.BASES ?? 'adamw,sgdm').split(','))
  for (const lr of lr0s) {
    for (const mode of (process.env.MODES ?? 'current,previous,next').split(',')) {
      run(
        `${b} lr0=${lr} ${mode}`,
        bases[b],
        { initialLr: lr, probeDirection: mode === 'previous' ? 'previous' : 'current' },
        mode === 'next',
      );
    }
  }

// A Markdown table (rows: base and initial lr; columns: probe modes) for docs/algorithm.md.
const modes = (process.env.MODES ?? 'current,previous,next').split(',');
console.log(`\n| base | initial lr | ${modes.join(' | ')} |\n|---|---|${modes.map(() => '---:').join('|')}|`);
for (const b of (process.env.BASES ?? 'adamw,sgdm').split(','))
  for (const lr of lr0s) {
    const cells = modes.map((m) => results.find((r) => r.name === `${b} lr0=${lr} ${m}`)?.acc.toFixed(2) ?? '');
    console.log(`| ${b === 'sgdm' ? 'SGD, momentum 0.9' : 'AdamW'} | ${lr} | ${cells.join(' | ')} |`);
  }
