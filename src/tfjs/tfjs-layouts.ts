import type * as tf from '@tensorflow/tfjs-core';
import type { StateLayout } from './state-check.js';

/**
 * The getWeights() layouts of tfjs-core's own optimizers (4.22), by class name, so that GeN can
 * check a restored base state that a tf.train optimizer would accept blindly (its setWeights
 * takes any list and splits it by position).
 */
const LAYOUTS: Record<string, (base: tf.Optimizer) => StateLayout> = {
  SGD: () => ({ slots: [] }),
  Momentum: () => ({ slots: ['momentum'] }),
  Adam: () => ({ slots: ['m', 'v'], nonNegative: ['v'] }),
  Adamax: () => ({ slots: ['m', 'v'], nonNegative: ['v'] }),
  Adagrad: () => ({ slots: ['accumulator'], nonNegative: ['accumulator'] }),
  Adadelta: () => ({ slots: ['accum_grad', 'accum_var'], nonNegative: ['accum_grad', 'accum_var'] }),
  RMSProp: (b) => ({
    slots: (b as unknown as { centered?: boolean }).centered ? ['rms', 'momentum', 'mg'] : ['rms', 'momentum'],
    nonNegative: ['rms'],
  }),
};

/** The layout of a tfjs-core optimizer's weights, or null for any other optimizer (which checks its own). */
export function tfjsLayout(base: tf.Optimizer): StateLayout | null {
  const name = base.getClassName();
  return Object.prototype.hasOwnProperty.call(LAYOUTS, name) ? LAYOUTS[name](base) : null;
}
