import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLER_DEFAULTS, HORIZON_SHAPE, resolveControllerOptions } from './options.js';

const resolve = (o: Record<string, unknown>) => resolveControllerOptions('GeN', o as never);

describe('controller options', () => {
  test('fills every default', () => {
    assert.deepEqual({ ...resolve({}) }, { ...CONTROLLER_DEFAULTS });
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a non-positive initialLr', { initialLr: 0 }, /GeN: option 'initialLr' must be a number > 0; got 0\./],
    ['a string initialLr', { initialLr: '0.1' }, /option 'initialLr' must be a number > 0; got "0.1"/],
    ['a NaN initialLr', { initialLr: NaN }, /option 'initialLr' must be .*; got NaN/],
    ['the 0.1 name lr', { lr: 0.1 }, /GeN: option 'lr' was renamed to 'initialLr' in gen-optim 0.2.0/],
    [
      'the 0.1 name warmUp',
      { warmUp: 3 },
      /GeN: option 'warmUp' was renamed to 'calibrationDivisor' in gen-optim 0.2.0/,
    ],
    ['a probeDirection outside the list', { probeDirection: 'next' }, /option 'probeDirection' must be one of/],
    [
      'a negativeCurvature outside the list',
      { negativeCurvature: 'halve' },
      /GeN: option 'negativeCurvature' must be one of 'grow', 'reject'; got "halve"/,
    ],
    [
      'an insignificantCurvature outside the list',
      { insignificantCurvature: 'shrink' },
      /GeN: option 'insignificantCurvature' must be one of 'grow', 'hold', 'grow-if-downhill'; got "shrink"/,
    ],
    [
      'an averaging outside the list',
      { averaging: 'harmonic' },
      /GeN: option 'averaging' must be one of 'arithmetic', 'geometric'; got "harmonic"/,
    ],
    ['a fractional every', { every: 2.5 }, /option 'every' must be an integer >= 1; got 2.5/],
    ['every = 0', { every: 0 }, /option 'every' must be an integer >= 1; got 0/],
    ['smoothing = 1', { smoothing: 1 }, /option 'smoothing' must be a number >= 0 and < 1; got 1/],
    ['a negative smoothing', { smoothing: -0.1 }, /option 'smoothing' .*; got -0.1/],
    [
      'a clip band that excludes 1',
      { clip: [1.5, 2] },
      /option 'clip' must be \[lo, hi\] with 0 < lo <= 1 <= hi < Infinity; got \[1.5,2\]/,
    ],
    ['a clip that is not a pair', { clip: [0.5] }, /option 'clip' must be null or a pair/],
    [
      'probes without 0',
      { probes: [-1, 1, 2] },
      /option 'probes' must hold at least 3 distinct finite offsets including 0; got \[-1,1,2\]/,
    ],
    ['too few probes', { probes: [0, 1] }, /option 'probes' must hold at least 3/],
    ['repeated probes', { probes: [0, 1, 1] }, /option 'probes'/],
    ['non-numeric probes', { probes: 'x' }, /option 'probes' must be an array of numbers/],
    [
      'a slope source outside the list',
      { slope: 'hessian' },
      /option 'slope' must be one of 'fitted', 'gradient', 'alternating'; got "hessian"/,
    ],
    [
      'a gradient slope with no probe but 0',
      { slope: 'gradient', probes: [0] },
      /option 'probes' must hold at least 2 distinct finite offsets including 0 \(with slope: 'gradient'\); got \[0\]/,
    ],
    ['minR2 above 1', { minR2: 1.5 }, /option 'minR2' must be a number <= 1; got 1.5/],
    ['minLr above maxLr', { minLr: 1, maxLr: 0.5 }, /option 'minLr' must be <= maxLr \(0.5\); got 1/],
    ['a negative minLr', { minLr: -1 }, /option 'minLr'/],
    [
      'a horizon without steps',
      { horizon: { shape: 'linear' } },
      /option 'horizon.steps' must be an integer >= 1; got undefined/,
    ],
    [
      'an unknown horizon shape',
      { horizon: { steps: 10, shape: 'exp' } },
      /option 'horizon.shape' must be one of 'constant', 'linear', 'cosine', 'cooldown'; got "exp"/,
    ],
    [
      'a stepFactor of 2 (no descent along a parabola)',
      { stepFactor: 2 },
      /option 'stepFactor' must be a number > 0 and < 2; got 2/,
    ],
    ['a zero stepFactor', { stepFactor: 0 }, /option 'stepFactor' must be a number > 0 and < 2; got 0/],
    [
      'an unknown rejection rule',
      { rejection: 'halve' },
      /option 'rejection' must be one of 'back-off', 'hold'; got "halve"/,
    ],
    [
      'a horizon string other than auto',
      { horizon: 'fit' },
      /option 'horizon' must be 'auto', null or \{ steps, shape\?, start\?, on\?, warmUp\? \}; got "fit"/,
    ],
    [
      'a negative horizon start',
      { horizon: { steps: 10, start: -1 } },
      /option 'horizon.start' must be an integer >= 0; got -1/,
    ],
    [
      'a horizon acting on something else',
      { horizon: { steps: 10, on: 'lr' } },
      /option 'horizon.on' must be one of 'step', 'proposal'; got "lr"/,
    ],
    ['a non-boolean calibrate', { calibrate: 'yes' }, /option 'calibrate' must be true or false; got "yes"/],
    ['an unknown option', { learningRate: 0.1 }, /unknown option 'learningRate'\. Allowed options: initialLr, every/],
  ];
  for (const [what, given, message] of invalid) {
    test(`rejects ${what} with a message naming the option and the value`, () => {
      assert.throws(() => resolve(given), message);
    });
  }

  test('throws RangeError for out-of-range values and TypeError for wrong types', () => {
    assert.throws(() => resolve({ every: 0 }), RangeError);
    assert.throws(() => resolve({ every: '4' }), TypeError);
    assert.throws(() => resolve({ bogus: 1 }), TypeError);
  });

  test('accepts clip: null, maxLr: Infinity and a horizon', () => {
    const o = resolve({ clip: null, maxLr: Infinity, horizon: { steps: 100, shape: 'cosine' } });
    assert.equal(o.clip, null);
    assert.equal(o.maxLr, Infinity);
    assert.deepEqual(o.horizon, { steps: 100, shape: 'cosine', start: 0, on: 'step', warmUp: 0 });
  });

  test("the horizon defaults to 'auto' (learned from model.fit) and a bare { steps } gets the default shape", () => {
    assert.equal(resolve({}).horizon, 'auto');
    assert.equal(resolve({ horizon: null }).horizon, null);
    assert.deepEqual(resolve({ horizon: { steps: 7 } }).horizon, {
      steps: 7,
      shape: HORIZON_SHAPE,
      start: 0,
      on: 'step',
      warmUp: 0,
    });
  });

  test('a horizon warm-up is a fraction in [0, 1): anything else names horizon.warmUp', () => {
    assert.equal((resolve({ horizon: { steps: 7, warmUp: 0.5 } }).horizon as { warmUp: number }).warmUp, 0.5);
    for (const warmUp of [-0.1, 1, 2, NaN]) {
      assert.throws(() => resolve({ horizon: { steps: 7, warmUp } }), /horizon\.warmUp/);
    }
    assert.throws(() => resolve({ horizon: { steps: 7, warmUp: '0.1' } }), TypeError);
  });

  test("the slope is 'alternating' by default; 'gradient' probes one lr ahead unless probes are given", () => {
    assert.equal(resolve({}).slope, 'alternating');
    assert.deepEqual(resolve({ slope: 'gradient' }).probes, [0, 1]);
    assert.deepEqual(resolve({ slope: 'gradient', probes: [-1, 0, 1] }).probes, [-1, 0, 1]);
    assert.deepEqual(resolve({ slope: 'gradient', probes: [0, 2] }).probes, [0, 2]);
    assert.deepEqual(resolve({ slope: 'alternating' }).probes, [-1, 0, 1], "'alternating' calibrates with the probes");
    assert.throws(() => resolve({ slope: 'alternating', probes: [0, 1] }), /option 'probes' must hold at least 3/);
  });
});
