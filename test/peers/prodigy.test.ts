import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Prodigy } from '../../src/peers/index.js';
import { useCpu } from '../helpers.js';
import { W0, assertTrajectory, dot, grad, l1, trajectory } from './problem.js';

before(useCpu);

interface Ref {
  lr: number;
  beta1: number;
  beta2: number;
  beta3: number;
  eps: number;
  wd: number;
  decouple: boolean;
  bias: boolean;
  safeguard: boolean;
  d0: number;
  dCoef: number;
  growth: number;
}

/** Prodigy's published rule (konstmish/prodigy, Adam variant) in float64 on the flat weights. */
function prodigyReference(o: Ref, steps: number): { ws: number[][]; ds: number[] } {
  let x = [...W0];
  const x0 = [...W0];
  let m = [0, 0, 0],
    v = [0, 0, 0],
    s = [0, 0, 0];
  let d = o.d0,
    dMax = o.d0,
    r = 0;
  const ws: number[][] = [],
    ds: number[] = [];
  for (let k = 0; k < steps; k++) {
    const g = grad(x).map((gi, i) => gi + (o.decouple ? 0 : o.wd * x[i]));
    const bc = o.bias ? Math.sqrt(1 - o.beta2 ** (k + 1)) / (1 - o.beta1 ** (k + 1)) : 1;
    const dlr = d * o.lr * bc;
    r =
      o.beta3 * r +
      (d / o.d0) *
        dlr *
        dot(
          g,
          x0.map((xi, i) => xi - x[i]),
        );
    m = m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * d * g[i]);
    v = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * d * d * g[i] * g[i]);
    s = s.map((si, i) => o.beta3 * si + (d / o.d0) * (o.safeguard ? d : dlr) * g[i]);
    const dHat = (o.dCoef * r) / l1(s);
    let dNew = d === o.d0 ? Math.max(d, dHat) : d;
    dMax = Math.max(dMax, dHat);
    dNew = Math.min(dMax, dNew * o.growth);
    x = x.map((xi, i) => xi - (dlr * m[i]) / (Math.sqrt(v[i]) + dNew * o.eps) - (o.decouple ? dlr * o.wd * xi : 0));
    d = dNew;
    ws.push([...x]);
    ds.push(d);
  }
  return { ws, ds };
}

const base: Ref = {
  lr: 1,
  beta1: 0.9,
  beta2: 0.999,
  beta3: Math.sqrt(0.999),
  eps: 1e-8,
  wd: 0,
  decouple: true,
  bias: false,
  safeguard: false,
  d0: 0.01,
  dCoef: 1,
  growth: Infinity,
};

describe('Prodigy', () => {
  test('takes a first step of d₀·(1 − β₁)/√(1 − β₂) against the gradient sign, by hand', () => {
    // Step 1 at w = [0.5, 0.25, −0.5]: g = a(w − b) = [−0.5, 2.5, −1.25]; x₀ − x = 0 so r = 0,
    // d̂ = 0 and d stays d₀ = 0.01. m = d₀(1 − β₁)g = 0.001g, v = d₀²(1 − β₂)g² = 1e-7·g²,
    // so m/(√v + d·ε) = 0.001/√1e-7·sign(g) = 3.16228·sign(g) and the step is d₀·lr·3.16228 = 0.0316228:
    // w₁ = [0.5316228, 0.2183772, −0.4683772].
    const opt = new Prodigy({ d0: 0.01 });
    const [w1] = trajectory(opt, 1);
    const step = (0.01 * 0.001) / Math.sqrt(1e-7);
    assertTrajectory([w1], [[0.5 + step, 0.25 - step, -0.5 + step]], 1e-5, 'step 1');
    assert.equal(opt.d, 0.01);
    opt.dispose();
  });

  test('matches the published rule for three steps, and d grows from the second step', () => {
    // Step 2: r = β₃·0 + (d/d₀)·dlr·⟨g₂, x₀ − x₁⟩ > 0 because x moved against g, so
    // d̂ = r/‖s‖₁ and d = max(d₀, d̂); the reference below carries this on in float64.
    const opt = new Prodigy({ d0: 0.01 });
    const ds: number[] = [];
    const ws = trajectory(opt, 3, () => ds.push(opt.d));
    const ref = prodigyReference(base, 3);
    assertTrajectory(ws, ref.ws, 1e-5, 'weights');
    ds.forEach((d, k) =>
      assert.ok(Math.abs(d - ref.ds[k]) <= 1e-4 * ref.ds[k], `d at step ${k + 1}: ${d} vs ${ref.ds[k]}`),
    );
    assert.ok(ref.ds[1] > 0.01, 'd grew');
    opt.dispose();
  });

  test('matches the published rule with bias correction, safeguard warm-up, coupled decay and a growth cap', () => {
    const o = { ...base, bias: true, safeguard: true, decouple: false, wd: 0.1, growth: 1.5, dCoef: 0.5, beta3: 0.95 };
    const opt = new Prodigy({
      d0: 0.01,
      biasCorrection: true,
      safeguardWarmup: true,
      decouple: false,
      weightDecay: 0.1,
      growthRate: 1.5,
      dCoef: 0.5,
      beta3: 0.95,
    });
    assertTrajectory(trajectory(opt, 3), prodigyReference(o, 3).ws, 1e-5, 'weights');
    opt.dispose();
  });

  test('matches the published rule with decoupled weight decay', () => {
    const opt = new Prodigy({ d0: 0.01, weightDecay: 0.1 });
    assertTrajectory(trajectory(opt, 3), prodigyReference({ ...base, wd: 0.1 }, 3).ws, 1e-5, 'weights');
    opt.dispose();
  });

  test('exposes its options through getConfig, with an infinite growth rate as the string Infinity (JSON has none)', () => {
    const config = new Prodigy({ dCoef: 0.3 }).getConfig();
    assert.equal(config.dCoef, 0.3);
    assert.equal(config.growthRate, 'Infinity');
    assert.equal(JSON.parse(JSON.stringify(config)).growthRate, 'Infinity');
  });
});
