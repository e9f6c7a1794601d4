// GeN with the fit's slope from the gradient (`slope: 'gradient'` and `'alternating'`, docs/algorithm.md §24): a
// refit costs one probe forward instead of two (with 'alternating' after calibration, on alternating sides), the
// closure is called that many times and no more, a probe loss of its own is refused with a message naming both
// options, the option survives getConfig, and many steps leave no tensor behind.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW, AdamW, type GeNOptions } from '../src/index.js';
import { assertClose, useCpu } from './helpers.js';
import { logisticRegression, quadratic } from './problems.js';

before(useCpu);

/** Runs `steps` GeN steps and counts the closure's calls beyond the gradient passes, and the refits. */
function count(options: Partial<GeNOptions>, steps: number) {
  const p = logisticRegression().make();
  let calls = 0;
  const f = () => {
    calls++;
    return p.loss();
  };
  const opt = new GeN(new AdamW(), { horizon: null, iterateAverage: null, ...options });
  let refits = 0;
  for (let s = 0; s < steps; s++) {
    opt.minimize(f);
    if (opt.lastStep!.refit) refits++;
  }
  const result = { probeCalls: calls - steps, refits, distance: p.distance() };
  opt.dispose();
  p.dispose();
  return result;
}

describe("GeN with the slope from the gradient (slope: 'gradient')", () => {
  test('a refit calls the loss closure once beyond the gradient pass, where the fitted slope calls it twice', () => {
    const gradient = count({ slope: 'gradient' }, 40);
    const fitted = count({ slope: 'fitted' }, 40);
    assert.ok(gradient.refits >= 10, `refits: ${gradient.refits}`);
    assert.equal(gradient.probeCalls, gradient.refits);
    assert.equal(fitted.probeCalls, 2 * fitted.refits);
  });

  test('on the first step its curvature is the symmetric fit’s, to float32 rounding', () => {
    const [pa, pb] = [quadratic().make(), quadratic().make()];
    const [gradient, fitted] = [
      new GeN(new SGDW(), { initialLr: 0.1, slope: 'gradient', horizon: null }),
      new GeN(new SGDW(), { initialLr: 0.1, horizon: null }),
    ];
    gradient.minimize(pa.loss);
    fitted.minimize(pb.loss);
    const [g, f] = [gradient.lastStep!, fitted.lastStep!];
    assert.equal(g.a, g.gradientSlope);
    assertClose(g.a, f.a, 1e-3, 'the slope');
    assertClose(g.b, f.b, 1e-3, 'the curvature');
    [gradient, fitted].forEach((o) => o.dispose());
    [pa, pb].forEach((p) => p.dispose());
  });

  test('it trains: the logistic regression comes as close to its minimiser as with the fitted slope', () => {
    const gradient = count({ slope: 'gradient' }, 150);
    const fitted = count({ slope: 'fitted' }, 150);
    const start = (() => {
      const p = logisticRegression().make();
      const d = p.distance();
      p.dispose();
      return d;
    })();
    assert.ok(gradient.distance < 0.1 * start, `distance ${start} → ${gradient.distance}`);
    assert.ok(gradient.distance < 3 * fitted.distance + 1e-3, `${gradient.distance} vs fitted ${fitted.distance}`);
  });

  test('a probe loss of its own is refused, naming both options', () => {
    const p = quadratic().make();
    for (const slope of ['gradient', 'alternating'] as const) {
      assert.throws(
        () => new GeN(new SGDW(), { slope, probeLoss: p.loss }),
        new RegExp(`GeN: option 'slope' must be 'fitted' when 'probeLoss' is given; got '${slope}'`),
      );
    }
    p.dispose();
  });

  test("with slope 'alternating' calibration refits take two probes and the fitted slope, later ones one probe, on alternating sides", () => {
    const p = logisticRegression().make();
    let calls = 0;
    const f = () => {
      calls++;
      return p.loss();
    };
    const opt = new GeN(new AdamW(), { slope: 'alternating', horizon: null, iterateAverage: null });
    const sides: number[] = [];
    for (let s = 0; s < 60; s++) {
      const before = calls;
      opt.minimize(f);
      const info = opt.lastStep!;
      if (!info.refit) continue;
      if (info.calibrating) {
        assert.equal(calls - before, 3, `step ${s}: the gradient pass and two probes`);
        assert.equal(info.probeOffsets.length, 3);
      } else {
        assert.equal(calls - before, 2, `step ${s}: the gradient pass and one probe`);
        assert.equal(info.a, info.gradientSlope);
        sides.push(Math.sign(info.probeOffsets[1]));
      }
    }
    assert.ok(sides.length >= 8, `refits after calibration: ${sides.length}`);
    sides.forEach((side, i) => i > 0 && assert.equal(side, -sides[i - 1], `refit ${i} alternates`));
    opt.dispose();
    p.dispose();
  });

  test("after calibration a refit reads back one scalar per probe beyond a plain step's readbacks (slope 'alternating')", () => {
    const p = logisticRegression().make();
    const opt = new GeN(new AdamW(), { slope: 'alternating', every: 2, horizon: null, iterateAverage: null });
    const proto = tf.Tensor.prototype as unknown as Record<'dataSync' | 'arraySync', (...a: unknown[]) => unknown>;
    const original = { dataSync: proto.dataSync, arraySync: proto.arraySync };
    let reads = 0;
    for (const k of ['dataSync', 'arraySync'] as const)
      proto[k] = function (this: unknown, ...a: unknown[]) {
        reads++;
        return original[k].apply(this, a);
      };
    const plain: number[] = [];
    const extra: number[] = [];
    try {
      for (let s = 0; s < 40; s++) {
        const before = reads;
        opt.minimize(p.loss);
        const info = opt.lastStep!;
        if (!info.refit) plain.push(reads - before);
        else if (!info.calibrating) extra.push(reads - before - info.probeOffsets.length + 1);
      }
    } finally {
      Object.assign(proto, original);
    }
    assert.ok(plain.length >= 10 && extra.length >= 8, `${plain.length} plain steps, ${extra.length} refits`);
    // Every plain step reads back the same count, and a refit (offsets 0 and one probe) that count plus one.
    assert.deepEqual([...new Set(plain)], [plain[0]], `plain steps: ${plain.join(', ')}`);
    assert.deepEqual([...new Set(extra)], [plain[0]], `refits minus their probes: ${extra.join(', ')}`);
    opt.dispose();
    p.dispose();
  });

  test('with a probe loss of its own and no slope given, the slope is the fitted one', () => {
    const p = quadratic().make();
    const opt = new GeN(new SGDW(), { probeLoss: p.loss });
    assert.equal(opt.options.slope, 'fitted');
    assert.equal(new GeN(new SGDW()).options.slope, 'alternating', 'the default without one');
    opt.dispose();
    p.dispose();
  });

  test('the option and its probes survive getConfig and fromConfig', () => {
    const opt = new GeN(new AdamW(), { slope: 'gradient' });
    const copy = GeN.fromConfig(GeN, opt.getConfig()) as GeN;
    assert.equal(copy.options.slope, 'gradient');
    assert.deepEqual(copy.options.probes, [0, 1]);
    [opt, copy].forEach((o) => o.dispose());
  });

  for (const slope of ['gradient', 'alternating'] as const) {
    test(`many steps leave no tensor behind, also where probes and steps are not finite (slope ${slope})`, () => {
      const p = logisticRegression().make();
      const before = tf.memory().numTensors;
      const opt = new GeN(new AdamW(), { slope, every: 1 });
      let calls = 0;
      // Every 7th evaluation is NaN: training losses and probes alike, so steps are skipped and fits rejected.
      const f = () => (++calls % 7 === 0 ? (tf.add(p.loss(), NaN) as tf.Scalar) : p.loss());
      const counts: number[] = [];
      const reasons = new Set<string>();
      for (let s = 0; s < 40; s++) {
        opt.minimize(f);
        reasons.add(opt.lastStep!.reason);
        counts.push(tf.memory().numTensors);
      }
      assert.ok(reasons.has('nonfinite'), `reasons: ${[...reasons].join(', ')}`);
      // The count moves only by the held direction (kept or dropped after a skipped step), and never grows.
      assert.ok(Math.max(...counts.slice(5)) <= Math.max(...counts.slice(0, 5)), `counts ${counts.join(', ')}`);
      opt.dispose();
      assert.equal(tf.memory().numTensors, before, 'nothing left after dispose');
      p.dispose();
    });
  }
});
