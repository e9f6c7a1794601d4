// GeN's loss trend (`risingLoss`, docs/algorithm.md §16): what the step diagnostics report, that the two loss
// averages save and restore bit-exactly, that an older state list loads, and that a state that cannot be is refused.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN } from '../src/index.js';
import { LOSS_TREND_FAST, LOSS_TREND_SLOW } from '../src/core/index.js';
import { useCpu } from './helpers.js';
import { mixedShapes } from './problems.js';
import { assertRestoredRunContinues, loadEditedState } from './gen-state-helpers.js';

before(useCpu);

const holding = () => new GeN(new AdamW(), { risingLoss: 'hold', horizon: null, iterateAverage: null });

describe('the loss trend', () => {
  test('lastStep.lossRising follows the two loss averages of the steps, under either rule', () => {
    for (const risingLoss of ['ignore', 'hold'] as const) {
      const opt = new GeN(new AdamW(), { risingLoss, horizon: null, iterateAverage: null });
      const p = mixedShapes().make();
      let fast = NaN;
      let slow = NaN;
      let count = -1;
      for (let s = 0; s < 30; s++) {
        opt.minimize(p.loss);
        // Flat from the first refit period on (GeN holds the previous direction only before a refit).
        if (s === 4) count = tf.memory().numTensors;
        if (s > 4 && s % 4 === 0) assert.equal(tf.memory().numTensors, count, `tensors after step ${s}`);
        const loss = opt.lastStep!.loss;
        [fast, slow] = Number.isNaN(fast)
          ? [loss, loss]
          : [fast + LOSS_TREND_FAST * (loss - fast), slow + LOSS_TREND_SLOW * (loss - slow)];
        assert.equal(opt.lastStep!.lossRising, fast > slow, `${risingLoss}, step ${s}`);
      }
      opt.dispose();
      p.dispose();
    }
  });

  test('a GeN restored from getWeights continues bit-identically: the loss averages are saved as they are', async () => {
    const a = holding();
    const pa = mixedShapes().make();
    for (let s = 0; s < 9; s++) a.minimize(pa.loss);
    await assertRestoredRunContinues(a, pa, holding, 9);
  });

  test('a state list of 0.7 (eight numbers) loads as "no loss seen yet"; a pair that cannot be is refused', async () => {
    const opt = holding();
    const p = mixedShapes().make();
    for (let s = 0; s < 5; s++) opt.minimize(p.loss);
    const load = (edit: (n: number[]) => number[]) => loadEditedState(opt, holding, edit);
    assert.equal(await load((n) => n.slice(0, 8)), 'accepted');
    assert.match(await load((n) => [...n.slice(0, 8), 1, NaN]), /lossSlow = NaN, which is out of range/);
    assert.match(await load((n) => [...n.slice(0, 8), NaN, 1]), /lossFast = NaN, which is out of range/);
    assert.match(await load((n) => [...n.slice(0, 8), Infinity, 1]), /lossFast = Infinity/);
    opt.dispose();
    p.dispose();
  });

  test("option risingLoss accepts 'ignore' and 'hold' and refuses anything else, naming the option", () => {
    assert.throws(
      () => new GeN(new AdamW(), { risingLoss: 'halt' as never }),
      /option 'risingLoss' must be one of 'ignore', 'hold'; got "halt"/,
    );
  });
});
