// One bad step must not end a GeN run: a gradient whose square overflows is non-finite, a finite
// gradient spike (norm 1e4× the recent maximum) is skipped before the base sees it, and a step
// after which the loss overflows is undone.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, DirectionalOptimizer, GeN, SGDW } from '../../src/index.js';
import { useCpu } from '../helpers.js';
import { allFinite, makeProblem } from './problem.js';

before(useCpu);

const lossNow = (p: ReturnType<typeof makeProblem>) => tf.tidy(() => p.loss().dataSync()[0]);

describe('a gradient spike', () => {
  for (const [factor, reason] of [
    [1e38, 'nonfinite'],
    [1e8, 'spike'],
  ] as const) {
    test(`×${factor} on an SGD-with-momentum base is skipped (${reason}) and the run goes on to the same loss`, async () => {
      const p = makeProblem();
      const q = makeProblem();
      const opt = new GeN(new SGDW({ momentum: 0.9 }));
      const twin = new GeN(new SGDW({ momentum: 0.9 }));
      for (let s = 0; s < 30; s++) {
        opt.minimize(p.loss, false, p.vars);
        twin.minimize(q.loss, false, q.vars);
      }
      const base = (await opt.base.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
      p.faults.set(p.calls(), { kind: 'gradient', factor });
      opt.minimize(p.loss, false, p.vars);
      assert.equal(opt.lastStep!.reason, reason);
      assert.deepEqual(
        (await opt.base.getWeights()).map((w) => Array.from(w.tensor.dataSync())),
        base,
        'the momentum buffer never saw the spike',
      );
      for (let s = 0; s < 60; s++) {
        opt.minimize(p.loss, false, p.vars);
        twin.minimize(q.loss, false, q.vars);
      }
      assert.ok(allFinite(p.values()));
      assert.ok(lossNow(p) <= 1.1 * lossNow(q), `${lossNow(p)} vs ${lossNow(q)} without the spike`);
      [opt, twin, p, q].forEach((x) => x.dispose());
    });
  }

  test('the first step, with no scale yet, is never called a spike', () => {
    const p = makeProblem();
    const opt = new GeN(new AdamW());
    p.faults.set(0, { kind: 'gradient', factor: 1e6 });
    opt.minimize(p.loss, false, p.vars);
    assert.notEqual(opt.lastStep!.reason, 'spike');
    opt.dispose();
    p.dispose();
  });
});

/** A base whose step `at` is 1e22× too long (finite): the weights land where the loss overflows. */
class OneHugeStep extends DirectionalOptimizer {
  private k = 0;
  constructor(private readonly at: number) {
    super();
  }
  protected get directionScale() {
    return 1;
  }
  override getConfig() {
    return {};
  }
  computeDirection(_v: tf.Variable[], g: tf.Tensor[]) {
    const s = this.k++ === this.at ? -1e22 : -1;
    return g.map((t) => tf.mul(t, s));
  }
}

describe('a step after which the loss overflows', () => {
  // The undo is w − lr·D in float32, without a copy: after a step of size S the weights come back
  // to within ulp(S) of where they were (for a 1e21 step: to the right magnitude, their digits lost).
  test('is undone (rolled_back): the weights return to their old magnitude, and the run goes on', () => {
    const p = makeProblem();
    const opt = new GeN(new OneHugeStep(12));
    for (let s = 0; s < 12; s++) opt.minimize(p.loss, false, p.vars);
    const before = p.values();
    opt.minimize(p.loss, false, p.vars); // the huge step, written: finite weights ~1e21
    assert.ok(Math.max(...p.values().flatMap((a) => Array.from(a).map(Math.abs))) > 1e18);
    opt.minimize(p.loss, false, p.vars);
    assert.equal(opt.lastStep!.reason, 'rolled_back');
    const back = p.values();
    const size = Math.max(...before.flatMap((a) => Array.from(a).map(Math.abs)));
    back.forEach((a) =>
      a.forEach((v) => assert.ok(Math.abs(v) <= 2 * size, `${v} back within 2× the old largest weight ${size}`)),
    );
    for (let s = 0; s < 20; s++) opt.minimize(p.loss, false, p.vars);
    assert.ok(Number.isFinite(lossNow(p)) && allFinite(p.values()));
    opt.dispose();
    p.dispose();
  });
});
