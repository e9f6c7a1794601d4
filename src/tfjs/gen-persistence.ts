import * as tf from '@tensorflow/tfjs-core';
import type { ControllerState } from '../core/controller.js';
import { configToOptions, optionsToConfig } from './configured.js';
import type { GeNOptions } from './gen-options.js';
import { readStateEntry, stateEntry } from './state-codec.js';
import type { NamedTensor } from './types.js';

/**
 * GeN's part of `getWeights`/`setWeights` (and so of `model.save` with `includeOptimizer`):
 *
 *     gen/state/v2                 [step, lr, calibrating, calibrationSteps, refits, previousLr]
 *     base/<name>                  every weight of the base optimizer's getWeights()
 *     base_scalar/<field>          the base's scalar variables that its getWeights() leaves out
 *     gen/previous_direction/<i>   the held direction of the previous step, if any
 *
 * tfjs's Adam recomputes β₁ᵗ and β₂ᵗ from the step count on setWeights (as powers, where the
 * running products differ in the last float32 bits), so those scalars are saved as they are:
 * a restored run then continues bit-identically.
 */

const STATE = 'gen/state';
const BASE = 'base/';
const BASE_SCALAR = 'base_scalar/';
const PREVIOUS = 'gen/previous_direction/';

/** What GeN holds besides its base. */
export interface GeNHeld {
  state: ControllerState;
  previous: { directions: tf.Tensor[]; lr: number } | null;
}

/** The weights of a GeN (after its `iter` entry). The tensors are the live ones, not copies. */
export async function saveGeN(base: tf.Optimizer, held: GeNHeld): Promise<NamedTensor[]> {
  const s = held.state;
  const values = [s.step, s.lr, s.calibrating ? 1 : 0, s.calibrationSteps, s.refits, held.previous?.lr ?? NaN];
  return [
    stateEntry(STATE, values),
    ...(await base.getWeights()).map((w) => ({ name: `${BASE}${w.name}`, tensor: w.tensor })),
    ...scalarVariables(base).map(([key, v]) => ({ name: `${BASE_SCALAR}${key}`, tensor: v as tf.Tensor })),
    ...(held.previous?.directions ?? []).map((d, i) => ({ name: `${PREVIOUS}${i}`, tensor: d })),
  ];
}

/**
 * Restores what {@link saveGeN} wrote into `base` and returns GeN's own part, with copies of
 * the held directions. Works when `weights` are the live tensors of this very optimizer.
 * @throws {Error} the list is not GeN's, or its state is out of range (names the field and value).
 */
export async function loadGeN(
  base: tf.Optimizer,
  weights: readonly NamedTensor[],
): Promise<GeNHeld & { iterations: number }> {
  const iter = weights.find((w) => w.name === 'iter');
  if (iter == null) throw new Error("GeN.setWeights: expected the weights of GeN.getWeights() (an entry 'iter').");
  const iterations = (await iter.tensor.data())[0];
  const [step, lr, calibrating, calibrationSteps, refits, previousLr] = readStateEntry('GeN', weights, STATE, 6);
  const check = (name: string, value: number, ok: boolean) => {
    if (!ok) throw new Error(`GeN.setWeights: the saved state has ${name} = ${value}, which is out of range.`);
  };
  check('step', step, Number.isInteger(step) && step >= 0);
  check('lr', lr, Number.isFinite(lr) && lr > 0);
  check('calibrating', calibrating, calibrating === 0 || calibrating === 1);
  check('calibrationSteps', calibrationSteps, Number.isInteger(calibrationSteps) && calibrationSteps >= 0);
  check('refits', refits, Number.isInteger(refits) && refits >= 0);
  check('previousLr', previousLr, Number.isNaN(previousLr) || (Number.isFinite(previousLr) && previousLr >= 0));
  // Work on copies: the list may hold this optimizer's own live tensors (setWeights(getWeights())),
  // which the base disposes or assigns over while it restores (a self-assignment frees the data).
  const copies = weights.map((w) => ({ name: w.name, tensor: tf.keep(tf.clone(w.tensor)) }));
  const isPrevious = (w: NamedTensor) => w.name.startsWith(PREVIOUS);
  try {
    await base.setWeights(
      copies.filter((w) => w.name.startsWith(BASE)).map((w) => ({ name: w.name.slice(BASE.length), tensor: w.tensor })),
    );
    const scalars = new Map(scalarVariables(base));
    for (const w of copies) {
      if (w.name.startsWith(BASE_SCALAR)) scalars.get(w.name.slice(BASE_SCALAR.length))?.assign(w.tensor);
    }
  } catch (e) {
    tf.dispose(copies.filter(isPrevious).map((w) => w.tensor));
    throw e;
  } finally {
    tf.dispose(copies.filter((w) => !isPrevious(w)).map((w) => w.tensor));
  }
  let directions = copies.filter(isPrevious).map((w) => w.tensor);
  if (Number.isNaN(previousLr)) {
    tf.dispose(directions);
    directions = [];
  }
  return {
    iterations,
    state: { step, lr, calibrating: calibrating === 1, calibrationSteps, refits },
    previous: directions.length > 0 ? { directions, lr: previousLr } : null,
  };
}

/** Scalar variables an optimizer keeps outside getWeights (Adam's β₁ᵗ, β₂ᵗ; Adamax's iteration). */
function scalarVariables(o: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(o).filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable && e[1].rank === 0);
}

/** GeN's config for `model.save`: the base by class name and config, and the options that are not functions. */
export function genConfig(base: tf.Optimizer, options: Readonly<GeNOptions>): tf.serialization.ConfigDict {
  const { probeLoss: _probeLoss, onStep: _onStep, ...serializable } = options;
  return { base: { className: base.getClassName(), config: base.getConfig() }, options: optionsToConfig(serializable) };
}

/**
 * The base optimizer and options a {@link genConfig} describes.
 * @throws {Error} the base class is not registered with tfjs serialization.
 */
export function genFromConfig(config: tf.serialization.ConfigDict): {
  base: tf.Optimizer;
  options: Partial<GeNOptions>;
} {
  const { className, config: baseConfig } = config.base as { className: string; config: tf.serialization.ConfigDict };
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry == null) {
    throw new Error(
      `GeN.fromConfig: unknown base optimizer class '${className}'; call registerOptimizers() or register it with tf.serialization.registerClass.`,
    );
  }
  const [baseCls, baseFromConfig] = entry;
  return {
    base: baseFromConfig(baseCls, baseConfig) as unknown as tf.Optimizer,
    options: configToOptions(config.options as tf.serialization.ConfigDict) as Partial<GeNOptions>,
  };
}
