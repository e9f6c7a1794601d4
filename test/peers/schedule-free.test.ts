import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ScheduleFreeAdamW } from '../../src/peers/index.js';
import { useCpu } from '../helpers.js';
import { W0, assertTrajectory, grad, makeProblem, trajectory } from './problem.js';

before(useCpu);

interface Ref {
  lr: number;
  beta1: number;
  beta2: number;
  wd: number;
  warmup: number;
  r: number;
  power: number;
}

/**
 * Schedule-Free AdamW as the paper writes it, with x, y and z all explicit (the optimizer itself
 * keeps only y and z), in float64: the y, x trajectories after each step.
 */
function sfReference(o: Ref, steps: number): { ys: number[][]; xs: number[][] } {
  let z = [...W0],
    x = [...W0],
    y = [...W0],
    v = [0, 0, 0];
  let lrMax = -1,
    wsum = 0;
  const ys: number[][] = [],
    xs: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const g = grad(y);
    const sched = k < o.warmup ? (k + 1) / o.warmup : 1;
    const lr = o.lr * sched * Math.sqrt(1 - o.beta2 ** (k + 1));
    lrMax = Math.max(lr, lrMax);
    const weight = (k + 1) ** o.r * lrMax ** o.power;
    wsum += weight;
    const c = weight / wsum;
    v = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * g[i] * g[i]);
    const gHat = g.map((gi, i) => gi / (Math.sqrt(v[i]) + 1e-8) + o.wd * y[i]);
    z = z.map((zi, i) => zi - lr * gHat[i]);
    x = x.map((xi, i) => (1 - c) * xi + c * z[i]);
    y = y.map((_, i) => (1 - o.beta1) * z[i] + o.beta1 * x[i]);
    ys.push([...y]);
    xs.push([...x]);
  }
  return { ys, xs };
}

describe('ScheduleFreeAdamW', () => {
  test('moves every weight by lr against its gradient sign on the first step, by hand', () => {
    // k = 0: γ = lr·√(1 − β₂) = 0.1·0.0316228; c₁ = w₀/w₀ = 1; v = (1 − β₂)g², so
    // ĝ = g/(√v + ε) ≈ 31.6228·sign(g) and z₁ = z₀ − γĝ = w₀ − 0.1·sign(g); x₁ = z₁ (c = 1) and
    // y₁ = (1 − β₁)z₁ + β₁x₁ = z₁: with g = [−0.5, 2.5, −1.25], y₁ = [0.6, 0.15, −0.4].
    const opt = new ScheduleFreeAdamW({ lr: 0.1 });
    assertTrajectory(trajectory(opt, 1), [[0.6, 0.15, -0.4]], 1e-5, 'step 1');
    assert.equal(opt.averagingWeight, 1);
    opt.dispose();
  });

  test('matches the explicit x/y/z form for three steps with warm-up, weight decay and r', () => {
    const o: Ref = { lr: 0.1, beta1: 0.9, beta2: 0.999, wd: 0.05, warmup: 2, r: 0.75, power: 2 };
    const opt = new ScheduleFreeAdamW({ lr: 0.1, weightDecay: 0.05, warmupSteps: 2, r: 0.75 });
    const ref = sfReference(o, 3);
    const p = makeProblem();
    const ys: number[][] = [];
    for (let k = 0; k < 3; k++) {
      opt.minimize(p.loss, false, p.vars);
      ys.push(p.flat());
    }
    assertTrajectory(ys, ref.ys, 1e-5, 'y (train mode)');
    assert.ok(Math.abs(opt.appliedStepSize - 0.1 * Math.sqrt(1 - 0.999 ** 3)) < 1e-15, 'warm-up over after 2 steps');
    opt.eval();
    assert.equal(opt.mode, 'eval');
    assertTrajectory([p.flat()], [ref.xs[2]], 1e-5, 'x (eval mode)');
    assert.throws(
      () => opt.minimize(p.loss, false, p.vars),
      /ScheduleFreeAdamW: not in train mode .* call opt\.train\(\) before stepping\./,
    );
    opt.train();
    assertTrajectory([p.flat()], [ref.ys[2]], 1e-5, 'y again (train mode)');
    opt.dispose();
    p.dispose();
  });

  test('reaches a low loss at its evaluation point x on the quadratic', () => {
    // From L(w₀) = 3.25, 50 steps at lr 0.5; the loss is read at x (eval mode) and at y.
    const p = makeProblem();
    const opt = new ScheduleFreeAdamW({ lr: 0.5 });
    for (let k = 0; k < 50; k++) opt.minimize(p.loss, false, p.vars);
    const lossY = tf.tidy(() => p.loss().dataSync()[0]);
    opt.eval();
    const lossX = tf.tidy(() => p.loss().dataSync()[0]);
    opt.train();
    assert.ok(
      Number.isFinite(lossX) && Number.isFinite(lossY) && lossX < 0.1 * 3.25,
      `loss at x ${lossX}, at y ${lossY}`,
    );
    opt.dispose();
    p.dispose();
  });
});
