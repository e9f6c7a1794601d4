// A custom training loop with GeN: no learning rate to tune.
import * as tf from '@tensorflow/tfjs';
import { gen } from 'gen-optim';

await tf.setBackend('cpu');
const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [4], units: 32, activation: 'relu' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 3 }),
  ],
});
const x = tf.randomNormal([256, 4], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, 'float32', 2)), 1), 3);

const opt = gen.adamw({ weightDecay: 0.01, decayMask: 'matrices' }); // GeN over AdamW; no decay on biases
// Training mode, as model.fit runs it: Dropout active (model.predict would switch it off).
const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;

const losses: number[] = [];
for (let step = 0; step < 60; step++) {
  const value = opt.minimize(loss, true); // tf.Scalar: the loss before the step
  losses.push(value.dataSync()[0]);
  value.dispose();
}
console.log(`loss ${losses[0].toFixed(3)} → ${losses.at(-1)!.toFixed(3)}, lr ${opt.appliedStepSize.toPrecision(3)}`);
console.log(`last step: ${opt.lastStep?.reason}`);
