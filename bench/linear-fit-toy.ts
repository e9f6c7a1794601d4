// The model.fit check of the conformance suite, also run from many seeds by experiments/heavy-ball-toy.ts:
// a noiseless least-squares problem y = X·[1, −2, 0.5] with 64 rows of standard normals (seed 7) and a
// 3→1 dense layer, trained by model.fit for 8 epochs of 4 unshuffled batches of 16.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { normalArray } from '../src/core/rng.js';

/**
 * Trains the toy from Glorot-uniform weights drawn with `initSeed` (deterministic: no run-to-run luck
 * either way) and returns the training loss of each epoch. The optimizer stays the caller's.
 */
export async function fitLinearToy(optimizer: tf.Optimizer, initSeed: number): Promise<number[]> {
  const x = tf.tensor2d(normalArray(64 * 3, 7), [64, 3]);
  const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5])), 1, true));
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [3],
        units: 1,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: initSeed }),
      }),
    ],
  });
  try {
    m.compile({ optimizer, loss: 'meanSquaredError' });
    const h = await m.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false });
    return h.history.loss as number[];
  } finally {
    m.dispose();
    tf.dispose([x, y]);
  }
}
