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
import { mnistLoss, mnistMetrics, mnistMlpModel, mnistSubset } from '../bench/tasks/mnist-mlp.js';

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
// The shuffled order covers every step's batch (and the one after the last) without repeating a permutation.
const data = mnistSubset({
  train: TRAIN,
  batch: BATCH,
  epochs: Math.ceil(((STEPS + 1) * BATCH) / TRAIN),
  pickSeed: SEED,
  orderSeed: SEED + 3,
});
process.stdout.write(
  `MNIST: ${TRAIN} training images (seed ${SEED}), ${mnist.test.n} test images; backend ${backend.backend}\n`,
);

// 784-128-10 MLP, Glorot-uniform weights from a seeded generator.
const model = mnistMlpModel([SEED + 1, SEED + 2]);
// GeN with default options over AdamW with default options (initial lr 1e-3, refit every 4 steps;
// the probes measure the previous step's direction on the current batch: see docs/algorithm.md §7).
const opt = new GeN(new AdamW());
for (let step = 0; step < STEPS; step++) {
  const current = data.batch(step);
  const loss = tf.tidy(() => opt.minimize(() => mnistLoss(model, current), true, model.vars) as tf.Scalar);
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
// No run length was given, so GeN kept an iterate average (the anytime mode): evaluate at it, and at the
// trained weights for comparison.
const trained = mnistMetrics(model, mnist.test).accuracy;
opt.eval();
const { accuracy } = mnistMetrics(model, mnist.test);
opt.train();
process.stdout.write(
  `test accuracy ${(100 * accuracy).toFixed(2)}% at GeN's iterate average (${(100 * trained).toFixed(2)}% at the trained weights) on ${mnist.test.n} images after ${STEPS} steps; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
model.dispose();
opt.dispose();
