// GeN's step-factor gate (`stepFactorGate: 'validation'`, the default since 1.0, docs/algorithm.md §19): closed,
// it is 0.9's default (stepFactor 1, no guard) to the last bit; a report opens it (the diagnostics say so); its state saves, restores and loads
// from an older list; and a bad saved value is refused.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, type GeNOptions } from '../src/index.js';
import { assertBitIdentical, useCpu, values } from './helpers.js';
import { decodeFloat64, encodeFloat64 } from '../src/tfjs/state-codec.js';
import { mixedShapes } from './problems.js';
import { assertRestoredRunContinues, loadEditedState } from './gen-state-helpers.js';

before(useCpu);

/** GeN's defaults (stepFactor 1.5, stepFactorGate 'validation', validationDecay null) in a plain custom loop. */
const make = (o: Partial<GeNOptions> = {}) => new GeN(new AdamW(), { horizon: null, iterateAverage: null, ...o });

describe('the step-factor gate', () => {
  test("until a report opens it, a run is 0.9's default run, bit for bit (calibration included)", () => {
    const gated = make();
    const plain = make({ stepFactor: 1, stepFactorGate: 'always', validationDecay: { factor: 0.5, patience: 1 } });
    const [pg, pp] = [mixedShapes().make(), mixedShapes().make()];
    for (let s = 0; s < 12; s++) {
      gated.minimize(pg.loss);
      plain.minimize(pp.loss);
      assert.equal(gated.lastStep!.stepFactor, 1, `step ${s}`);
    }
    assertBitIdentical(values(pg.vars), values(pp.vars), 'weights after 12 steps');
    assert.equal(gated.lastStep!.smoothedLr, plain.lastStep!.smoothedLr);
    [gated, plain].forEach((o) => o.dispose());
    [pg, pp].forEach((p) => p.dispose());
  });

  test('a report near the training loss opens it, one far above closes it; the step diagnostics follow', () => {
    const opt = make();
    const p = mixedShapes().make();
    for (let s = 0; s < 6; s++) opt.minimize(p.loss);
    const train = opt.controllerState.lossFast;
    const count = tf.memory().numTensors;
    assert.equal(opt.reportValidationLoss(train).stepFactorOpen, true);
    assert.equal(tf.memory().numTensors, count, 'a report leaves no tensor');
    opt.minimize(p.loss);
    assert.equal(opt.lastStep!.stepFactor, 1.5);
    const far = opt.reportValidationLoss(10 * opt.controllerState.lossFast);
    assert.deepEqual(far, { improved: false, decayed: false, validationScale: 1, stepFactorOpen: false });
    opt.minimize(p.loss);
    assert.equal(opt.lastStep!.stepFactor, 1);
    opt.dispose();
    p.dispose();
  });

  test('an open gate is saved with the state: a restored run continues bit-identically', async () => {
    const a = make();
    const pa = mixedShapes().make();
    for (let s = 0; s < 6; s++) a.minimize(pa.loss);
    a.reportValidationLoss(a.controllerState.lossFast);
    await assertRestoredRunContinues(a, pa, make, 6, (b) => assert.equal(b.controllerState.stepFactorOpen, true));
  });

  test('a state list of 0.9 (13 numbers) loads with the gate closed; a gate other than 0 or 1 is refused', async () => {
    const opt = make();
    const p = mixedShapes().make();
    for (let s = 0; s < 5; s++) opt.minimize(p.loss);
    opt.reportValidationLoss(opt.controllerState.lossFast);
    // The same list cut to 0.9's 13 numbers: everything else as saved, the gate closed.
    const saved = await opt.getWeights();
    const at = saved.findIndex((w) => w.name.startsWith('gen/state'));
    const cut = encodeFloat64(decodeFloat64(saved[at].tensor).slice(0, 13));
    const fresh = make();
    await fresh.setWeights(saved.map((w, i) => (i === at ? { name: w.name, tensor: cut } : w)));
    assert.deepEqual(fresh.controllerState, { ...opt.controllerState, stepFactorOpen: false });
    cut.dispose();
    fresh.dispose();
    const load = (edit: (n: number[]) => number[]) => loadEditedState(opt, make, edit);
    assert.equal(await load((n) => n.slice(0, 13)), 'accepted');
    assert.match(await load((n) => [...n.slice(0, 13), 2]), /stepFactorOpen = 2, which is out of range/);
    assert.match(await load((n) => [...n.slice(0, 13), NaN]), /stepFactorOpen = NaN/);
    opt.dispose();
    p.dispose();
  });
});
