import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ScheduleFreeAdamW, ScheduleFreePlus, registerPeerOptimizers } from '../../src/peers/index.js';
import { mulberry32 } from '../../src/core/rng.js';
import { assertBitIdentical, useCpu, values } from '../helpers.js';
import { A, B, W0, assertTrajectory, dot, l1, makeProblem } from './problem.js';

before(useCpu);
registerPeerOptimizers();

interface Ref {
  lr: number;
  beta1: number;
  beta2: number;
  sfBeta: number;
  sfBetaMax: number;
  anneal: number;
  wd: number;
  r: number;
  power: number;
  polyakBeta: number;
  cWarmup: number;
  warmup: number;
}

const DEFAULT_REF: Ref = {
  lr: 1,
  beta1: 0.9,
  beta2: 0.95,
  sfBeta: 0.9,
  sfBetaMax: 0.965,
  anneal: 0,
  wd: 0,
  r: 0,
  power: 2,
  polyakBeta: 0,
  cWarmup: 0,
  warmup: 0,
};
const EPS = 1e-8;

/** A diagonal quadratic L(w) = ½Σ aᵢ(wᵢ − bᵢ)² started at w0 (the test problem by default). */
interface Quadratic {
  a: number[];
  b: number[];
  w0: number[];
}
const TEST_PROBLEM: Quadratic = { a: A, b: B, w0: W0 };

/** Twenty weights, aᵢ ∈ [0.1, 2.1), bᵢ ∈ [−1, 1) (seeded), from w = 0. */
function quadratic20(): Quadratic {
  const rnd = mulberry32(1);
  const a = Array.from({ length: 20 }, () => 0.1 + 2 * rnd());
  const b = Array.from({ length: 20 }, () => 2 * rnd() - 1);
  return { a, b, w0: new Array(20).fill(0) };
}

const qLoss = (q: Quadratic, w: number[]): number => 0.5 * w.reduce((s, x, i) => s + q.a[i] * (x - q.b[i]) ** 2, 0);

/**
 * ScheduleFree+ as the official `AdamCScheduleFreePlusPaper.step_func` writes it, with x, y, z,
 * m, v all explicit, in float64: the y and x trajectories and the step sizes.
 */
function sfPlusReference(
  o: Ref,
  steps: number,
  q: Quadratic = TEST_PROBLEM,
): { ys: number[][]; xs: number[][]; alphas: number[] } {
  const n = q.w0.length;
  let z = [...q.w0],
    x = [...q.w0],
    y = [...q.w0],
    m = new Array(n).fill(0),
    v = new Array(n).fill(0);
  let e = 0,
    lrMax = EPS,
    wsum = 0;
  const ys: number[][] = [],
    xs: number[][] = [],
    alphas: number[] = [];
  for (let k = 0; k < steps; k++) {
    const g = y.map((yi, i) => q.a[i] * (yi - q.b[i]));
    const F = qLoss(q, y);
    const p = o.anneal > 0 ? Math.min(k / o.anneal, 1) : 0;
    const bt = o.anneal > 0 ? 1 - Math.exp(Math.log(1 - o.sfBeta) * (1 - p) + Math.log(1 - o.sfBetaMax) * p) : o.sfBeta;
    const ip =
      bt *
      dot(
        g,
        z.map((zi, i) => zi - x[i]),
      );
    e = o.polyakBeta * e + (1 - o.polyakBeta) * l1(g) * Math.sqrt(Math.PI / 2);
    const eHat = e / (1 - o.polyakBeta ** (k + 1));
    const polyak = Math.max(0, F + ip) / eHat;
    const warm = k < o.warmup ? (k + 1) / o.warmup : 1;
    const alpha = Math.max(o.lr * warm, EPS) * polyak;
    lrMax = Math.max(alpha, lrMax);
    let c = 1;
    if (k >= o.cWarmup) {
      const w = (k + 1) ** o.r * lrMax ** o.power;
      wsum += w;
      c = w / wsum;
    }
    z = z.map((zi, i) => zi - alpha * alpha * o.wd * y[i]);
    m = m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * g[i]);
    v = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * g[i] * g[i]);
    z = z.map(
      (zi, i) => zi - (alpha * (m[i] / (1 - o.beta1 ** (k + 1)))) / (Math.sqrt(v[i] / (1 - o.beta2 ** (k + 1))) + EPS),
    );
    x = x.map((xi, i) => (1 - c) * xi + c * z[i]);
    y = x.map((xi, i) => bt * xi + (1 - bt) * z[i]);
    ys.push([...y]);
    xs.push([...x]);
    alphas.push(alpha);
  }
  return { ys, xs, alphas };
}

/** Runs the optimizer on `q` in float32 for `steps` steps; the loss at x (eval mode) after each of `at`. */
function lossesAtX(opt: ScheduleFreePlus, q: Quadratic, steps: number, at: number[]): number[] {
  const a = tf.tensor1d(q.a);
  const b = tf.tensor1d(q.b);
  const w = tf.variable(tf.tensor1d(q.w0));
  const loss = () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(w, b))))) as tf.Scalar);
  const out: number[] = [];
  for (let k = 1; k <= steps; k++) {
    opt.minimize(loss, false, [w]);
    if (at.includes(k)) {
      opt.eval();
      out.push(tf.tidy(() => loss().dataSync()[0]));
      opt.train();
    }
  }
  tf.dispose([a, b, w]);
  return out;
}

describe('ScheduleFreePlus', () => {
  test('takes the Polyak step L/(√(π/2)·‖g‖₁) against the gradient sign on the first step, by hand', () => {
    // k = 0: F = L(w₀) = 3.25, g = [−0.5, 2.5, −1.25], ‖g‖₁ = 4.25, I = 0 (z = x), β_p = 0 so
    // ê = √(π/2)·4.25 and α = 1·3.25/ê = 0.610147; m̂ = g and v̂ = g², so z₁ = w₀ − α·sign(g);
    // c = 1 gives x₁ = z₁ and y₁ = z₁.
    const alpha = 3.25 / (Math.sqrt(Math.PI / 2) * 4.25);
    assert.ok(Math.abs(alpha - 0.610147) < 1e-6);
    const p = makeProblem();
    const opt = new ScheduleFreePlus();
    opt.minimize(p.loss, false, p.vars);
    assertTrajectory([p.flat()], [[0.5 + alpha, 0.25 - alpha, -0.5 + alpha]], 1e-5, 'step 1');
    assert.ok(Math.abs(opt.appliedStepSize - alpha) < 1e-6 * alpha, `α ${opt.appliedStepSize} vs ${alpha}`);
    assert.equal(opt.averagingWeight, 1);
    assert.equal(opt.interpolationCorrection, 0);
    const eHat = Math.sqrt(Math.PI / 2) * 4.25;
    assert.ok(Math.abs(opt.gradNormEstimate - eHat) < 1e-6 * eHat, `ê ${opt.gradNormEstimate} vs ${eHat}`);
    opt.dispose();
    p.dispose();
  });

  test('matches the explicit float64 x/y/z form at its defaults for five steps', () => {
    const ref = sfPlusReference(DEFAULT_REF, 5);
    const p = makeProblem();
    const opt = new ScheduleFreePlus();
    const ys: number[][] = [];
    for (let k = 0; k < 5; k++) {
      opt.minimize(p.loss, false, p.vars);
      ys.push(p.flat());
    }
    assertTrajectory(ys, ref.ys, 1e-5, 'y (train mode)');
    assert.ok(Math.abs(opt.appliedStepSize - ref.alphas[4]) < 1e-5 * ref.alphas[4], 'α at step 5');
    opt.eval();
    assertTrajectory([p.flat()], [ref.xs[4]], 1e-5, 'x (eval mode)');
    opt.dispose();
    p.dispose();
  });

  test('matches the explicit form with annealing, an EMA norm, c warm-up, AdamC decay, r and warm-up', () => {
    const o: Ref = {
      ...DEFAULT_REF,
      lr: 0.5,
      anneal: 3,
      polyakBeta: 0.9,
      cWarmup: 2,
      wd: 0.5,
      r: 1,
      warmup: 2,
      beta2: 0.99,
    };
    const opt = new ScheduleFreePlus({
      lr: 0.5,
      sfBetaAnnealSteps: 3,
      polyakBeta: 0.9,
      cWarmup: 2,
      weightDecay: 0.5,
      r: 1,
      warmupSteps: 2,
      beta2: 0.99,
    });
    const ref = sfPlusReference(o, 5);
    const p = makeProblem();
    const ys: number[][] = [];
    for (let k = 0; k < 5; k++) {
      opt.minimize(p.loss, false, p.vars);
      ys.push(p.flat());
    }
    assertTrajectory(ys, ref.ys, 1e-5, 'y (train mode)');
    assert.ok(Math.abs(opt.interpolation - 0.965) < 1e-12, `β̃ annealed to sfBetaMax: ${opt.interpolation}`);
    opt.eval();
    assert.equal(opt.mode, 'eval');
    assertTrajectory([p.flat()], [ref.xs[4]], 1e-5, 'x (eval mode)');
    assert.throws(
      () => opt.minimize(p.loss, false, p.vars),
      /ScheduleFreePlus: not in train mode .* call opt\.train\(\) before stepping\./,
    );
    opt.train();
    assertTrajectory([p.flat()], [ref.ys[4]], 1e-5, 'y again (train mode)');
    opt.dispose();
    p.dispose();
  });

  test('reaches a low loss at x on a 20-weight convex quadratic with the EMA norm (polyakBeta 0.9)', () => {
    // The float64 rule gives L(x)/L(w₀) = 0.0075 after 100 steps here; the bound leaves room for float32.
    const q = quadratic20();
    const o: Ref = { ...DEFAULT_REF, polyakBeta: 0.9 };
    const ref = qLoss(q, sfPlusReference(o, 100, q).xs[99]) / qLoss(q, q.w0);
    assert.ok(ref < 0.01, `float64 reference ratio ${ref}`);
    const opt = new ScheduleFreePlus({ polyakBeta: 0.9 });
    const [atX] = lossesAtX(opt, q, 100, [100]);
    const ratio = atX / qLoss(q, q.w0);
    assert.ok(Number.isFinite(ratio) && ratio < 0.02, `L(x)/L(w₀) ${ratio}`);
    opt.dispose();
  });

  test('at the official defaults (β_p = 0) runs away on the same quadratic after ~50 steps, as the float64 rule does', () => {
    // A property of the published rule, not of this port: with the instantaneous ‖g‖₁, the
    // correction I = β̃⟨g, z − x⟩ turns positive once z overshoots and α grows with it.
    const q = quadratic20();
    const l0 = qLoss(q, q.w0);
    const ref = sfPlusReference(DEFAULT_REF, 150, q).xs;
    const refRatios = [50, 150].map((k) => qLoss(q, ref[k - 1]) / l0);
    assert.ok(refRatios[0] < 0.02 && refRatios[1] > 1, `float64 reference ratios ${refRatios}`);
    const opt = new ScheduleFreePlus();
    const ratios = lossesAtX(opt, q, 150, [50, 150]).map((l) => l / l0);
    assert.ok(ratios[0] < 0.02 && ratios[1] > 1, `L(x)/L(w₀) at steps 50, 150: ${ratios}`);
    opt.dispose();
  });

  test('does not move at the minimum, where the gradient is zero (α = 0, not NaN)', () => {
    const p = makeProblem();
    p.vars[0].assign(tf.tensor1d(B.slice(0, 2)));
    p.vars[1].assign(tf.tensor1d(B.slice(2)));
    const opt = new ScheduleFreePlus();
    opt.minimize(p.loss, false, p.vars);
    assert.equal(opt.appliedStepSize, 0);
    assert.deepEqual(p.flat(), B);
    opt.dispose();
    p.dispose();
  });

  test('switches modes before its first step without touching the weights', () => {
    const p = makeProblem();
    const opt = new ScheduleFreePlus();
    opt.eval(p.vars);
    assert.equal(opt.mode, 'eval');
    opt.train(p.vars);
    assert.deepEqual(p.flat(), W0);
    opt.minimize(p.loss, false, p.vars);
    assert.ok(opt.appliedStepSize > 0);
    opt.dispose();
    p.dispose();
  });

  test('refuses applyGradients and a non-scalar loss with clear errors', () => {
    const p = makeProblem();
    const opt = new ScheduleFreePlus();
    assert.throws(
      () => opt.applyGradients([{ name: p.vars[0].name, tensor: tf.zerosLike(p.vars[0]) }]),
      /ScheduleFreePlus: the Polyak step needs the loss value; call minimize\(f\)/,
    );
    assert.throws(
      () => opt.minimize(() => tf.mul(p.vars[0], 2) as unknown as tf.Scalar, false, p.vars),
      /ScheduleFreePlus: the loss closure must return a float32 scalar tf\.Tensor .* got a float32 tensor of shape \[2\]\./,
    );
    opt.dispose();
    p.dispose();
  });

  test('continues bit-identically after a save in eval mode and a restore', async () => {
    const a = makeProblem();
    const optA = new ScheduleFreePlus({ polyakBeta: 0.9, sfBetaAnnealSteps: 10 });
    for (let k = 0; k < 6; k++) optA.minimize(a.loss, false, a.vars);
    optA.eval();
    const saved = (await optA.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const b = makeProblem();
    b.vars.forEach((v, i) => v.assign(a.vars[i]));
    const optB = new ScheduleFreePlus(optA.options);
    await optB.setWeights(saved);
    assert.equal(optB.mode, 'eval');
    optA.train();
    optB.train(b.vars);
    for (let k = 0; k < 5; k++) {
      optA.minimize(a.loss, false, a.vars);
      optB.minimize(b.loss, false, b.vars);
    }
    assertBitIdentical(values(b.vars), values(a.vars), 'weights');
    assert.equal(optB.appliedStepSize, optA.appliedStepSize);
    tf.dispose(saved.map((s) => s.tensor));
    optA.dispose();
    optB.dispose();
    a.dispose();
    b.dispose();
  });

  test('keeps the tensor count flat over 200 steps with eval/train switches', () => {
    const p = makeProblem();
    const opt = new ScheduleFreePlus({ weightDecay: 0.1 });
    const round = () => {
      for (let k = 0; k < 10; k++) opt.minimize(p.loss, false, p.vars);
      opt.eval();
      opt.train();
    };
    round();
    const settled = tf.memory().numTensors;
    for (let j = 0; j < 19; j++) round();
    assert.equal(tf.memory().numTensors, settled);
    opt.dispose();
    p.dispose();
  });
  test('rebuilds an equal optimizer from its config after a JSON round trip (as model.save writes it)', () => {
    const opt = new ScheduleFreePlus({ polyakBeta: 0.9, sfBetaAnnealSteps: 100, cWarmup: 5, weightDecay: 20 });
    const json = JSON.parse(JSON.stringify(opt.getConfig())) as tf.serialization.ConfigDict;
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.ScheduleFreePlus;
    const copy = fromConfig(cls, json) as ScheduleFreePlus;
    assert.equal(copy.getClassName(), 'ScheduleFreePlus');
    assert.deepEqual(copy.options, opt.options);
    opt.dispose();
    copy.dispose();
  });

  test('rejects weights that another optimizer saved', async () => {
    const p = makeProblem();
    const other = new ScheduleFreeAdamW();
    other.minimize(p.loss, false, p.vars);
    const saved = await other.getWeights();
    await assert.rejects(
      new ScheduleFreePlus().setWeights(saved),
      /ScheduleFreePlus\.setWeights: expected the weights of ScheduleFreePlus\.getWeights\(\) \(an entry 'ScheduleFreePlus\/state\/v2' with 11 numbers\); got entries 'ScheduleFreeAdamW\/state\/v2'/,
    );
    tf.dispose(saved.filter((w) => w.name === 'iter' || w.name.endsWith('/state')).map((w) => w.tensor));
    other.dispose();
    p.dispose();
  });
});
