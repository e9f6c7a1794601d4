// CommonJS: require('gen-optim') loads the same ES modules as import (Node >= 20.19, require(esm)).
const tf = require('@tensorflow/tfjs');
const { GeN, SGDW } = require('gen-optim');

async function main() {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([3, -2]));
  const opt = new GeN(new SGDW());
  const loss = () =>
    /** @type {import('@tensorflow/tfjs').Scalar} */ (tf.sum(tf.square(tf.sub(w, tf.tensor1d([1, 1])))));
  const first = loss().dataSync()[0];
  for (let step = 0; step < 40; step++) opt.minimize(loss);
  console.log(
    `loss ${first.toFixed(3)} → ${loss().dataSync()[0].toFixed(6)}, lr ${opt.appliedStepSize.toPrecision(3)}`,
  );
}
main();
