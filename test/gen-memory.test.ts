import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, type StepInfo } from '../src/index.js';
import { normals, useCpu } from './helpers.js';

// The memory goal: during a step, GeN holds at most one copy of the trainable parameters more
// than its base (the direction it keeps for the next refit). Measured as tfjs does, by the peak
// of `tf.memory().numBytes` inside `tf.profile`, which counts the bytes of every tensor handle
// (a zero-copy reference counts in full). A two-layer MLP whose backward pass (activations of a
// 256-row batch) is the step's peak: a reference to the base's moments taken at the start of the
// step would sit on top of it. The anytime mode's iterate average (`iterateAverage`, kept without a
// horizon) is one more copy, held between steps: at most two then.

const BATCH = 256;
const IN = 64;
const HIDDEN = 64;
const OUT = 10;

function mlp(seed: number) {
  const scaled = (n: number, shape: [number, number], seed: number) =>
    tf.tidy(() => tf.variable(tf.mul(tf.tensor2d(normals(n, seed), shape), 0.1)));
  const w1 = scaled(IN * HIDDEN, [IN, HIDDEN], seed);
  const w2 = scaled(HIDDEN * OUT, [HIDDEN, OUT], seed + 1);
  const x = tf.tensor2d(normals(BATCH * IN, seed + 2), [BATCH, IN]);
  const y = tf.tensor2d(normals(BATCH * OUT, seed + 3), [BATCH, OUT]);
  const loss = () => tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)) as tf.Scalar;
  const paramBytes = 4 * (IN * HIDDEN + HIDDEN * OUT);
  return { loss, paramBytes, dispose: () => tf.dispose([w1, w2, x, y]) };
}

/** The peak of `numBytes` over `steps` steps, after `priming` steps (slots made, a direction held). */
async function peakOfSteps(opt: tf.Optimizer, loss: () => tf.Scalar, priming: number, steps: number): Promise<number> {
  for (let k = 0; k < priming; k++) opt.minimize(loss);
  const info = await tf.profile(() => {
    for (let k = 0; k < steps; k++) opt.minimize(loss);
  });
  return info.peakBytes;
}

describe('GeN memory', () => {
  before(useCpu);

  for (const [every, iterateAverage, allowed] of [
    [1, null, 1],
    [4, null, 1],
    [4, 8, 2],
  ] as const) {
    const what = iterateAverage === null ? 'without an iterate average' : 'with the iterate average';
    test(`GeN's steps (every = ${every}, ${what}) peak at most ${allowed} parameter copies above its base's`, async () => {
      const tensorsBefore = tf.memory().numTensors;
      const model = mlp(11);
      const base = new AdamW({ lr: 1e-3 });
      const basePeak = await peakOfSteps(base, model.loss, 2, every);
      base.dispose();

      // One whole period after priming, so the measured steps include a refit (the probes).
      const refits: boolean[] = [];
      const onStep = (info: StepInfo) => refits.push(info.refit);
      const gen = new GeN(new AdamW({ lr: 1e-3 }), { every, calibrate: false, horizon: null, iterateAverage, onStep });
      const genPeak = await peakOfSteps(gen, model.loss, 2, every);
      gen.dispose();
      assert.ok(refits.slice(2).includes(true), `a measured step refits (refits: ${refits})`);
      model.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left behind');

      const extra = (genPeak - basePeak) / model.paramBytes;
      assert.ok(
        extra <= allowed + 1e-3,
        `GeN's peak is ${extra.toFixed(3)} parameter copies above AdamW's (at most ${allowed})`,
      );
    });
  }
});
