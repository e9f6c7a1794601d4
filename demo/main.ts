// The main job, for now: GeN over AdamW (defaults, untuned initial lr 1e-3) trains a small MLP on
// a subset of MNIST and prints the loss and the learning rate GeN chose as it goes, then the test
// accuracy. About 10-20 s on 2 cores.
//
//   npx tsx demo/main.ts [--steps 1000] [--train 20000]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN } from '../src/index.js';
import { setupBackend } from '../src/backend/index.js';
import { loadMnist } from '../bench/data/mnist.js';
import { takeEntries, takeRows } from '../bench/data/split.js';
import { permutation, uniformArray } from '../bench/rng.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1000' },
    train: { type: 'string', default: '20000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npx tsx demo/main.ts [--steps N (default 1000)] [--train N (default 20000, max 60000)]\n',
  );
  process.exit(0);
}
const positiveInt = (name: string, v: string, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`demo: option --${name} must be an integer from 1 to ${max}; got '${v}'\n`);
    process.exit(2);
  }
  return n;
};
const STEPS = positiveInt('steps', values.steps as string, 100000);
const TRAIN = positiveInt('train', values.train as string, 60000);
const BATCH = 128;
const SEED = 1;

const backend = await setupBackend();
const t0 = performance.now();
const mnist = loadMnist();
const pick = permutation(mnist.train.n, SEED).slice(0, TRAIN);
const xTrain = takeRows(mnist.train.x, 784, pick);
const yTrain = takeEntries(mnist.train.y, pick);
process.stdout.write(
  `MNIST: ${TRAIN} training images (seed ${SEED}), ${mnist.test.n} test images; backend ${backend.backend}\n`,
);

// 784-128-10 MLP, Glorot-uniform weights from a seeded generator.
const glorot = (shape: [number, number], seed: number) =>
  tf.variable(tf.tensor2d(uniformArray(shape[0] * shape[1], seed, Math.sqrt(6 / (shape[0] + shape[1]))), shape));
const w1 = glorot([784, 128], SEED + 1);
const b1 = tf.variable(tf.zeros([128]));
const w2 = glorot([128, 10], SEED + 2);
const b2 = tf.variable(tf.zeros([10]));
const vars = [w1, b1, w2, b2];
const logits = (x: tf.Tensor2D) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);

const order = permutation(TRAIN * Math.ceil(((STEPS + 1) * BATCH) / TRAIN), SEED + 3);
const batch = (step: number) =>
  tf.tidy(() => {
    const idx = Array.from({ length: BATCH }, (_, i) => order[(step * BATCH + i) % order.length] % TRAIN);
    return {
      x: tf.tensor2d(takeRows(xTrain, 784, idx), [BATCH, 784]),
      y: tf.oneHot(tf.tensor1d(takeEntries(yTrain, idx), 'int32'), 10),
    };
  });
// GeN with default options over AdamW with default options (initial lr 1e-3, refit every 4 steps;
// the probes measure the previous step's direction on the current batch: see docs/algorithm.md §7).
const opt = new GeN(new AdamW());
for (let step = 0; step < STEPS; step++) {
  const current = batch(step);
  const loss = tf.tidy(
    () =>
      opt.minimize(
        () => tf.losses.softmaxCrossEntropy(current.y, logits(current.x)) as tf.Scalar,
        true,
        vars,
      ) as tf.Scalar,
  );
  tf.dispose([current.x, current.y]);
  const value = (await loss.data())[0];
  loss.dispose();
  if (step % 25 === 0 || step === STEPS - 1) {
    const info = opt.lastStep;
    process.stdout.write(
      `step ${String(step).padStart(4)}  loss ${value.toFixed(4)}  lr ${opt.appliedStepSize.toExponential(3)}  (${info?.reason ?? '-'})\n`,
    );
  }
}
const acc = tf.tidy(() => {
  const x = tf.tensor2d(mnist.test.x, [mnist.test.n, 784]);
  const pred = tf.argMax(logits(x), 1);
  return tf.mean(tf.cast(tf.equal(pred, tf.tensor1d(mnist.test.y, 'int32')), 'float32'));
});
process.stdout.write(
  `test accuracy ${(100 * (await acc.data())[0]).toFixed(2)}% on ${mnist.test.n} images after ${STEPS} steps; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
tf.dispose([acc, ...vars]);
opt.dispose();
