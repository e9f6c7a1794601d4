// The optimizer registry: every optimizer the suite compares, one entry each. An entry expands to
// one or more configurations (a tuned grid expands to lrs × schedules); each configuration builds a
// fresh tf.Optimizer for a run. Peers (src/peers) are picked up from the library's exports when they
// exist; until then they are listed as unavailable.
import type * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW, type GeNOptions, type SGDWOptions } from '../src/index.js';
import type { HorizonShape } from '../src/core/index.js';
import { ScheduledAdamW, ScheduledSGDW } from './scheduled.js';
import { logSpaced, SCHEDULES, type ScheduleName } from './schedules.js';

/** What a run gives an optimizer factory. */
export interface BuildContext {
  totalSteps: number;
  /** Whether the run trains through `model.fit`, which tells the optimizer the run length itself. */
  fit: boolean;
  /** The loss of the next training batch: the 'next' GeN variants probe it (see `GenProbe`). */
  nextBatchLoss: () => tf.Scalar;
  /** The loss of this step's validation batch: the 'validation' GeN variants probe it (docs/algorithm.md §14). */
  validationBatchLoss?: () => tf.Scalar;
}

/** One runnable configuration. */
export interface OptimizerConfig {
  /** Registry entry name, e.g. `gen-adamw` or `adamw-grid`. */
  optimizer: string;
  /** `gen` (GeN), `grid` (tuned baseline), `peer` (other LR-free method). */
  kind: 'gen' | 'grid' | 'peer';
  /** Base optimizer family: `adamw` or `sgd` (peers: their own name). */
  base: string;
  /** Plain-JSON configuration (lr, schedule, options) recorded with the run. */
  config: Record<string, unknown>;
  /** A short label for tables and plots. */
  label: string;
  build(ctx: BuildContext): tf.Optimizer;
}

/** A registry entry. */
export interface OptimizerEntry {
  name: string;
  kind: OptimizerConfig['kind'];
  description: string;
  /** Configurations in quick or full mode. */
  configs(mode: 'quick' | 'full'): OptimizerConfig[];
  /** Null if available, else why not. */
  unavailable(): string | null;
}

/**
 * What GeN's probes measure in this benchmark: 'default' is the library default (the previous
 * step's direction on the current batch, 2 extra forwards per refit); 'next' is the same direction
 * (the previous step's, unless the variant sets `probeDirection`) on the next training batch (`probeLoss`, the
 * official code's fresh batch, 3 extra forwards; the official entries add `probeDirection: 'current'`);
 * 'current' is this step's direction on its own batch (the paper's Algorithm 1,
 * `probeDirection: 'current'`); 'validation' is the previous step's direction on a validation batch of the step
 * (`probeLoss`, 3 extra forwards; docs/algorithm.md §14).
 */
export type GenProbe = 'default' | 'next' | 'current' | 'validation';
const PROBE_LABEL: Record<GenProbe, string> = {
  default: '',
  next: ' (next-batch probes)',
  current: ' (current-direction probes)',
  validation: ' (validation probes)',
};
const PROBE_TEXT: Record<GenProbe, string> = {
  default: "probes the previous step's direction on the current batch (library default)",
  next: 'probes on the next batch',
  current: "probes the current direction on the gradient's own batch (paper's Algorithm 1)",
  validation: "probes the previous step's direction on a validation batch (probeLoss)",
};

const SGD_MOMENTUM = 0.9;
const ADAMW_LRS = logSpaced(1e-4, 1e-1, 7);
const SGD_LRS = logSpaced(1e-3, 1, 7);

/** The validation-batch loss a 'validation' variant probes; a context without one cannot build it. */
function validationProbe(ctx: BuildContext): () => tf.Scalar {
  if (!ctx.validationBatchLoss)
    throw new Error('a validation-probe GeN variant needs validationBatchLoss in its context');
  return ctx.validationBatchLoss;
}

/** What a GeN registry entry varies; everything else is the library default. */
interface GenVariant {
  probe?: GenProbe;
  /** Initial lr (default: the library's, untuned). */
  lr?: number;
  /**
   * A horizon over the run's step budget, with this shape; `run-length`: GeN's own default horizon,
   * given the one documented argument `horizon: { steps }` in a custom loop, or nothing where
   * `model.fit` tells GeN the run length (horizon 'auto'); `none`: no horizon (`horizon: null`,
   * the anytime mode: the run length unknown).
   */
  horizon?: HorizonShape | 'run-length' | 'none';
  /** Where the horizon acts (default: the applied step; 'proposal': inside the smoothing, as the official code). */
  horizonOn?: 'proposal';
  /** The horizon's warm-up fraction (`horizon.warmUp`; default: the library's). Needs a horizon given as `{ steps }`. */
  warmUp?: number;
  /** Further GeN options (recorded in the run's config), e.g. `{ stepFactor: 1.5 }`. */
  options?: Partial<GeNOptions>;
  /**
   * Reports to GeN's `reportValidationLoss` per run: the runner evaluates the validation split's loss at this many
   * evenly spaced steps (the last step excluded) and reports it, as a user with validation data would.
   */
  validationReports?: number;
  /** Further options of the SGD base (recorded in the run's config), e.g. `{ biasCorrection: true }`; SGD only. */
  sgdOptions?: Partial<SGDWOptions>;
  /** Appended to the label. */
  tag?: string;
}

/** The `horizon` option of a GeN variant in a run (see {@link GenVariant.horizon}). */
function horizonOption(
  ctx: BuildContext,
  horizon: GenVariant['horizon'],
  on: GenVariant['horizonOn'],
  warmUp: GenVariant['warmUp'],
): Pick<GeNOptions, 'horizon'> | Record<string, never> {
  if (horizon === undefined) return {};
  if (horizon === 'none') return { horizon: null };
  const warm = warmUp !== undefined ? { warmUp } : {};
  if (horizon === 'run-length') {
    // model.fit's learned horizon takes the library's warm-up, so a variant with its own gives the horizon as
    // { steps }: the runner's one fit call over the run learns exactly { steps: totalSteps, start: 0 }, and the two
    // train alike to the last bit (test/bench/runner-fit.test.ts).
    return ctx.fit && warmUp === undefined ? {} : { horizon: { steps: ctx.totalSteps, ...warm } };
  }
  return { horizon: { steps: ctx.totalSteps, shape: horizon, ...(on ? { on } : {}), ...warm } };
}

/**
 * A candidate's initial-lr runs as one entry: one configuration per lr of {@link ROBUSTNESS_LRS} (run it with one seed;
 * `experiments/round-verdict.ts --candidate` reads `<candidate>-lr0`).
 */
function lr0Entry(name: string, base: 'adamw' | 'sgd', v: GenVariant): OptimizerEntry {
  const entry = genEntry(name, base, v);
  return {
    ...entry,
    description: `${entry.description}; one run per initial lr ${ROBUSTNESS_LRS.join(', ')}`,
    configs: () => ROBUSTNESS_LRS.flatMap((lr) => genEntry(name, base, { ...v, lr }).configs('full')),
  };
}

function genEntry(name: string, base: 'adamw' | 'sgd', v: GenVariant = {}): OptimizerEntry {
  const { probe = 'default', lr, horizon, horizonOn, warmUp, options = {}, tag = '', validationReports } = v;
  const { sgdOptions } = v;
  if (sgdOptions !== undefined && base !== 'sgd') throw new Error(`${name}: sgdOptions need the SGD base`);
  const make = () => (base === 'adamw' ? new AdamW() : new SGDW({ momentum: SGD_MOMENTUM, ...sgdOptions }));
  const label = `GeN-${base === 'adamw' ? 'AdamW' : 'SGD'}${horizon === 'run-length' ? '' : horizon === 'none' ? ' anytime (no run length)' : horizon ? ` + ${horizon} horizon` : ''}${PROBE_LABEL[probe]}${tag}${lr !== undefined ? ` lr0=${lr}` : ''}`;
  const extra = `${Object.keys(options).length > 0 ? `, options ${JSON.stringify(options)}` : ''}${sgdOptions ? `, SGD options ${JSON.stringify(sgdOptions)}` : ''}${validationReports !== undefined ? `, the validation loss reported ${validationReports} times per run` : ''}`;
  return {
    name,
    kind: 'gen',
    description: `${label}: GeN defaults over ${base === 'adamw' ? 'AdamW defaults' : `SGD momentum ${SGD_MOMENTUM}`}, ${PROBE_TEXT[probe]}${lr !== undefined ? `, initial lr ${lr}` : ', untuned initial lr 1e-3'}${horizon === 'run-length' ? ", GeN's default horizon over the run length (given as horizon: { steps }, or learned from model.fit)" : horizon === 'none' ? ', no horizon (horizon: null)' : horizon ? `, step multiplied by the ${horizon} horizon (1 → 0 over the run)` : ''}${extra}`,
    unavailable: () => null,
    configs: () => [
      {
        optimizer: name,
        kind: 'gen',
        base,
        label,
        config: {
          probe,
          ...(lr !== undefined ? { lr } : {}),
          ...(horizon ? { horizon } : {}),
          ...(horizonOn ? { horizonOn } : {}),
          ...(warmUp !== undefined ? { warmUp } : {}),
          ...(base === 'sgd' ? { momentum: SGD_MOMENTUM } : {}),
          ...(sgdOptions ? { sgdOptions } : {}),
          ...(Object.keys(options).length > 0 ? { options } : {}),
          ...(validationReports !== undefined ? { validationReports } : {}),
        },
        build: (ctx) =>
          new GeN(make(), {
            ...options,
            ...(lr !== undefined ? { initialLr: lr } : {}),
            ...horizonOption(ctx, horizon, horizonOn, warmUp),
            ...(probe === 'next' ? { probeLoss: ctx.nextBatchLoss } : {}),
            ...(probe === 'validation' ? { probeLoss: validationProbe(ctx) } : {}),
            ...(probe === 'current' ? { probeDirection: 'current' as const } : {}),
          }),
      },
    ],
  };
}

function gridEntry(name: string, base: 'adamw' | 'sgd'): OptimizerEntry {
  const lrs = base === 'adamw' ? ADAMW_LRS : SGD_LRS;
  const title = base === 'adamw' ? 'AdamW' : 'SGD-momentum';
  return {
    name,
    kind: 'grid',
    description: `${title} tuned grid: lr in {${lrs.join(', ')}} × schedules {${SCHEDULES.join(', ')}} (quick: cosine only)`,
    unavailable: () => null,
    configs(mode) {
      const schedules: readonly ScheduleName[] = mode === 'quick' ? ['cosine'] : SCHEDULES;
      return schedules.flatMap((schedule) =>
        lrs.map((lr): OptimizerConfig => ({
          optimizer: name,
          kind: 'grid',
          base,
          label: `${title} ${schedule} lr=${lr}`,
          config: { lr, schedule, ...(base === 'sgd' ? { momentum: SGD_MOMENTUM } : {}) },
          build: (ctx) =>
            base === 'adamw'
              ? new ScheduledAdamW({ lr, schedule, totalSteps: ctx.totalSteps })
              : new ScheduledSGDW({ lr, schedule, totalSteps: ctx.totalSteps }, { momentum: SGD_MOMENTUM }),
        })),
      );
    },
  };
}

/** Peers from the library's exports, constructed with their defaults. */
const PEERS: { name: string; exportName: string; label: string; closure?: boolean; evaluatedAt?: string }[] = [
  { name: 'prodigy', exportName: 'Prodigy', label: 'Prodigy' },
  { name: 'dadapt-adam', exportName: 'DAdaptAdam', label: 'D-Adapt Adam' },
  { name: 'dadapt-sgd', exportName: 'DAdaptSGD', label: 'D-Adapt SGD' },
  { name: 'dog', exportName: 'DoG', label: 'DoG', evaluatedAt: 'its polynomial-decay iterate average (γ = 8)' },
  { name: 'ldog', exportName: 'LDoG', label: 'L-DoG', evaluatedAt: 'its polynomial-decay iterate average (γ = 8)' },
  {
    name: 'schedule-free-adamw',
    exportName: 'ScheduleFreeAdamW',
    label: 'Schedule-Free AdamW',
    evaluatedAt: 'its averaged sequence x',
  },
  { name: 'sls', exportName: 'SLS', label: 'SLS' },
  {
    name: 'schedule-free-plus',
    exportName: 'ScheduleFreePlus',
    label: 'ScheduleFree+',
    evaluatedAt: 'its averaged sequence x',
  },
];

let library: Record<string, unknown> = {};
/** Loads the library's exports once (peers are looked up there). */
export async function loadPeers(): Promise<void> {
  library = (await import('../src/peers/index.js')) as unknown as Record<string, unknown>;
}

function peerEntry(p: (typeof PEERS)[number]): OptimizerEntry {
  const ctor = () => library[p.exportName] as (new (options?: Record<string, unknown>) => tf.Optimizer) | undefined;
  return {
    name: p.name,
    kind: 'peer',
    description: `${p.label} with its defaults (src/peers)${p.evaluatedAt ? `, evaluated at ${p.evaluatedAt}` : ''}`,
    unavailable: () => (typeof ctor() === 'function' ? null : `not exported by src/index.ts yet (${p.exportName})`),
    configs: () => [
      {
        optimizer: p.name,
        kind: 'peer',
        base: p.name,
        label: p.label,
        config: {},
        build: () => {
          const C = ctor();
          if (typeof C !== 'function')
            throw new Error(`optimizer ${p.name}: ${p.exportName} is not exported by src/index.ts`);
          return new C();
        },
      },
    ],
  };
}

/**
 * The official code's semantics (AutoGeN `lr_parabola`, docs/algorithm.md "Official GeN"): all three
 * probe losses on a fresh batch along the current direction, clip [½, 2] and γ = 0.9, the linear
 * horizon inside the smoothing, the lr unchanged on a rejected fit (a concave one included), no calibration, initial lr 1e-4
 * (its ResNet-SGD and ViT-AdamW scripts).
 */
const OFFICIAL: GenVariant = {
  probe: 'next',
  horizon: 'linear',
  horizonOn: 'proposal',
  options: {
    probeDirection: 'current',
    calibrate: false,
    initialLr: 1e-4,
    rejection: 'hold',
    negativeCurvature: 'reject',
    minR2: 0.99,
  },
  tag: ' (official semantics)',
};

/** How many times per run the default GeN entries report the validation loss (docs/algorithm.md §19). */
export const DEFAULT_REPORTS = 20;

/** The initial lrs of the robustness table (1e-5 … 1e-1). */
export const ROBUSTNESS_LRS = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

/** §21's candidate: `slopeCheck: 'calibration'` on the 1.0 defaults, reporting like the default entries. */
const SLOPE_CHECK: GenVariant = {
  horizon: 'run-length',
  validationReports: DEFAULT_REPORTS,
  options: { slopeCheck: 'calibration' },
  tag: ' (calibration fits checked against the gradient)',
};

/**
 * §23: the defaults with a linear warm-up of the applied step over the first 5% (the tuned grid's cosine warm-up) or
 * 10% of the run (`horizon.warmUp`).
 */
const WARM_UP = (fraction: number): GenVariant => ({
  horizon: 'run-length',
  validationReports: DEFAULT_REPORTS,
  warmUp: fraction,
  tag: ` (warm-up over ${fraction * 100}% of the run)`,
});

/** §27: the defaults over SGD whose momentum direction is bias-corrected (`SGDW`'s `biasCorrection`). */
const BIAS_CORRECTED = (horizon: 'run-length' | 'none'): GenVariant => ({
  horizon,
  validationReports: DEFAULT_REPORTS,
  sgdOptions: { biasCorrection: true },
  tag: ' (bias-corrected momentum)',
});

/** §28: §27's bias-corrected direction with calibration landing on the proposal itself (`calibrationDivisor: 1`). */
const BIAS_CORRECTED_W1 = (horizon: 'run-length' | 'none'): GenVariant => ({
  ...BIAS_CORRECTED(horizon),
  options: { calibrationDivisor: 1 },
  tag: ' (bias-corrected momentum, calibration divisor 1)',
});

/** §28's last pilot: the defaults with calibration lasting at least 10 steps (`minCalibrationSteps: 10`). */
const LONG_CALIBRATION = (horizon: 'run-length' | 'none'): GenVariant => ({
  horizon,
  validationReports: DEFAULT_REPORTS,
  options: { minCalibrationSteps: 10 },
  tag: ' (at least 10 calibration steps)',
});

/** A pilot after §28: calibration landing on the proposal (`calibrationDivisor: 1`) with §23's 10% warm-up. */
const BOLD_LANDING_WARM_UP: GenVariant = {
  horizon: 'run-length',
  validationReports: DEFAULT_REPORTS,
  warmUp: 0.1,
  options: { calibrationDivisor: 1 },
  tag: ' (calibration divisor 1, warm-up over 10% of the run)',
};

/** §24: the defaults with one probe per refit, the fit's slope from the gradient (`slope: 'gradient'`). */
const GRADIENT_SLOPE: GenVariant = {
  horizon: 'run-length',
  validationReports: DEFAULT_REPORTS,
  options: { slope: 'gradient' },
  tag: ' (one probe, the slope from the gradient)',
};

/**
 * §24's second candidate: the fitted slope while calibrating, then the gradient's slope from one probe on alternating
 * sides (`slope: 'alternating'`). Adopted: since b405cbb it is the default, so these entries run as `gen-*` do.
 */
const ALTERNATING_SLOPE: GenVariant = {
  horizon: 'run-length',
  validationReports: DEFAULT_REPORTS,
  options: { slope: 'alternating' },
  tag: ' (one probe on alternating sides after calibration, the slope from the gradient)',
};

/**
 * §25: what an insignificant fit does after calibration (`insignificantCurvature`), with the run length (`anytime`
 * false) or without it; the defaults otherwise, 20 validation reports.
 */
const INSIGNIFICANT = (rule: 'hold' | 'grow-if-downhill', anytime: boolean): GenVariant => ({
  horizon: anytime ? 'none' : 'run-length',
  validationReports: DEFAULT_REPORTS,
  options: { insignificantCurvature: rule },
  tag: rule === 'hold' ? ' (an insignificant fit holds the lr)' : ' (an insignificant fit grows the lr only downhill)',
});

/** Development-task experiments on GeN's rules (docs/algorithm.md): entry suffix and variant. */
const EXPERIMENTS: readonly [string, GenVariant][] = [
  ['hold', { options: { rejection: 'hold' }, tag: ' (hold on rejection)' }],
  ['hold-cosine', { horizon: 'cosine', options: { rejection: 'hold' }, tag: ' (hold on rejection)' }],
  ['hold-linear', { horizon: 'linear', options: { rejection: 'hold' }, tag: ' (hold on rejection)' }],
  ['f15-hold', { options: { rejection: 'hold', stepFactor: 1.5 }, tag: ' (hold, factor 1.5)' }],
  [
    'f15-hold-cosine',
    { horizon: 'cosine', options: { rejection: 'hold', stepFactor: 1.5 }, tag: ' (hold, factor 1.5)' },
  ],
  [
    'f15-hold-linear',
    { horizon: 'linear', options: { rejection: 'hold', stepFactor: 1.5 }, tag: ' (hold, factor 1.5)' },
  ],
  ['linear', { horizon: 'linear' }],
  ['cooldown', { horizon: 'cooldown' }],
  [
    'f15-hold-cooldown',
    { horizon: 'cooldown', options: { rejection: 'hold', stepFactor: 1.5 }, tag: ' (hold, factor 1.5)' },
  ],
  [
    'f18-hold-cosine',
    { horizon: 'cosine', options: { rejection: 'hold', stepFactor: 1.8 }, tag: ' (hold, factor 1.8)' },
  ],
  ['f18-hold', { options: { rejection: 'hold', stepFactor: 1.8 }, tag: ' (hold, factor 1.8)' }],
  // The 0.4 round (docs/algorithm.md §10): a downhill fit with negative curvature grows the lr.
  [
    'grow',
    { horizon: 'run-length', options: { negativeCurvature: 'grow' }, tag: ' (grow on downhill negative curvature)' },
  ],
  [
    'grow-anytime',
    {
      horizon: 'none',
      // Pinned to the round's evaluation at the trained weights (the iterate average came in 0.7).
      options: { negativeCurvature: 'grow', iterateAverage: null },
      tag: ' (grow on downhill negative curvature)',
    },
  ],
  // The 0.5 round (docs/algorithm.md §11): the smoothing averages log lr.
  ['geometric', { horizon: 'run-length', options: { averaging: 'geometric' }, tag: ' (geometric averaging)' }],
  [
    'geometric-anytime',
    { horizon: 'none', options: { averaging: 'geometric', iterateAverage: null }, tag: ' (geometric averaging)' },
  ],
  // The 0.7 round (docs/algorithm.md §13): the anytime mode evaluates a polynomial-decay iterate average.
  ['anytime-average', { horizon: 'none', options: { iterateAverage: 8 }, tag: ' (iterate average, γ = 8)' }],
  // The 0.8 round (docs/algorithm.md §14): the probes measure a validation batch.
  ['val', { horizon: 'run-length', probe: 'validation' }],
  ['val-anytime', { horizon: 'none', probe: 'validation' }],
  // Its second candidate (docs/algorithm.md §15): the lr tracks c·x*, with the default back-off on rejected fits.
  ['factor125', { horizon: 'run-length', options: { stepFactor: 1.25 }, tag: ' (factor 1.25)' }],
  ['factor15', { horizon: 'run-length', options: { stepFactor: 1.5 }, tag: ' (factor 1.5)' }],
  // Its third (docs/algorithm.md §16): no fit raises the lr while the training loss rises, alone and with a factor.
  ['rising', { horizon: 'run-length', options: { risingLoss: 'hold' }, tag: ' (hold while the loss rises)' }],
  [
    'rising-factor125',
    {
      horizon: 'run-length',
      options: { risingLoss: 'hold', stepFactor: 1.25 },
      tag: ' (hold while the loss rises, factor 1.25)',
    },
  ],
  [
    'rising-factor15',
    {
      horizon: 'run-length',
      options: { risingLoss: 'hold', stepFactor: 1.5 },
      tag: ' (hold while the loss rises, factor 1.5)',
    },
  ],
  // The 0.9 round (docs/algorithm.md §17): the validation loss, reported 20 times per run, decays the step
  // (patience 1, the option's default, and its combination were the round's pilot; 2 and 3 its candidates).
  ['valdecay', { horizon: 'run-length', validationReports: 20, tag: ' (validation decay)' }],
  [
    'valdecay-p2',
    {
      horizon: 'run-length',
      validationReports: 20,
      options: { validationDecay: { patience: 2 } },
      tag: ' (validation decay, patience 2)',
    },
  ],
  [
    'valdecay-p3',
    {
      horizon: 'run-length',
      validationReports: 20,
      options: { validationDecay: { patience: 3 } },
      tag: ' (validation decay, patience 3)',
    },
  ],
  [
    'valdecay-p3-rising-factor15',
    {
      horizon: 'run-length',
      validationReports: 20,
      options: { validationDecay: { patience: 3 }, risingLoss: 'hold', stepFactor: 1.5 },
      tag: ' (validation decay, patience 3, hold while the loss rises, factor 1.5)',
    },
  ],
  [
    'valdecay-rising-factor15',
    {
      horizon: 'run-length',
      validationReports: 20,
      options: { risingLoss: 'hold', stepFactor: 1.5 },
      tag: ' (validation decay, hold while the loss rises, factor 1.5)',
    },
  ],
  // The 1.0 round (docs/algorithm.md §19): the step factor, with §16's guard, acts only while the validation loss,
  // reported 20 times per run, stays within 10% of the training loss (no validation decay).
  ...([1.25, 1.5] as const).map((c): [string, GenVariant] => [
    `gated-factor${String(c).replace('.', '')}`,
    {
      horizon: 'run-length',
      validationReports: 20,
      options: { stepFactor: c, stepFactorGate: 'validation', validationDecay: null },
      tag: ` (factor ${c} and the rising-loss guard while the validation loss follows the training loss)`,
    },
  ]),
  // §21: calibration fits whose slope disagrees with the gradient's by more than 2× are refused (with the 1.0
  // defaults and their 20 validation reports otherwise); its initial-lr runs are `gen-*-slope-lr0` below.
  ['slope', SLOPE_CHECK],
  // §22, a pilot (no candidate): the 1.1 defaults with one piece of the official semantics each.
  ['pilot-nocal', { ...SLOPE_CHECK, options: { ...SLOPE_CHECK.options, calibrate: false, initialLr: 1e-4 } }],
  ['pilot-hold', { ...SLOPE_CHECK, options: { ...SLOPE_CHECK.options, rejection: 'hold' } }],
  ['pilot-r2', { ...SLOPE_CHECK, options: { ...SLOPE_CHECK.options, minR2: 0.99 } }],
  ['pilot-linprop', { ...SLOPE_CHECK, horizon: 'linear', horizonOn: 'proposal' }],
  ['pilot-next', { ...SLOPE_CHECK, probe: 'next' }],
  ['pilot-cur', { ...SLOPE_CHECK, probe: 'current' }],
  // §23: a warm-up of the applied step; its initial-lr runs are `gen-*-warm05-lr0`, `gen-*-warm10-lr0` below.
  ['warm05', WARM_UP(0.05)],
  ['warm10', WARM_UP(0.1)],
  // §24: one probe per refit, the slope from the gradient; its initial-lr runs are `gen-*-gslope-lr0` below.
  ['gslope', GRADIENT_SLOPE],
  ['galt', ALTERNATING_SLOPE],
  // §25: insignificant fits after calibration hold the lr, or grow it only downhill; initial lrs `gen-*-i*-lr0` below.
  ['ihold', INSIGNIFICANT('hold', false)],
  ['ihold-anytime', INSIGNIFICANT('hold', true)],
  ['idown', INSIGNIFICANT('grow-if-downhill', false)],
  ['idown-anytime', INSIGNIFICANT('grow-if-downhill', true)],
  // The official probe protocol alone: the current direction on the next batch (§22's addendum, after a14e528).
  [
    'pilot-nextcur',
    {
      ...SLOPE_CHECK,
      probe: 'next',
      options: { ...SLOPE_CHECK.options, probeDirection: 'current' },
      tag: ' (current direction)',
    },
  ],
];

export const OPTIMIZERS: readonly OptimizerEntry[] = [
  // GeN's defaults, reporting the validation loss 20 times per run as the README tells users with validation data
  // to do (docs/algorithm.md §19); the anytime entries too since §20 (at the trained weights, not the iterate average).
  genEntry('gen-adamw', 'adamw', { horizon: 'run-length', validationReports: DEFAULT_REPORTS }),
  genEntry('gen-sgd', 'sgd', { horizon: 'run-length', validationReports: DEFAULT_REPORTS }),
  genEntry('gen-adamw-anytime', 'adamw', { horizon: 'none', validationReports: DEFAULT_REPORTS }),
  genEntry('gen-sgd-anytime', 'sgd', { horizon: 'none', validationReports: DEFAULT_REPORTS }),
  genEntry('gen-adamw-cosine', 'adamw', { horizon: 'cosine' }),
  genEntry('gen-sgd-cosine', 'sgd', { horizon: 'cosine' }),
  genEntry('gen-adamw-next', 'adamw', { probe: 'next' }),
  genEntry('gen-sgd-next', 'sgd', { probe: 'next' }),
  genEntry('gen-adamw-current', 'adamw', { probe: 'current' }),
  genEntry('gen-sgd-current', 'sgd', { probe: 'current' }),
  genEntry('gen-adamw-official', 'adamw', OFFICIAL),
  genEntry('gen-sgd-official', 'sgd', OFFICIAL),
  ...EXPERIMENTS.flatMap(([suffix, v]) => [
    genEntry(`gen-adamw-${suffix}`, 'adamw', v),
    genEntry(`gen-sgd-${suffix}`, 'sgd', v),
  ]),
  lr0Entry('gen-adamw-slope-lr0', 'adamw', SLOPE_CHECK),
  lr0Entry('gen-sgd-slope-lr0', 'sgd', SLOPE_CHECK),
  lr0Entry('gen-adamw-warm05-lr0', 'adamw', WARM_UP(0.05)),
  lr0Entry('gen-sgd-warm05-lr0', 'sgd', WARM_UP(0.05)),
  lr0Entry('gen-adamw-warm10-lr0', 'adamw', WARM_UP(0.1)),
  lr0Entry('gen-sgd-warm10-lr0', 'sgd', WARM_UP(0.1)),
  lr0Entry('gen-adamw-gslope-lr0', 'adamw', GRADIENT_SLOPE),
  lr0Entry('gen-sgd-gslope-lr0', 'sgd', GRADIENT_SLOPE),
  lr0Entry('gen-adamw-galt-lr0', 'adamw', ALTERNATING_SLOPE),
  lr0Entry('gen-sgd-galt-lr0', 'sgd', ALTERNATING_SLOPE),
  lr0Entry('gen-adamw-ihold-lr0', 'adamw', INSIGNIFICANT('hold', false)),
  lr0Entry('gen-sgd-ihold-lr0', 'sgd', INSIGNIFICANT('hold', false)),
  lr0Entry('gen-adamw-idown-lr0', 'adamw', INSIGNIFICANT('grow-if-downhill', false)),
  lr0Entry('gen-sgd-idown-lr0', 'sgd', INSIGNIFICANT('grow-if-downhill', false)),
  // §27: GeN-SGD over the bias-corrected momentum direction (SGDW's `biasCorrection`), with the run length and
  // without it (anytime), and from each initial lr; the defaults otherwise, 20 validation reports.
  genEntry('gen-sgd-bc', 'sgd', BIAS_CORRECTED('run-length')),
  genEntry('gen-sgd-bc-anytime', 'sgd', BIAS_CORRECTED('none')),
  lr0Entry('gen-sgd-bc-lr0', 'sgd', BIAS_CORRECTED('run-length')),
  // §28: the same, calibration landing on the one-step optimum (calibrationDivisor 1).
  genEntry('gen-sgd-bcw1', 'sgd', BIAS_CORRECTED_W1('run-length')),
  genEntry('gen-sgd-bcw1-anytime', 'sgd', BIAS_CORRECTED_W1('none')),
  lr0Entry('gen-sgd-bcw1-lr0', 'sgd', BIAS_CORRECTED_W1('run-length')),
  // §28's last pilot: GeN-SGD with calibration lasting at least 10 steps (minCalibrationSteps 10).
  genEntry('gen-sgd-cal10', 'sgd', LONG_CALIBRATION('run-length')),
  genEntry('gen-sgd-cal10-anytime', 'sgd', LONG_CALIBRATION('none')),
  lr0Entry('gen-sgd-cal10-lr0', 'sgd', LONG_CALIBRATION('run-length')),
  // A pilot after §28: calibration divisor 1 with the 10% warm-up.
  genEntry('gen-sgd-w1warm10', 'sgd', BOLD_LANDING_WARM_UP),
  lr0Entry('gen-sgd-w1warm10-lr0', 'sgd', BOLD_LANDING_WARM_UP),
  gridEntry('adamw-grid', 'adamw'),
  gridEntry('sgd-grid', 'sgd'),
  ...PEERS.map(peerEntry),
];

/** GeN-AdamW and GeN-SGD started from each initial lr of the robustness table. */
export function robustnessConfigs(): OptimizerConfig[] {
  return ROBUSTNESS_LRS.flatMap((lr) => [
    ...genEntry(`gen-adamw-lr0`, 'adamw', { lr, horizon: 'run-length', validationReports: DEFAULT_REPORTS }).configs(
      'full',
    ),
    ...genEntry(`gen-sgd-lr0`, 'sgd', { lr, horizon: 'run-length', validationReports: DEFAULT_REPORTS }).configs(
      'full',
    ),
  ]);
}

export function findOptimizer(name: string): OptimizerEntry | undefined {
  return OPTIMIZERS.find((o) => o.name === name);
}
