import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW } from '../src/index.js';
import { useCpu } from './helpers.js';

before(useCpu);

const quadratic = () => {
  const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `w_opt_${Math.random()}`);
  return { w, loss: () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar) };
};

describe('GeN options in use', () => {
  test('probeLoss evaluates every probe offset, 0 included, and its losses are the ones fitted', () => {
    const { w, loss } = quadratic();
    let calls = 0;
    const probeLoss = () => {
      calls++;
      return tf.tidy(() => tf.add(tf.sum(tf.square(w)), 10) as tf.Scalar);
    };
    const opt = new GeN(new SGDW(), { probeLoss, every: 1, calibrate: false, probes: [-2, -1, 0, 1, 2] });
    opt.minimize(loss, false, [w]);
    assert.equal(calls, 5);
    const info = opt.lastStep!;
    assert.ok(
      info.probeLosses.every((l) => l > 10),
      `losses ${info.probeLosses.join(', ')} come from probeLoss`,
    );
    assert.equal(info.probeLosses[2], 10 + 14);
    opt.dispose();
    w.dispose();
  });

  for (const [slope, probes] of [
    ['alternating', 1],
    ['fitted', 2],
  ] as const) {
    test(`the training closure costs ${probes} extra forward pass(es) on a refit step after calibration (slope ${slope})`, () => {
      const { w, loss } = quadratic();
      let calls = 0;
      const counted = () => {
        calls++;
        return loss();
      };
      const opt = new GeN(new SGDW(), { every: 4, calibrate: false, slope });
      opt.minimize(counted, false, [w]);
      assert.equal(calls, 1 + probes, `gradient pass + ${probes} probe(s)`);
      calls = 0;
      opt.minimize(counted, false, [w]);
      assert.equal(calls, 1, 'no probes between refits');
      opt.dispose();
      w.dispose();
    });
  }

  test('the horizon scales the applied lr and leaves the smoothed lr alone', () => {
    const { w, loss } = quadratic();
    const opt = new GeN(new SGDW(), {
      initialLr: 0.2,
      every: 1,
      calibrate: false,
      horizon: { steps: 4, shape: 'linear' },
    });
    const seen: number[][] = [];
    for (let i = 0; i < 4; i++) {
      opt.minimize(loss, false, [w]);
      seen.push([opt.lastStep!.appliedLr, opt.lastStep!.smoothedLr]);
    }
    seen.forEach(([applied, state], t) => assert.ok(Math.abs(applied - state * (1 - t / 4)) < 1e-12, `step ${t}`));
    opt.dispose();
    w.dispose();
  });

  test('rejects an unknown probeDirection', () => {
    assert.throws(
      () => new GeN(new SGDW(), { probeDirection: 'next' as never }),
      /GeN: option 'probeDirection' must be one of 'previous', 'current'; got "next"/,
    );
  });

  test('appliedStepSize before the first step is the initial lr', () => {
    assert.equal(new GeN(new SGDW(), { initialLr: 0.07 }).appliedStepSize, 0.07);
  });
});
