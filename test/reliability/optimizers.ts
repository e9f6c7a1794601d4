// The optimizers the reliability suite runs, in one list: GeN over every base it accepts, the
// library's two bases on their own, and every peer. `register` names the class that tfjs
// serialization restores (tf.train's own classes are registered by tfjs itself).
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW, type GeNOptions } from '../../src/index.js';
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

export interface Entry {
  name: string;
  make: () => tf.Optimizer;
  /** GeN over some base. */
  gen: boolean;
  /**
   * Tensors tfjs itself leaves behind on dispose: MomentumOptimizer.dispose (tfjs-core 4.22)
   * does not call SGDOptimizer.dispose, so its −lr scalar stays.
   */
  leaksOnDispose?: number;
}

/** The bases GeN is run over: the library's and tfjs's. */
export const BASES: [string, () => tf.Optimizer][] = [
  ['AdamW', () => new AdamW()],
  ['SGDW', () => new SGDW()],
  ['SGDW momentum', () => new SGDW({ momentum: 0.9 })],
  ['tf.train.sgd', () => tf.train.sgd(0.1)],
  ['tf.train.momentum', () => tf.train.momentum(0.1, 0.9)],
  ['tf.train.adam', () => tf.train.adam()],
  ['tf.train.rmsprop', () => tf.train.rmsprop(0.01)],
  ['tf.train.adagrad', () => tf.train.adagrad(0.1)],
];

/** GeN over every base, with `options`. */
export function genEntries(options: Partial<GeNOptions> = {}): Entry[] {
  return BASES.map(([name, base]) => ({
    name: `GeN over ${name}`,
    make: () => new GeN(base(), options),
    gen: true,
    leaksOnDispose: name === 'tf.train.momentum' ? 1 : 0,
  }));
}

/** The peers and the two bases on their own. */
export const PEERS: Entry[] = [
  ['AdamW', () => new AdamW()],
  ['SGDW', () => new SGDW({ momentum: 0.9 })],
  ['Prodigy', () => new Prodigy()],
  ['DAdaptAdam', () => new DAdaptAdam()],
  ['DAdaptSGD', () => new DAdaptSGD()],
  ['DoG', () => new DoG()],
  ['LDoG', () => new LDoG()],
  ['ScheduleFreeAdamW', () => new ScheduleFreeAdamW()],
  ['ScheduleFreePlus', () => new ScheduleFreePlus()],
  ['SLS', () => new SLS()],
].map(([name, make]) => ({ name: name as string, make: make as () => tf.Optimizer, gen: false }));

/** GeN keeping an iterate average (the anytime mode's `iterateAverage`): its state holds one more slot set. */
export const AVERAGING: Entry = {
  name: 'GeN over AdamW, iterate average',
  make: () => new GeN(new AdamW(), { iterateAverage: 8, horizon: null }),
  gen: true,
};

/** Every optimizer of the suite. */
export const ALL: Entry[] = [...genEntries(), AVERAGING, ...PEERS];
