// GeN's iterate average (`iterateAverage`, docs/algorithm.md §13): what it averages, that evaluating
// at it leaves the run untouched, when it is kept, and that its state saves, restores and is refused.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { averageWeight } from '../src/core/index.js';
import { assertBitIdentical, assertClose, normals, useCpu, values } from './helpers.js';
import { mixedShapes, type ProblemInstance } from './problems.js';
import { loadEditedState, restoredRun } from './gen-state-helpers.js';

before(useCpu);

const averaging = (gamma = 8) => new GeN(new AdamW(), { iterateAverage: gamma, horizon: null });

/** Runs `steps` GeN steps on a fresh mixed-shapes problem; `each` sees the optimizer after each step. */
function run(opt: GeN, steps: number, each: (p: ProblemInstance, step: number) => void = () => {}) {
  const p = mixedShapes().make();
  for (let s = 0; s < steps; s++) {
    opt.minimize(p.loss);
    each(p, s);
  }
  return p;
}

describe('the iterate average', () => {
  test('c₁ = 1 and the weights after T steps are proportional to t(t + 1)…(t + γ − 1)', () => {
    assert.equal(averageWeight(1, 8), 1);
    for (const gamma of [0, 1, 3]) {
      const T = 12;
      // Weight of iterate t in x̄_T: c_t · ∏_{s>t} (1 − c_s).
      const w = Array.from({ length: T }, (_, i) => {
        let v = averageWeight(i + 1, gamma);
        for (let s = i + 2; s <= T; s++) v *= 1 - averageWeight(s, gamma);
        return v;
      });
      const rising = (t: number) => Array.from({ length: gamma }, (_, j) => t + j).reduce((a, b) => a * b, 1);
      const norm = w.reduce((a, b) => a + b, 0);
      const closed = Array.from({ length: T }, (_, i) => rising(i + 1));
      const closedNorm = closed.reduce((a, b) => a + b, 0);
      assertClose(norm, 1, 1e-12, `γ=${gamma} weights sum`);
      w.forEach((v, i) => assertClose(v, closed[i] / closedNorm, 1e-12, `γ=${gamma} weight of iterate ${i + 1}`));
    }
  });

  test('eval() holds the float64 polynomial-decay average of the trained weights, to float32 rounding', () => {
    const opt = averaging(2);
    let host: number[] | null = null;
    const p = run(opt, 25, (q, s) => {
      const w = q.vars.flatMap((v) => Array.from(v.dataSync()));
      const c = averageWeight(s + 1, 2);
      host = host === null ? w : host.map((a, i) => (1 - c) * a + c * w[i]);
    });
    const trained = values(p.vars);
    assert.equal(opt.eval(), true);
    assert.equal(opt.mode, 'eval');
    const avg = p.vars.flatMap((v) => Array.from(v.dataSync()));
    const scale = Math.max(...host!.map(Math.abs));
    // 25 float32 multiply-adds of values ≤ scale: each rounds by ≤ 2⁻²⁴·scale; 1e-5 leaves room.
    avg.forEach((a, i) => assert.ok(Math.abs(a - host![i]) <= 1e-5 * scale, `weight ${i}: ${a} vs ${host![i]}`));
    const last = trained.flatMap((t) => Array.from(t));
    assert.ok(
      avg.some((a, i) => a !== last[i]),
      'the average differs from the last iterate',
    );
    opt.train();
    assert.equal(opt.mode, 'train');
    assertBitIdentical(values(p.vars), trained, 'train() puts the trained weights back');
    opt.dispose();
    p.dispose();
  });

  test('a run that evaluates at the average after every step is bit-identical to one that never does', () => {
    const a = averaging();
    const b = averaging();
    const pa = run(a, 30);
    const pb = run(b, 30, () => {
      b.eval();
      b.train();
    });
    assertBitIdentical(values(pa.vars), values(pb.vars), 'weights');
    assert.deepEqual(a.controllerState, b.controllerState);
    [a, b].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('averaging changes nothing of the run: the same weights and lr as GeN without it', () => {
    const a = averaging();
    const b = new GeN(new AdamW(), { horizon: null, iterateAverage: null });
    const pa = run(a, 30);
    const pb = run(b, 30);
    assertBitIdentical(values(pa.vars), values(pb.vars), 'weights');
    assert.deepEqual(a.controllerState, b.controllerState);
    [a, b].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('the tensor count stays flat over 60 steps with an evaluation after each, and returns after dispose', () => {
    const opt = averaging();
    const p = mixedShapes().make();
    const afterProblem = tf.memory().numTensors;
    let settled = -1;
    for (let s = 0; s < 60; s++) {
      opt.minimize(p.loss);
      opt.eval();
      opt.train();
      if (s === 5) settled = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, settled, 'flat from step 5 to 60');
    opt.dispose();
    assert.equal(tf.memory().numTensors, afterProblem, 'after dispose');
    p.dispose();
  });
});

describe('when GeN keeps an average', () => {
  test('not with a horizon: eval() returns false and changes nothing', () => {
    const opt = new GeN(new AdamW(), { iterateAverage: 8, horizon: { steps: 100 } });
    const p = run(opt, 5);
    const w = values(p.vars);
    assert.equal(opt.eval(), false);
    assert.equal(opt.mode, 'train');
    assertBitIdentical(values(p.vars), w, 'weights');
    opt.dispose();
    p.dispose();
  });

  test('not with iterateAverage null', () => {
    const opt = new GeN(new SGDW(), { horizon: null, iterateAverage: null });
    const p = run(opt, 5);
    assert.equal(opt.eval(), false);
    opt.dispose();
    p.dispose();
  });

  test('by default, in a custom loop without a horizon (γ = 8)', () => {
    const opt = new GeN(new SGDW());
    assert.equal(opt.options.iterateAverage, 8);
    const p = run(opt, 5);
    assert.equal(opt.eval(), true);
    opt.train();
    opt.dispose();
    p.dispose();
  });

  test('not once model.fit has told it the run length (horizon auto): the average is dropped', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
    const opt = new GeN(new AdamW(), { iterateAverage: 8 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const x = tf.tensor2d(normals(48, 3), [16, 3]);
    const y = tf.tensor2d(normals(32, 4), [16, 2]);
    await m.trainOnBatch(x, y);
    assert.equal(opt.eval(), true, 'trainOnBatch without a run length averages');
    opt.train();
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    assert.notEqual(opt.horizon, null);
    assert.equal(opt.eval(), false, 'after fit there is no average');
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('eval mode refuses what would train the averaged weights', () => {
  test('minimize, applyGradients and setWeights throw in eval mode, naming train(), and leave the weights', async () => {
    const opt = averaging();
    const p = run(opt, 3);
    const saved = await opt.getWeights();
    opt.eval();
    const avg = values(p.vars);
    const zeros = p.vars.map((v) => ({ name: v.name, tensor: tf.zerosLike(v) }));
    const tensors = tf.memory().numTensors;
    assert.throws(() => opt.minimize(p.loss), /GeN\.minimize: .*eval mode.*opt\.train\(\)/);
    assert.throws(() => opt.applyGradients(zeros), /GeN\.applyGradients: .*eval mode/);
    await assert.rejects(opt.setWeights(saved), /GeN\.setWeights: .*eval mode/);
    assertBitIdentical(values(p.vars), avg, 'weights still hold the average');
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
    tf.dispose(zeros.map((z) => z.tensor));
    opt.train();
    opt.minimize(p.loss);
    opt.dispose();
    p.dispose();
  });

  test('a step over variables the average does not fit is refused before anything is written', () => {
    const opt = averaging();
    const p = run(opt, 3);
    const other = tf.variable(tf.zeros([2, 2]));
    const w = values(p.vars);
    const state = opt.controllerState;
    const tensors = tf.memory().numTensors;
    assert.throws(
      () => opt.minimize(() => tf.add(tf.sum(tf.square(other)), p.loss()), false, [...p.vars, other]),
      /GeN: the iterate average holds shapes .* but this step's variables have shapes/,
    );
    assert.equal(tf.memory().numTensors, tensors, 'the refused step leaves no tensor');
    assertBitIdentical(values(p.vars), w, 'weights');
    assert.deepEqual(opt.controllerState, state);
    other.dispose();
    opt.dispose();
    p.dispose();
  });
});

describe('state', () => {
  test('getWeights/setWeights carries the average: the restored run evaluates and continues bit-identically', async () => {
    const a = averaging();
    const pa = run(a, 12);
    assert.ok((await a.getWeights()).some((w) => w.name.startsWith('gen/average/')));
    const { opt: b, p: pb } = await restoredRun(a, pa, averaging);
    for (let s = 0; s < 8; s++) {
      a.minimize(pa.loss);
      b.minimize(pb.loss);
    }
    a.eval();
    b.eval();
    assertBitIdentical(values(pb.vars), values(pa.vars), 'averages after continuing');
    [a, b].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('a saved average is refused by a GeN that keeps none, naming iterateAverage, and so is a count that does not fit', async () => {
    const a = averaging();
    const p = run(a, 4);
    const saved = await a.getWeights();
    const b = new GeN(new AdamW(), { horizon: null, iterateAverage: null });
    await assert.rejects(b.setWeights(saved), /GeN\.setWeights: .*iterate average.*iterateAverage: null/);
    await assert.rejects(
      averaging().setWeights(saved.filter((w) => !w.name.startsWith('gen/average/'))),
      /GeN\.setWeights: the list is truncated or mixed: its state averages 4 steps but it holds 0 average tensors/,
    );
    // The state entry is gen/state/v2: its 8th number counts the averaged steps.
    const withCount = (count: number) => loadEditedState(a, averaging, (n) => n.map((v, i) => (i === 7 ? count : v)));
    assert.match(await withCount(0), /its state averages 0 steps but it holds \d+ average tensors/);
    assert.match(await withCount(2.5), /the saved state has averaged = 2\.5, which is out of range/);
    assert.match(await withCount(-1), /the saved state has averaged = -1, which is out of range/);
    [a, b].forEach((o) => o.dispose());
    p.dispose();
  });
});

describe('option iterateAverage', () => {
  for (const [value, message] of [
    [-1, /option 'iterateAverage' must be a number >= 0; got -1/],
    [Infinity, /option 'iterateAverage'/],
    ['8', /option 'iterateAverage' must be null or a number γ >= 0; got "8"/],
  ] as const) {
    test(`refuses ${String(value)}, naming the option`, () => {
      assert.throws(() => new GeN(new AdamW(), { iterateAverage: value as never }), message);
    });
  }
});
