// model.compile + model.fit with GeN; StepLogger puts GeN's step size into history.history.lr, and each epoch's
// validation loss is reported to GeN, which lengthens its step while that loss follows the training loss.
import * as tf from '@tensorflow/tfjs';
import { gen, StepLogger } from 'gen-optim';
import { setupBackend } from 'gen-optim/backend';

const { backend } = await setupBackend(); // Node: wasm with the project's kernels (tfjs-node if installed)
const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [8], units: 32, activation: 'relu' }),
    tf.layers.batchNormalization(),
    tf.layers.dense({ units: 1 }),
  ],
});
const opt = gen.adamw({ clipNorm: 1 });
model.compile({ optimizer: opt, loss: 'meanSquaredError' });

const xs = tf.randomNormal([512, 8], 0, 1, 'float32', 3);
const ys = tf.sum(tf.square(xs), 1, true);
const opened: boolean[] = [];
const report = new tf.CustomCallback({
  onEpochEnd: async (_, logs) => void opened.push(opt.reportValidationLoss(logs!.val_loss).stepFactorOpen),
});
const history = await model.fit(xs, ys, {
  epochs: 5,
  batchSize: 64,
  validationSplit: 0.2,
  verbose: 0,
  callbacks: [new StepLogger(), report],
});

const loss = history.history.loss as number[];
const lr = history.history.lr as number[];
console.log(`${backend}: loss ${loss[0].toFixed(3)} → ${loss.at(-1)!.toFixed(3)}`);
console.log(
  `lr per epoch: ${lr.map((v) => v.toPrecision(3)).join(', ')}; refits accepted: ${history.history.reason_ok}`,
);
console.log(`step factor open after each epoch's report: ${opened.join(', ')}`);
