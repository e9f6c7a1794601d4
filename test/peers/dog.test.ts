import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DoG, LDoG } from '../../src/peers/index.js';
import { useCpu } from '../helpers.js';
import { BLOCKS, W0, assertTrajectory, grad, makeProblem, trajectory } from './problem.js';

before(useCpu);

const norm = (x: number[]) => Math.sqrt(x.reduce((s, y) => s + y * y, 0));
const pick = (x: number[], idx: number[]) => idx.map((i) => x[i]);

/** DoG's published rule (formll/dog) per block, with the polynomial-decay average, in float64. */
function dogReference(o: { repsRel: number; wd: number; gamma: number; blocks: number[][] }, steps: number) {
  let x = [...W0];
  const x0 = [...W0];
  const rbar: number[] = [],
    G: number[] = [];
  let avg = [0, 0, 0];
  const ws: number[][] = [],
    etas: number[][] = [],
    avgs: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const g = grad(x).map((gi, i) => gi + o.wd * x[i]);
    const eta = o.blocks.map((b, j) => {
      if (k === 0) {
        rbar[j] = o.repsRel * (1 + norm(pick(x, b)));
        G[j] = norm(pick(g, b)) ** 2 + 1e-8;
      } else {
        rbar[j] = Math.max(rbar[j], norm(b.map((i) => x[i] - x0[i])));
        G[j] += norm(pick(g, b)) ** 2;
      }
      return rbar[j] / Math.sqrt(G[j]);
    });
    const etaOf = (i: number) => eta[o.blocks.findIndex((b) => b.includes(i))];
    x = x.map((xi, i) => xi - etaOf(i) * g[i]);
    const a = (o.gamma + 1) / (k + 1 + o.gamma);
    avg = avg.map((ai, i) => (1 - a) * ai + a * x[i]);
    ws.push([...x]);
    etas.push(eta);
    avgs.push([...avg]);
  }
  return { ws, etas, avgs };
}

describe('DoG', () => {
  test('takes a first step of r_ε(1 + ‖x₀‖)/‖g₀‖ along −g, by hand', () => {
    // ‖x₀‖ = ‖[0.5, 0.25, −0.5]‖ = 0.75, so r̄ = 0.01·1.75 = 0.0175; G = ‖g₀‖² + ε = 8.0625 + 1e-8;
    // η = 0.0175/2.839454 = 0.0061631; x₁ = x₀ − ηg = [0.5030816, 0.2345922, −0.4922961].
    const opt = new DoG({ repsRel: 0.01 });
    const [w1] = trajectory(opt, 1);
    const eta = 0.0175 / Math.sqrt(8.0625 + 1e-8);
    assertTrajectory([w1], [[0.5 + 0.5 * eta, 0.25 - 2.5 * eta, -0.5 + 1.25 * eta]], 1e-5, 'step 1');
    assert.ok(Math.abs(opt.eta - eta) < 1e-12, `eta ${opt.eta}`);
    opt.dispose();
  });

  test('matches the published rule for three steps, and its average is the polynomial-decay average', () => {
    for (const wd of [0, 0.1]) {
      const opt = new DoG({ repsRel: 0.01, weightDecay: wd });
      const etas: number[] = [];
      const ws = trajectory(opt, 3, () => etas.push(opt.eta));
      const ref = dogReference({ repsRel: 0.01, wd, gamma: 8, blocks: [[0, 1, 2]] }, 3);
      assertTrajectory(ws, ref.ws, 1e-5, `weights (wd ${wd})`);
      etas.forEach((e, k) =>
        assert.ok(Math.abs(e - ref.etas[k][0]) <= 1e-5 * ref.etas[k][0], `eta ${k + 1}: ${e} vs ${ref.etas[k][0]}`),
      );
      const avg = opt.averagedWeights();
      assertTrajectory([[...avg[0].dataSync(), ...avg[1].dataSync()]], [ref.avgs[2]], 1e-5, 'average');
      tf.dispose(avg);
      opt.dispose();
    }
  });

  test('swaps the averaged weights in for evaluation and back bit-exactly, and refuses to train while swapped', () => {
    const p = makeProblem();
    const opt = new DoG({ repsRel: 0.01 });
    for (let k = 0; k < 3; k++) opt.minimize(p.loss, false, p.vars);
    const trained = p.flat();
    const avg = opt.averagedWeights();
    const expected = [...avg[0].dataSync(), ...avg[1].dataSync()];
    opt.swapToAverage();
    assert.deepEqual(p.flat(), expected);
    assert.notDeepEqual(expected, trained);
    assert.throws(
      () => opt.minimize(p.loss, false, p.vars),
      /DoG: the variables hold the averaged weights; call train\(\) \(or swapBack\(\)\) before training\./,
    );
    opt.swapBack();
    assert.deepEqual(p.flat(), trained);
    assert.throws(() => opt.swapBack(), /DoG: the variables do not hold the average/);
    tf.dispose(avg);
    opt.dispose();
    p.dispose();
  });
});

describe('DoG eval mode', () => {
  before(useCpu);
  test('eval() holds the iterate average, train() the trained weights bit-exactly, before a step eval() is false', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    const opt = new DoG({ repsRel: 0.01 });
    assert.equal(opt.eval([w]), false);
    for (let k = 0; k < 5; k++) opt.minimize(loss, false, [w]);
    const trained = Array.from(w.dataSync());
    const expected = opt.averagedWeights();
    assert.equal(opt.eval(), true);
    assert.equal(opt.mode, 'eval');
    assert.deepEqual(Array.from(w.dataSync()), Array.from(expected[0].dataSync()));
    assert.notDeepEqual(Array.from(w.dataSync()), trained);
    assert.throws(() => opt.minimize(loss, false, [w]), /call train\(\) \(or swapBack\(\)\) before training/);
    opt.train();
    assert.equal(opt.mode, 'train');
    assert.deepEqual(Array.from(w.dataSync()), trained);
    tf.dispose([...expected, w]);
    opt.dispose();
  });
});

describe('LDoG', () => {
  test('matches the published rule per tensor for three steps', () => {
    // Block [u₀, u₁]: r̄ = 0.01(1 + ‖[0.5, 0.25]‖) = 0.0155902, G = 0.25 + 6.25 + ε, η = 0.0061144;
    // block [v₀]: r̄ = 0.01·1.5 = 0.015, G = 1.5625 + ε, η = 0.012: different steps per tensor.
    const opt = new LDoG({ repsRel: 0.01 });
    const etas: number[][] = [];
    const ws = trajectory(opt, 3, () => etas.push(opt.stepSizes));
    const ref = dogReference({ repsRel: 0.01, wd: 0, gamma: 8, blocks: BLOCKS }, 3);
    assertTrajectory(ws, ref.ws, 1e-5, 'weights');
    assert.ok(Math.abs(etas[0][0] - (0.01 * (1 + Math.sqrt(0.3125))) / Math.sqrt(6.5 + 1e-8)) < 1e-12);
    assert.ok(Math.abs(etas[0][1] - 0.015 / Math.sqrt(1.5625 + 1e-8)) < 1e-12);
    etas.forEach((e, k) =>
      e.forEach((x, j) => assert.ok(Math.abs(x - ref.etas[k][j]) <= 1e-5 * ref.etas[k][j], `eta ${k + 1}/${j}`)),
    );
    opt.dispose();
  });
});
