// The documented domain of every constructor's options (from the option doc comments), as
// predicates, and a property that random option objects are accepted exactly when they lie in
// it, and refused, with a message naming the option, when they do not.
import fc from 'fast-check';
import type * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../../src/index.js';
import {
  DAdaptAdam,
  DAdaptSGD,
  DoG,
  LDoG,
  Prodigy,
  ScheduleFreeAdamW,
  ScheduleFreePlus,
  SLS,
} from '../../src/peers/index.js';
import type { Tally } from './fault-suite.js';

type Check = (v: unknown) => boolean;
const num =
  (ok: (x: number) => boolean): Check =>
  (v) =>
    typeof v === 'number' && !Number.isNaN(v) && ok(v);
const finite = (ok: (x: number) => boolean) => num((x) => Number.isFinite(x) && ok(x));
const pos = finite((x) => x > 0);
const nonneg = finite((x) => x >= 0);
const unit = finite((x) => x >= 0 && x < 1); // [0, 1)
const openUnit = finite((x) => x > 0 && x < 1); // (0, 1)
const int0 = finite((x) => Number.isInteger(x) && x >= 0);
const int1 = finite((x) => Number.isInteger(x) && x >= 1);
const ge1 = finite((x) => x >= 1);
const ge1inf = num((x) => x >= 1);
const bool: Check = (v) => typeof v === 'boolean';
const nullOr =
  (ok: Check): Check =>
  (v) =>
    v === null || ok(v);

interface Domain {
  name: string;
  make: (o: object) => tf.Optimizer;
  keys: Record<string, Check>;
  /** Constraints between options. */
  joint?: (o: Record<string, unknown>) => boolean;
}

const ADAM_LIKE = { lr: pos, beta1: unit, beta2: unit, epsilon: pos, weightDecay: nonneg };
export const DOMAINS: Domain[] = [
  { name: 'AdamW', make: (o) => new AdamW(o), keys: { ...ADAM_LIKE, lr: nonneg, epsilon: nonneg } },
  {
    name: 'SGDW',
    make: (o) => new SGDW(o),
    keys: { lr: nonneg, momentum: unit, nesterov: bool, weightDecay: nonneg, biasCorrection: bool },
    joint: (o) => !(o.nesterov === true && (o.momentum ?? 0) === 0),
  },
  {
    name: 'GeN',
    make: (o) => new GeN(new AdamW(), o),
    keys: {
      initialLr: pos,
      every: int1,
      smoothing: unit,
      minR2: finite((x) => x <= 1),
      calibrate: bool,
      calibrationDivisor: ge1,
      minCalibrationSteps: finite((x) => Number.isInteger(x) && x >= 1 && x <= 25),
      calibrationRefits: finite((x) => Number.isInteger(x) && x >= 0 && x <= 10),
      iterateAverage: nullOr(nonneg),
      lossPrecision: nonneg,
    },
  },
  {
    name: 'Prodigy',
    make: (o) => new Prodigy(o),
    keys: {
      ...ADAM_LIKE,
      decouple: bool,
      biasCorrection: bool,
      safeguardWarmup: bool,
      d0: pos,
      dCoef: pos,
      growthRate: ge1inf,
    },
  },
  {
    name: 'DAdaptAdam',
    make: (o) => new DAdaptAdam(o),
    keys: { ...ADAM_LIKE, decouple: bool, biasCorrection: bool, d0: pos, growthRate: ge1inf },
  },
  {
    name: 'DAdaptSGD',
    make: (o) => new DAdaptSGD(o),
    keys: { lr: pos, momentum: unit, weightDecay: nonneg, d0: pos, growthRate: ge1inf },
  },
  ...(['DoG', 'LDoG'] as const).map((name) => ({
    name,
    make: (o: object) => (name === 'DoG' ? new DoG(o) : new LDoG(o)),
    keys: { lr: pos, repsRel: pos, weightDecay: nonneg, epsilon: pos, averageGamma: nonneg },
  })),
  {
    name: 'ScheduleFreeAdamW',
    make: (o) => new ScheduleFreeAdamW(o),
    keys: { ...ADAM_LIKE, beta1: openUnit, warmupSteps: int0, r: nonneg, weightLrPower: nonneg },
  },
  {
    name: 'ScheduleFreePlus',
    make: (o) => new ScheduleFreePlus(o),
    keys: {
      lr: pos,
      epsilon: pos,
      weightDecay: nonneg,
      r: nonneg,
      weightLrPower: nonneg,
      sfBetaAnnealSteps: int0,
      cWarmup: int0,
      warmupSteps: int0,
    },
  },
  {
    name: 'SLS',
    make: (o) => new SLS(o),
    keys: {
      nBatchesPerEpoch: int1,
      initStepSize: pos,
      c: openUnit,
      betaB: openUnit,
      gamma: ge1,
      resetOption: finite((x) => x === 0 || x === 1 || x === 2),
      etaMax: pos,
    },
  },
];

/** Values around every boundary the domains use, and values of the wrong type. */
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, 0.999, 1e-8, 2, 3, 10, 1.5, 1e308, -0, 0.1, 100),
  fc.constantFrom(NaN, Infinity, -Infinity, -1e-9, 1 - 1e-16),
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.integer({ min: -5, max: 50 }),
  fc.constantFrom(true, false, 'x', '1', null, [], {}, [0.5]),
);

/** A random option object for `d`: some of its keys, sometimes an unknown key. */
export const optionsArb = (d: Domain) =>
  fc
    .tuple(
      fc.subarray(Object.keys(d.keys)).chain((ks) => fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), valueArb)))),
      fc.option(fc.tuple(fc.constantFrom('learningRate', 'momentumm', 'foo'), valueArb), { freq: 5 }),
    )
    .map(([pairs, extra]) => Object.fromEntries(extra ? [...pairs, extra] : pairs) as Record<string, unknown>);

/** Runs `perDomain` random option objects against every domain. */
export function optionProperty(perDomain: number, seed: number, t: Tally): void {
  DOMAINS.forEach((d, i) => {
    for (const o of fc.sample(optionsArb(d), { numRuns: perDomain, seed: seed + i })) {
      t.cases++;
      const bad = Object.entries(o).filter(([k, v]) => !(k in d.keys) || !d.keys[k](v));
      const valid = bad.length === 0 && (d.joint?.(o) ?? true);
      let error: Error | null = null;
      try {
        d.make(o).dispose();
      } catch (e) {
        error = e as Error;
      }
      const show = JSON.stringify(o, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      if (valid && error) bump(t, 'valid options refused', `${d.name} ${show}: ${error.message}`);
      else if (!valid && !error) bump(t, 'invalid options silently accepted', `${d.name} ${show}`);
      else if (!valid && error) {
        const named = bad.length === 0 || bad.some(([k]) => error.message.includes(`'${k}'`));
        if (!named) bump(t, 'refusals not naming the option', `${d.name} ${show}: ${error.message}`);
        t.counts['refused'] = (t.counts['refused'] ?? 0) + 1;
      } else t.counts['accepted'] = (t.counts['accepted'] ?? 0) + 1;
    }
  });
}

function bump(t: Tally, kind: string, what: string) {
  t.failures++;
  t.counts[kind] = (t.counts[kind] ?? 0) + 1;
  if (t.examples.length < 10) t.examples.push(`${kind}: ${what}`);
}
