// GeN's slope check (`slopeCheck: 'calibration'`, the default since 1.1, docs/algorithm.md §21): the gradient's
// directional derivative it measures is −g·D (closed form and the fitted slope on a quadratic); on a parabola it never
// refuses, so the run is the run without it to the last bit; from far too large an initial lr on a loss that is no
// parabola at that scale the first fit is refused and nothing is written; with `probeLoss` nothing is measured.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW, type GeNOptions } from '../src/index.js';
import { assertBitIdentical, assertClose, useCpu, values } from './helpers.js';
import { quadratic } from './problems.js';

before(useCpu);

const make = (o: Partial<GeNOptions> = {}) => new GeN(new SGDW(), { horizon: null, iterateAverage: null, ...o });

/** L(w) = Σ log cosh(wᵢ − ½) from w = 0: a parabola near the minimum, a line (slope ±1) far from it. */
function logCosh() {
  const w = tf.variable(tf.zeros([4]), true, `logcosh_${Math.random().toString(36).slice(2)}`);
  const loss = () =>
    tf.tidy(() => {
      const e = tf.sub(w, 0.5);
      // log cosh e = |e| + log(1 + exp(−2|e|)) − log 2, stable for large |e|.
      const abs = tf.abs(e);
      return tf.sum(tf.sub(tf.add(abs, tf.log1p(tf.exp(tf.mul(-2, abs)))), Math.LN2)) as tf.Scalar;
    });
  return { w, loss };
}

describe('the slope check', () => {
  test("the gradient's slope is −g·D: ‖g‖² for plain SGD, and the fitted slope on a quadratic", () => {
    const p = quadratic().make();
    const grad = tf.tidy(() => tf.sum(tf.square(tf.variableGrads(p.loss, p.vars).grads[p.vars[0].name])).dataSync()[0]);
    const opt = make({ initialLr: 1e-3 });
    opt.minimize(p.loss);
    const info = opt.lastStep!;
    assert.equal(info.probed, 'current');
    assertClose(info.gradientSlope, grad, 1e-5, 'a_g = ‖g‖²');
    assertClose(info.a, info.gradientSlope, 1e-3, 'the fitted slope');
    opt.dispose();
    p.dispose();
  });

  test('on a parabola it never refuses: the run is the run without the check, bit for bit', () => {
    const [pa, pb] = [quadratic().make(), quadratic().make()];
    const [on, off] = [make({ initialLr: 10 }), make({ initialLr: 10, slopeCheck: 'off' })];
    for (let s = 0; s < 20; s++) {
      on.minimize(pa.loss);
      off.minimize(pb.loss);
      assert.notEqual(on.lastStep!.reason, 'off_parabola', `step ${s}`);
    }
    assertBitIdentical(values(pa.vars), values(pb.vars), 'weights after 20 steps');
    assert.equal(on.lastStep!.smoothedLr, off.lastStep!.smoothedLr);
    assert.ok(Number.isNaN(on.lastStep!.gradientSlope), 'not measured after calibration');
    [on, off].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('from far too large an initial lr, where the loss is a line, the first fit is refused and nothing is written', () => {
    const { w, loss } = logCosh();
    const opt = make({ initialLr: 100 });
    const w0 = values([w]);
    const read = () => tf.tidy(() => loss().dataSync()[0]);
    opt.minimize(loss);
    const first = opt.lastStep!;
    assert.equal(first.reason, 'off_parabola');
    assert.equal(first.appliedLr, 0);
    assert.equal(first.smoothedLr, 10);
    assert.ok(first.a / first.gradientSlope < 0.5, `a ${first.a}, a_g ${first.gradientSlope}`);
    assertBitIdentical(values([w]), w0, 'weights after the refused step');
    const l0 = read();
    let accepted = 0;
    let count = NaN;
    for (let s = 1; s < 40; s++) {
      opt.minimize(loss);
      if (opt.lastStep!.accepted) accepted++;
      if (s === 10) count = tf.memory().numTensors;
    }
    assert.ok(accepted > 0, 'later fits are accepted');
    const l40 = read();
    assert.ok(l40 < 0.1 * l0, `the loss falls: ${l0} → ${l40}`);
    assert.equal(tf.memory().numTensors, count, 'the tensor count stays flat over the last 29 steps');
    const off = make({ initialLr: 100, slopeCheck: 'off' });
    const { w: w2, loss: loss2 } = logCosh();
    off.minimize(loss2);
    assert.ok(off.lastStep!.appliedLr > 0, 'without the check the first fit writes');
    tf.dispose([w, w2]);
    [opt, off].forEach((o) => o.dispose());
  });

  test('with probeLoss the slope is not measured and nothing is refused', () => {
    const { w, loss } = logCosh();
    const opt = make({ initialLr: 100, probeLoss: loss });
    opt.minimize(loss);
    assert.ok(Number.isNaN(opt.lastStep!.gradientSlope));
    assert.notEqual(opt.lastStep!.reason, 'off_parabola');
    w.dispose();
    opt.dispose();
  });
});
