// GeN's validation decay (`validationDecay`, `reportValidationLoss`, docs/algorithm.md §17): a report's effect on
// the applied step, that v saves and restores bit-exactly, that an older state list loads, and bad reports.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN } from '../src/index.js';
import { useCpu } from './helpers.js';
import { mixedShapes } from './problems.js';
import { assertRestoredRunContinues, loadEditedState } from './gen-state-helpers.js';

before(useCpu);

const make = () => new GeN(new AdamW(), { horizon: null, iterateAverage: null, validationDecay: { patience: 2 } });

/** What a report says about the decay (its `stepFactorOpen` is the step-factor gate's, tested in its own file). */
const decayOf = ({ improved, decayed, validationScale }: ReturnType<GeN['reportValidationLoss']>) => ({
  improved,
  decayed,
  validationScale,
});

describe('the validation decay', () => {
  test('after `patience` reports without a new best, the next step applies factor × the lr it would have', () => {
    const a = make();
    const b = make();
    const pa = mixedShapes().make();
    const pb = mixedShapes().make();
    for (let s = 0; s < 6; s++) {
      a.minimize(pa.loss);
      b.minimize(pb.loss);
    }
    const count = tf.memory().numTensors;
    assert.deepEqual(decayOf(a.reportValidationLoss(1)), { improved: true, decayed: false, validationScale: 1 });
    const loss = tf.scalar(1.5);
    assert.deepEqual(decayOf(a.reportValidationLoss(loss)), { improved: false, decayed: false, validationScale: 1 });
    loss.dispose();
    assert.equal(tf.memory().numTensors, count, 'a report leaves no tensor');
    assert.deepEqual(decayOf(a.reportValidationLoss(NaN)), { improved: false, decayed: true, validationScale: 0.5 });
    a.minimize(pa.loss);
    b.minimize(pb.loss);
    assert.equal(a.lastStep!.appliedLr, 0.5 * b.lastStep!.appliedLr);
    assert.equal(a.lastStep!.smoothedLr, b.lastStep!.smoothedLr);
    assert.equal(a.appliedStepSize, a.lastStep!.appliedLr);
    [a, b].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('a GeN restored from getWeights continues bit-identically: best, count and v are saved as they are', async () => {
    const a = make();
    const pa = mixedShapes().make();
    for (let s = 0; s < 5; s++) a.minimize(pa.loss);
    [1, 2, 3, 0.5, 0.7].forEach((l) => a.reportValidationLoss(l));
    await assertRestoredRunContinues(a, pa, make, 5, (b) =>
      assert.deepEqual(b.reportValidationLoss(0.8), a.reportValidationLoss(0.8)),
    );
  });

  test('a state list of 0.8 (ten numbers) loads as "no report yet"; a v or count out of range is refused', async () => {
    const opt = make();
    const p = mixedShapes().make();
    for (let s = 0; s < 5; s++) opt.minimize(p.loss);
    const load = (edit: (n: number[]) => number[]) => loadEditedState(opt, make, edit);
    assert.equal(await load((n) => n.slice(0, 10)), 'accepted');
    assert.match(await load((n) => [...n.slice(0, 10), 1, 0, 0]), /validationScale = 0, which is out of range/);
    assert.match(await load((n) => [...n.slice(0, 10), 1, 0, 2]), /validationScale = 2/);
    assert.match(await load((n) => [...n.slice(0, 10), 1, 0.5, 1]), /validationWaits = 0.5/);
    assert.match(await load((n) => [...n.slice(0, 10), Infinity, 0, 1]), /validationBest = Infinity/);
    opt.dispose();
    p.dispose();
  });

  test('a report that is not a number or a one-element tensor is refused, naming what it got', () => {
    const opt = make();
    const t = tf.zeros([2]);
    assert.throws(
      () => opt.reportValidationLoss(t),
      /must be a number or a one-element tensor; got a tensor of shape \[2\]/,
    );
    assert.throws(() => opt.reportValidationLoss('0.5' as never), /got string/);
    t.dispose();
    opt.dispose();
    assert.throws(() => opt.reportValidationLoss(1), /disposed/);
  });
});

describe('the validation decay under model.fit', () => {
  test('an onEpochEnd callback reports val_loss: GeN keeps its best, and the count follows the history', async () => {
    const tfl = await import('@tensorflow/tfjs-layers');
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 5);
    const y = tf.randomNormal([64, 1], 0, 1, 'float32', 6);
    const [vx, vy] = [tf.slice(x, 0, 16), tf.slice(y, 0, 16)];
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1 })] });
    const opt = new GeN(new AdamW(), { validationDecay: {} }); // the decay's field defaults: factor 0.5, patience 1
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const reports: { decayed: boolean }[] = [];
    const history = await m.fit(x, y, {
      epochs: 4,
      batchSize: 16,
      verbose: 0,
      validationData: [vx, vy],
      callbacks: { onEpochEnd: async (_, logs) => void reports.push(opt.reportValidationLoss(logs!.val_loss)) },
    });
    const losses = history.history.val_loss as number[];
    assert.equal(reports.length, 4);
    assert.equal(opt.controllerState.validationBest, Math.min(...losses));
    // Patience 1: every epoch whose val_loss is not a new best halves v.
    const misses = losses.filter((l, i) => i > 0 && l >= Math.min(...losses.slice(0, i))).length;
    assert.equal(opt.controllerState.validationScale, 0.5 ** misses);
    m.dispose();
    opt.dispose();
    tf.dispose([x, y, vx, vy]);
  });
});
