import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, SGDW, type DecayMask } from '../../src/index.js';
import { assertClose, useCpu } from '../helpers.js';

before(useCpu);

// Two variables with a linear loss L = Σ aᵢ·wᵢ, so the gradient is exactly a (no rounding): a kernel
// of rank 2 and a bias of rank 1, with gradients [3, 0, 0, 0] and [4, 0], whose global norm is 5.
const A_KERNEL = [3, 0, 0, 0];
const A_BIAS = [4, 0];
let counter = 0;
function problem() {
  const id = counter++;
  const kernel = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]), true, `dense_${id}/kernel`);
  const bias = tf.variable(tf.tensor1d([5, 6]), true, `dense_${id}/bias`);
  const a1 = tf.tensor2d(A_KERNEL, [2, 2]);
  const a2 = tf.tensor1d(A_BIAS);
  const loss = () => tf.add(tf.sum(tf.mul(a1, kernel)), tf.sum(tf.mul(a2, bias))) as tf.Scalar;
  const dispose = () => tf.dispose([kernel, bias, a1, a2]);
  return { kernel, bias, loss, dispose };
}

const read = (v: tf.Variable) => Array.from(v.dataSync());

describe('gradient clipping by global norm (clipNorm)', () => {
  test('SGDW scales every gradient by c/‖g‖ when the global norm ‖g‖ = 5 exceeds c = 2.5', () => {
    const p = problem();
    const opt = new SGDW({ lr: 1, clipNorm: 2.5 });
    opt.minimize(p.loss);
    // w ← w − 0.5·a
    assert.deepEqual(read(p.kernel), [1 - 1.5, 2, 3, 4]);
    assert.deepEqual(read(p.bias), [5 - 2, 6]);
    opt.dispose();
    p.dispose();
  });

  test('SGDW leaves gradients whose global norm is below c unchanged', () => {
    const p = problem();
    const opt = new SGDW({ lr: 1, clipNorm: 10 });
    opt.minimize(p.loss);
    assert.deepEqual(read(p.kernel), [1 - 3, 2, 3, 4]);
    assert.deepEqual(read(p.bias), [5 - 4, 6]);
    opt.dispose();
    p.dispose();
  });

  test("AdamW's moments see the clipped gradients: m = (1 − β₁)·g·c/‖g‖, v = (1 − β₂)·(g·c/‖g‖)²", async () => {
    const p = problem();
    const opt = new AdamW({ clipNorm: 1, weightDecay: 0 });
    opt.minimize(p.loss);
    const weights = await opt.getWeights();
    const [, mKernel, mBias, vKernel, vBias] = weights.map((w) => Array.from(w.tensor.dataSync()));
    const scale = 1 / 5;
    const expect = (a: number[], f: (g: number) => number) => a.map((g) => f(g * scale));
    const close = (got: number[], want: number[], what: string) =>
      got.forEach((x, i) => assertClose(x, want[i], 1e-6, `${what}[${i}]`, 1e-12));
    close(
      mKernel,
      expect(A_KERNEL, (g) => 0.1 * g),
      'm kernel',
    );
    close(
      mBias,
      expect(A_BIAS, (g) => 0.1 * g),
      'm bias',
    );
    close(
      vKernel,
      expect(A_KERNEL, (g) => 0.001 * g * g),
      'v kernel',
    );
    close(
      vBias,
      expect(A_BIAS, (g) => 0.001 * g * g),
      'v bias',
    );
    opt.dispose();
    p.dispose();
  });

  test('a zero gradient is left at zero (factor 1, not 0/0)', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'zero-grad');
    const opt = new SGDW({ lr: 1, clipNorm: 1, weightDecay: 0 });
    opt.minimize(() => tf.mul(tf.sum(w), 0) as tf.Scalar);
    assert.deepEqual(read(w), [1, 2]);
    assert.equal(opt.skippedSteps, 0);
    opt.dispose();
    w.dispose();
  });

  test('clipping adds no tensors over many steps', () => {
    const p = problem();
    const opt = new AdamW({ clipNorm: 1, decayMask: 'matrices' });
    opt.minimize(p.loss);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) opt.minimize(p.loss);
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    p.dispose();
  });
});

describe('weight-decay masks (decayMask)', () => {
  // With a = 0 on the second entries, the decay is the only force there: w ← w − lr·λ·w exactly.
  const cases: Array<[string, DecayMask, boolean, boolean]> = [
    ["'all' decays the kernel and the bias", 'all', true, true],
    ["'matrices' decays the rank-2 kernel, not the rank-1 bias", 'matrices', true, false],
    ['a predicate on the name decides per variable', (name: string) => name.endsWith('/bias'), false, true],
  ];
  for (const [what, decayMask, kernelDecays, biasDecays] of cases) {
    test(`SGDW: ${what}`, () => {
      const p = problem();
      const lambda = 0.5;
      const opt = new SGDW({ lr: 1, weightDecay: lambda, decayMask });
      opt.minimize(p.loss);
      const k = (w: number, g: number) => w - (g + (kernelDecays ? lambda * w : 0));
      const b = (w: number, g: number) => w - (g + (biasDecays ? lambda * w : 0));
      assert.deepEqual(
        read(p.kernel),
        [1, 2, 3, 4].map((w, i) => k(w, A_KERNEL[i])),
      );
      assert.deepEqual(
        read(p.bias),
        [5, 6].map((w, i) => b(w, A_BIAS[i])),
      );
      opt.dispose();
      p.dispose();
    });
  }

  test("AdamW with 'matrices': w ← w − lr·(ĝ/(|ĝ| + ε) + λw) on the kernel, no λw on the bias", () => {
    const p = problem();
    const lr = 0.1,
      lambda = 0.2,
      eps = 1e-8;
    const opt = new AdamW({ lr, weightDecay: lambda, epsilon: eps, decayMask: 'matrices' });
    opt.minimize(p.loss);
    // First step: m̂ = g, v̂ = g², so the Adam part is g/(|g| + ε).
    const adam = (g: number) => g / (Math.abs(g) + eps);
    [1, 2, 3, 4].forEach((w, i) =>
      assertClose(read(p.kernel)[i], w - lr * (adam(A_KERNEL[i]) + lambda * w), 1e-6, `kernel[${i}]`),
    );
    [5, 6].forEach((w, i) => assertClose(read(p.bias)[i], w - lr * adam(A_BIAS[i]), 1e-6, `bias[${i}]`));
    opt.dispose();
    p.dispose();
  });

  test('a predicate that does not return a boolean is an error naming the variable', () => {
    const p = problem();
    const opt = new SGDW({ weightDecay: 0.1, decayMask: (() => 1) as unknown as DecayMask });
    assert.throws(
      () => opt.minimize(p.loss),
      /decayMask: the predicate must return true or false; got 1 for variable 'dense_\d+\/kernel'/,
    );
    opt.dispose();
    p.dispose();
  });
});

describe('options clipNorm and decayMask are validated and serialized', () => {
  test('bad values get the library message naming option, value and what is allowed', () => {
    assert.throws(() => new AdamW({ clipNorm: 0 }), {
      name: 'RangeError',
      message: "AdamW: option 'clipNorm' must be a number > 0; got 0.",
    });
    assert.throws(() => new SGDW({ clipNorm: 'big' as unknown as number }), {
      name: 'TypeError',
      message: /SGDW: option 'clipNorm' must be a number > 0; got "big"/,
    });
    assert.throws(() => new AdamW({ decayMask: 'none' as DecayMask }), {
      name: 'RangeError',
      message: "AdamW: option 'decayMask' must be one of 'all', 'matrices'; got \"none\".",
    });
    assert.throws(() => new SGDW({ decayMask: 3 as unknown as DecayMask }), {
      name: 'TypeError',
      message: /SGDW: option 'decayMask' must be 'all', 'matrices' or a function/,
    });
    assert.throws(
      () => new AdamW({ clipnorm: 1 } as never),
      /unknown option 'clipnorm'. Allowed options: .*clipNorm.*decayMask/,
    );
  });

  test("clipNorm and a string decayMask survive getConfig/fromConfig; a predicate is left out (restores 'all')", () => {
    const a = new AdamW({ clipNorm: 1.5, decayMask: 'matrices', weightDecay: 0.03 });
    const b = AdamW.fromConfig(AdamW, a.getConfig()) as AdamW;
    assert.deepEqual(b.options, a.options);
    const c = new SGDW({ decayMask: () => true });
    assert.equal('decayMask' in c.getConfig(), false);
    const d = SGDW.fromConfig(SGDW, c.getConfig()) as SGDW;
    assert.equal(d.options.decayMask, 'all');
    for (const o of [a, b, c, d]) o.dispose();
  });

  test('the defaults are no clipping and decay on every variable', () => {
    assert.equal(new AdamW().options.clipNorm, null);
    assert.equal(new SGDW().options.decayMask, 'all');
  });
});
