import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SLS } from '../../src/peers/index.js';
import { normals, useCpu } from '../helpers.js';
import { W0, assertTrajectory, grad, lossAt, makeProblem } from './problem.js';

before(useCpu);

interface Ref {
  init: number;
  n: number;
  c: number;
  betaB: number;
  gamma: number;
  etaMax: number;
}

/** SGD-Armijo (IssamLaradji/sls, reset option 1) in float64: weights, step sizes and tries per step. */
function slsReference(o: Ref, steps: number): { ws: number[][]; etas: number[]; tries: number[] } {
  let x = [...W0];
  let eta = o.init;
  const ws: number[][] = [],
    etas: number[] = [],
    tries: number[] = [];
  for (let k = 0; k < steps; k++) {
    eta = Math.min(eta * o.gamma ** (1 / o.n), o.etaMax);
    const g = grad(x);
    const g2 = g.reduce((s, gi) => s + gi * gi, 0);
    const l0 = lossAt(x);
    let t = 0;
    for (;;) {
      t += 1;
      const next = x.map((xi, i) => xi - eta * g[i]);
      if (lossAt(next) <= l0 - o.c * eta * g2) {
        x = next;
        break;
      }
      eta *= o.betaB;
    }
    ws.push([...x]);
    etas.push(eta);
    tries.push(t);
  }
  return { ws, etas, tries };
}

describe('SLS', () => {
  test('accepts the first step size that passes the Armijo test, by hand', () => {
    // L(w₀) = ½(1·0.25 + 2·1.5625 + 0.5·6.25) = 3.25, ‖g‖² = 8.0625, η = 1·2^(1/500) = 1.0013872.
    // L(w₀ − ηg) = ½Σ aᵢeᵢ²(1 − ηaᵢ)² with e = w₀ − b = [−0.5, 1.25, −2.5]:
    //   ½(0.25·(−0.0013872)² + 3.125·(−1.0027744)² + 3.125·(0.4993064)²) = 1.9607,
    // below 3.25 − 0.1·η·8.0625 = 2.4427: accepted at once, w₁ = w₀ − ηg.
    const opt = new SLS();
    const p = makeProblem();
    opt.minimize(p.loss, false, p.vars);
    const eta = 2 ** (1 / 500);
    assertTrajectory([p.flat()], [[0.5 + 0.5 * eta, 0.25 - 2.5 * eta, -0.5 + 1.25 * eta]], 1e-5, 'step 1');
    assert.equal(opt.lastTries, 1);
    assert.equal(opt.appliedStepSize, eta);
    opt.dispose();
    p.dispose();
  });

  test('backtracks like the published rule when the first trial overshoots, for three steps', () => {
    // From η = 2·2^(1/500): L(w₀ − ηg) ≈ 14.2 > 3.25 − 0.1·η·8.0625, so η shrinks by 0.9 until
    // the test passes; the reference counts the trials and carries the step size on.
    const o: Ref = { init: 2, n: 500, c: 0.1, betaB: 0.9, gamma: 2, etaMax: 10 };
    const ref = slsReference(o, 3);
    const opt = new SLS({ initStepSize: 2 });
    const p = makeProblem();
    const ws: number[][] = [],
      etas: number[] = [],
      tries: number[] = [];
    for (let k = 0; k < 3; k++) {
      opt.minimize(p.loss, false, p.vars);
      ws.push(p.flat());
      etas.push(opt.appliedStepSize);
      tries.push(opt.lastTries);
    }
    assert.ok(ref.tries[0] > 1, 'the reference backtracks on step 1');
    assert.deepEqual(tries, ref.tries);
    etas.forEach((e, k) => assert.ok(Math.abs(e - ref.etas[k]) <= 1e-12 * ref.etas[k], `eta ${k + 1}`));
    assertTrajectory(ws, ref.ws, 1e-5, 'weights');
    opt.dispose();
    p.dispose();
  });

  test('returns the loss at w when asked, and refuses applyGradients without the closure', () => {
    const opt = new SLS();
    const p = makeProblem();
    const cost = opt.minimize(p.loss, true, p.vars);
    assert.ok(cost !== null && Math.abs(cost.dataSync()[0] - 3.25) < 1e-6);
    cost?.dispose();
    assert.throws(() => opt.applyGradients({}), /SLS: the line search needs the loss closure; call minimize\(f\)/);
    assert.throws(
      () => opt.minimize(() => tf.zeros([2]) as unknown as tf.Scalar, false, p.vars),
      /SLS: the loss closure must return a float32 scalar tf\.Tensor .* got a float32 tensor of shape \[2\]\./,
    );
    opt.dispose();
    p.dispose();
  });

  test('replays the randomness of the gradient pass in every trial', () => {
    // L = ½Σa(w − b)² + U with U ~ uniform(0, 10) drawn per call (Math.random-seeded, as dropout
    // is). If every trial sees the gradient pass's U, U cancels in the Armijo test and the search
    // is exactly the noise-free one; fresh draws would shift the test by up to ±10.
    const run = (noisy: boolean) => {
      const p = makeProblem();
      const opt = new SLS({ initStepSize: 2 });
      const f = () =>
        tf.tidy(() => (noisy ? tf.add(p.loss(), tf.sum(tf.randomUniform([1], 0, 10))) : p.loss()) as tf.Scalar);
      const tries: number[] = [];
      for (let k = 0; k < 3; k++) {
        opt.minimize(f, false, p.vars);
        tries.push(opt.lastTries);
      }
      const out = { w: p.flat(), tries };
      opt.dispose();
      p.dispose();
      return out;
    };
    const clean = run(false);
    const noisy = run(true);
    assert.deepEqual(noisy.tries, clean.tries);
    assertTrajectory([noisy.w], [clean.w], 1e-5, 'weights');
  });

  test('trains a dropout model with a compiled metric through model.fit without leaking', async () => {
    const x = tf.tensor2d(normals(32 * 3, 11), [32, 3]);
    const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5])), 1, true));
    const m = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [3], units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.dropout({ rate: 0.2, seed: 3 }), // seeded: the check must not depend on the draw
        tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const opt = new SLS({ nBatchesPerEpoch: 2 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError', metrics: ['mse'] });
    const before = tf.memory().numTensors;
    const h = await m.fit(x, y, { epochs: 10, batchSize: 16, verbose: 0, shuffle: false });
    const losses = h.history.loss as number[];
    assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `losses ${losses.map((l) => l.toPrecision(3)).join(' ')}`);
    assert.ok(opt.lastTries < 100, `tries ${opt.lastTries}`);
    assert.ok(tf.memory().numTensors - before < 10, 'no per-trial metric tensors leak');
    m.dispose();
    opt.dispose();
    tf.dispose([x, y]);
  });
});
