// GeN at a minimum, where the loss along the direction is flat to float32 and every fit is `insignificant`
// (`insignificantCurvature`, docs/algorithm.md §25): under 'grow' each such refit raises the lr ×1.1 with nothing
// measured to support it, until the steps leave the minimum; under 'hold' the lr stays where the last significant
// fit left it and the run stays at the minimiser.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW, type GeNOptions } from '../src/index.js';
import { useCpu } from './helpers.js';
import { logisticRegression } from './problems.js';

before(useCpu);

/** 400 GeN-SGD-momentum steps on the full-batch logistic regression, no horizon. */
function run(options: Partial<GeNOptions>) {
  const p = logisticRegression().make();
  const start = p.distance();
  const opt = new GeN(new SGDW({ momentum: 0.9 }), { horizon: null, iterateAverage: null, ...options });
  let tensors = 0;
  let insignificant = 0;
  let maxLr = 0;
  for (let s = 0; s < 400; s++) {
    opt.minimize(p.loss);
    if (s === 49) tensors = tf.memory().numTensors;
    const info = opt.lastStep!;
    if (info.refit && !info.calibrating && info.reason === 'insignificant') insignificant++;
    maxLr = Math.max(maxLr, info.smoothedLr);
  }
  const result = { start, distance: p.distance(), insignificant, maxLr, leaked: tf.memory().numTensors - tensors };
  opt.dispose();
  p.dispose();
  return result;
}

describe('GeN at a minimum, where the fits are insignificant (insignificantCurvature)', () => {
  test("with 'grow' the lr climbs past stability and the run leaves the minimiser", () => {
    const r = run({ insignificantCurvature: 'grow' });
    assert.ok(r.insignificant >= 20, `insignificant refits: ${r.insignificant}`);
    assert.ok(r.maxLr > 5, `largest lr ${r.maxLr}`);
    assert.ok(r.distance > 0.1 * r.start, `distance ${r.start} → ${r.distance}`);
    // The run that leaves the minimum goes through rejected and non-finite fits: still no tensor left behind.
    assert.ok(Math.abs(r.leaked) <= 2, `tensors from step 50 to 400: ${r.leaked}`);
  });

  test("with 'hold' the lr stays bounded and the run stays at the minimiser", () => {
    const r = run({ insignificantCurvature: 'hold' });
    assert.ok(r.insignificant >= 20, `insignificant refits: ${r.insignificant}`);
    assert.ok(r.maxLr < 1, `largest lr ${r.maxLr}`);
    assert.ok(r.distance < 1e-4 * r.start, `distance ${r.start} → ${r.distance}`);
    // The count moves only by the held direction (one tensor per variable), kept or not after a step.
    assert.ok(Math.abs(r.leaked) <= 2, `tensors from step 50 to 400: ${r.leaked}`);
  });

  test("by default ('grow-if-downhill') a flat fit holds as with 'hold'", () => {
    const r = run({});
    assert.ok(r.maxLr < 1, `largest lr ${r.maxLr}`);
    assert.ok(r.distance < 1e-4 * r.start, `distance ${r.start} → ${r.distance}`);
    assert.ok(Math.abs(r.leaked) <= 2, `tensors from step 50 to 400: ${r.leaked}`);
  });

  test('the option survives getConfig and fromConfig', () => {
    const opt = new GeN(new SGDW(), { insignificantCurvature: 'hold' });
    const copy = GeN.fromConfig(GeN, opt.getConfig()) as GeN;
    assert.equal(copy.options.insignificantCurvature, 'hold');
    [opt, copy].forEach((o) => o.dispose());
  });
});
