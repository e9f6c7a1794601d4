// GeN over heavy-ball momentum on a tiny noiseless problem: y = X·[1, −2, 0.5] with 64 rows,
// a 3-1 dense layer trained by model.fit for 8 epochs of 4 batches (so every = 4 refits on the same
// batch of each epoch), 30 seeded initialisations per optimizer. Prints how many runs ended with a
// higher loss than their first epoch, and the median and worst final loss.
//   npx tsx experiments/heavy-ball-toy.ts
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { AdamW, GeN, SGDW } from '../src/index.js';
// eslint-disable-next-line no-restricted-imports -- its seeded normals fix the documented numbers; to move out of test/
import { normals } from '../test/helpers.js';

await tf.setBackend('cpu');
const variants: Record<string, () => tf.Optimizer> = {
  'GeN over SGD, momentum 0.9': () => new GeN(new SGDW({ momentum: 0.9 })),
  'GeN over SGD, momentum 0.9, probeDirection current': () =>
    new GeN(new SGDW({ momentum: 0.9 }), { probeDirection: 'current' }),
  'GeN over SGD, momentum 0.5': () => new GeN(new SGDW({ momentum: 0.5 })),
  'GeN over SGD': () => new GeN(new SGDW()),
  'GeN over AdamW': () => new GeN(new AdamW()),
};
const TRIALS = 30;
console.log(
  '| optimizer | runs ending above their first epoch | median final loss | worst final loss |\n|---|---:|---:|---:|',
);
for (const [name, make] of Object.entries(variants)) {
  let worse = 0;
  const finals: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const x = tf.tensor2d(normals(64 * 3, 7), [64, 3]);
    const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5])), 1, true));
    const m = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [3],
          units: 1,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: trial }),
        }),
      ],
    });
    m.compile({ optimizer: make(), loss: 'meanSquaredError' });
    const h = await m.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false });
    const l = h.history.loss as number[];
    if (l[l.length - 1] > l[0]) worse++;
    finals.push(l[l.length - 1]);
    m.dispose();
    tf.dispose([x, y]);
  }
  finals.sort((a, b) => a - b);
  console.log(
    `| ${name} | ${worse} of ${TRIALS} | ${finals[TRIALS >> 1].toExponential(2)} | ${finals[TRIALS - 1].toExponential(2)} |`,
  );
}
