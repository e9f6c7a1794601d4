// The conformance entries of the learning-rate-free peers, run on `cpu` by conformance.test.ts
// and on `wasm` by conformance-wasm.test.ts.
import {
  DAdaptAdam,
  DAdaptSGD,
  DoG,
  LDoG,
  Prodigy,
  ScheduleFreeAdamW,
  ScheduleFreePlus,
  SLS,
  registerPeerOptimizers,
} from '../../src/peers/index.js';
import type { ConformanceEntry } from '../conformance.js';

registerPeerOptimizers();

// The shared suite over every learning-rate-free peer at its published defaults (bar the
// options named), with one invalid-option check per option kind.
export const PEER_ENTRIES: ConformanceEntry[] = [
  {
    name: 'Prodigy',
    make: () => new Prodigy(),
    invalid: [
      [
        'an unknown option',
        () => new Prodigy({ d_coef: 1 } as never),
        /Prodigy: unknown option 'd_coef'\. Allowed options: lr, /,
      ],
      ['d0 = 0', () => new Prodigy({ d0: 0 }), /Prodigy: option 'd0' must be a number > 0; got 0\./],
      ['a negative dCoef', () => new Prodigy({ dCoef: -1 }), /Prodigy: option 'dCoef' must be a number > 0; got -1\./],
      [
        'growthRate < 1',
        () => new Prodigy({ growthRate: 0.5 }),
        /Prodigy: option 'growthRate' must be a number >= 1; got 0\.5\./,
      ],
      ['beta3 = 1', () => new Prodigy({ beta3: 1 }), /Prodigy: option 'beta3' must be a number >= 0 and < 1; got 1\./],
      [
        'a non-boolean safeguardWarmup',
        () => new Prodigy({ safeguardWarmup: 1 } as never),
        /Prodigy: option 'safeguardWarmup' must be true or false; got 1\./,
      ],
      [
        'a non-boolean biasCorrection',
        () => new Prodigy({ biasCorrection: 'yes' } as never),
        /Prodigy: option 'biasCorrection' must be true or false; got "yes"\./,
      ],
      [
        'a negative weightDecay',
        () => new Prodigy({ weightDecay: -0.1 }),
        /Prodigy: option 'weightDecay' must be a number >= 0; got -0\.1\./,
      ],
    ],
  },
  // DoG and the capped Prodigy first grow their step from r_ε / d₀ = 1e-6 (about 80 steps here).
  {
    name: 'Prodigy (bias correction, coupled decay, safeguard warm-up, growth cap)',
    steps: 150,
    minimiserSteps: 150,
    make: () =>
      new Prodigy({ biasCorrection: true, decouple: false, weightDecay: 1e-3, safeguardWarmup: true, growthRate: 1.5 }),
  },
  {
    // Its model.fit check is in dadapt.test.ts: at lr 1 without a schedule the loss oscillates
    // on mini-batches, so "last epoch below the first" is not a property of the method.
    name: 'DAdaptAdam',
    make: () => new DAdaptAdam(),
    skipFit: true,
    invalid: [
      ['an unknown option', () => new DAdaptAdam({ eps: 1 } as never), /DAdaptAdam: unknown option 'eps'/],
      ['lr = 0', () => new DAdaptAdam({ lr: 0 }), /DAdaptAdam: option 'lr' must be a number > 0; got 0\./],
      [
        'beta2 = 1',
        () => new DAdaptAdam({ beta2: 1 }),
        /DAdaptAdam: option 'beta2' must be a number >= 0 and < 1; got 1\./,
      ],
      [
        'a NaN d0',
        () => new DAdaptAdam({ d0: NaN }),
        /DAdaptAdam: option 'd0' must be a number > 0 \(finite\); got NaN\./,
      ],
      [
        'a string decouple',
        () => new DAdaptAdam({ decouple: 'true' } as never),
        /DAdaptAdam: option 'decouple' must be true or false; got "true"\./,
      ],
    ],
  },
  {
    name: 'DAdaptAdam (decoupled decay, bias correction)',
    make: () => new DAdaptAdam({ decouple: true, weightDecay: 1e-3, biasCorrection: true }),
    skipFit: true,
  },
  {
    name: 'DAdaptSGD',
    make: () => new DAdaptSGD(),
    minimiser: {
      Rosenbrock: 'DAdaptSGD diverges in this valley: the weights become NaN within 100 steps',
      'mixed shapes': 'DAdaptSGD diverges on the mixed-shape ridge problem: the distance grows ×1e8 in 100 steps',
    },
    invalid: [
      ['an unknown option', () => new DAdaptSGD({ nesterov: true } as never), /DAdaptSGD: unknown option 'nesterov'/],
      [
        'momentum = 1',
        () => new DAdaptSGD({ momentum: 1 }),
        /DAdaptSGD: option 'momentum' must be a number >= 0 and < 1; got 1\./,
      ],
      [
        'a string growthRate',
        () => new DAdaptSGD({ growthRate: '2' } as never),
        /DAdaptSGD: option 'growthRate' must be a number >= 1; got "2"\./,
      ],
    ],
  },
  {
    name: 'DAdaptSGD (momentum 0.9)',
    make: () => new DAdaptSGD({ momentum: 0.9 }),
    minimiser: { Rosenbrock: 'DAdaptSGD with momentum diverges in this valley: the weights become NaN' },
  },
  {
    name: 'DoG',
    make: () => new DoG(),
    steps: 150,
    minimiserSteps: 150,
    minimiser: { quadratic: 0.3 }, // 0.14 at 150 steps: still growing its step from r_ε
    invalid: [
      ['an unknown option', () => new DoG({ reps_rel: 1e-6 } as never), /DoG: unknown option 'reps_rel'/],
      ['repsRel = 0', () => new DoG({ repsRel: 0 }), /DoG: option 'repsRel' must be a number > 0; got 0\./],
      [
        'a negative averageGamma',
        () => new DoG({ averageGamma: -1 }),
        /DoG: option 'averageGamma' must be a number >= 0; got -1\./,
      ],
      ['epsilon = 0', () => new DoG({ epsilon: 0 }), /DoG: option 'epsilon' must be a number > 0; got 0\./],
    ],
  },
  {
    name: 'LDoG',
    make: () => new LDoG(),
    steps: 150,
    minimiserSteps: 150,
    minimiser: { quadratic: 0.3 }, // 0.14 at 150 steps, as DoG
    invalid: [
      [
        'an infinite lr',
        () => new LDoG({ lr: Infinity }),
        /LDoG: option 'lr' must be a number > 0 \(finite\); got Infinity\./,
      ],
    ],
  },
  {
    name: 'ScheduleFreeAdamW',
    make: () => new ScheduleFreeAdamW({ lr: 0.05, warmupSteps: 5 }),
    minimiser: { quadratic: 0.4 }, // 0.19 at 100 steps: the averaged iterate lags on the slowest direction
    invalid: [
      [
        'an unknown option',
        () => new ScheduleFreeAdamW({ warmup_steps: 5 } as never),
        /ScheduleFreeAdamW: unknown option 'warmup_steps'/,
      ],
      [
        'beta1 = 0',
        () => new ScheduleFreeAdamW({ beta1: 0 }),
        /ScheduleFreeAdamW: option 'beta1' must be a number > 0 and < 1; got 0\./,
      ],
      [
        'fractional warmupSteps',
        () => new ScheduleFreeAdamW({ warmupSteps: 2.5 }),
        /ScheduleFreeAdamW: option 'warmupSteps' must be an integer >= 0; got 2\.5\./,
      ],
      [
        'a negative r',
        () => new ScheduleFreeAdamW({ r: -1 }),
        /ScheduleFreeAdamW: option 'r' must be a number >= 0; got -1\./,
      ],
    ],
  },
  {
    name: 'ScheduleFreePlus',
    make: () => new ScheduleFreePlus(),
    minimiser: {
      quadratic:
        "ScheduleFree+'s Polyak step assumes the least loss is 0; on least squares with a positive minimum it overshoots: distance ×13 in 100 steps (the float64 rule does the same, see its own test)",
      'logistic regression': 'the same Polyak overshoot (minimum loss > 0): distance ×27 in 100 steps',
      'mixed shapes': 'the same Polyak overshoot: distance only ×0.88 in 100 steps',
    },
    invalid: [
      [
        'an unknown option',
        () => new ScheduleFreePlus({ sf_beta1: 0.9 } as never),
        /ScheduleFreePlus: unknown option 'sf_beta1'\. Allowed options: lr, /,
      ],
      [
        'sfBeta = 1',
        () => new ScheduleFreePlus({ sfBeta: 1 }),
        /ScheduleFreePlus: option 'sfBeta' must be a number >= 0 and < 1; got 1\./,
      ],
      ['lr = 0', () => new ScheduleFreePlus({ lr: 0 }), /ScheduleFreePlus: option 'lr' must be a number > 0; got 0\./],
      [
        'fractional cWarmup',
        () => new ScheduleFreePlus({ cWarmup: 1.5 }),
        /ScheduleFreePlus: option 'cWarmup' must be an integer >= 0; got 1\.5\./,
      ],
      [
        'a string polyakBeta',
        () => new ScheduleFreePlus({ polyakBeta: '0.9' } as never),
        /ScheduleFreePlus: option 'polyakBeta' must be a number >= 0 and < 1; got "0\.9"\./,
      ],
      [
        'a negative weightDecay',
        () => new ScheduleFreePlus({ weightDecay: -1 }),
        /ScheduleFreePlus: option 'weightDecay' must be a number >= 0; got -1\./,
      ],
    ],
  },
  {
    name: 'ScheduleFreePlus (annealing, EMA norm, c warm-up, AdamC decay, r)',
    minimiser: {
      'logistic regression': 'with every option on, the Polyak step diverges (distance ×1e24 in 100 steps)',
      'mixed shapes': 'with every option on, the Polyak step diverges to NaN within 100 steps',
    },
    make: () =>
      new ScheduleFreePlus({
        sfBetaAnnealSteps: 20,
        polyakBeta: 0.9,
        cWarmup: 3,
        weightDecay: 1,
        r: 1,
        warmupSteps: 2,
      }),
  },
  {
    name: 'SLS',
    make: () => new SLS({ nBatchesPerEpoch: 4 }),
    invalid: [
      ['an unknown option', () => new SLS({ beta_b: 0.9 } as never), /SLS: unknown option 'beta_b'/],
      ['c = 1', () => new SLS({ c: 1 }), /SLS: option 'c' must be a number > 0 and < 1; got 1\./],
      [
        'resetOption = 3',
        () => new SLS({ resetOption: 3 }),
        /SLS: option 'resetOption' must be an integer >= 0 and <= 2; got 3\./,
      ],
      [
        'fractional nBatchesPerEpoch',
        () => new SLS({ nBatchesPerEpoch: 0.5 }),
        /SLS: option 'nBatchesPerEpoch' must be an integer >= 1; got 0\.5\./,
      ],
      ['gamma < 1', () => new SLS({ gamma: 0.5 }), /SLS: option 'gamma' must be a number >= 1; got 0\.5\./],
    ],
  },
];
