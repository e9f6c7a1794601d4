import * as tf from '@tensorflow/tfjs-core';
import type { ControllerState } from '../core/controller.js';
import { configToOptions, optionsToConfig } from './configured.js';
import type { GeNOptions } from './gen-options.js';
import { readStateEntry, stateEntry } from './state-codec.js';
import { checkRestored } from './state-check.js';
import { tfjsLayout } from './tfjs-layouts.js';
import type { NamedTensor } from './types.js';

/**
 * GeN's part of `getWeights`/`setWeights` (and so of `model.save` with `includeOptimizer`):
 *
 *     gen/state/v2                 [step, lr, calibrating, calibrationSteps, refits, previousLr, gradScale,
 *                                   averaged, lossFast, lossSlow, validationBest, validationWaits,
 *                                   validationScale, stepFactorOpen]
 *     base/<name>                  every weight of the base optimizer's getWeights()
 *     base_scalar/<field>          the base's scalar variables that its getWeights() leaves out
 *     gen/previous_direction/<i>   the held direction of the previous step, if any
 *     gen/average/<name>           the iterate average (`iterateAverage`) over `averaged` steps, if any
 *
 * tfjs's Adam recomputes β₁ᵗ and β₂ᵗ from the step count on setWeights (as powers, where the
 * running products differ in the last float32 bits), so those scalars are saved as they are:
 * a restored run then continues bit-identically.
 */

const STATE = 'gen/state';
const BASE = 'base/';
const BASE_SCALAR = 'base_scalar/';
const PREVIOUS = 'gen/previous_direction/';
const AVERAGE = 'gen/average/';

/** What GeN holds besides its base. */
export interface GeNHeld {
  state: ControllerState;
  previous: { directions: tf.Tensor[]; lr: number } | null;
  /** The spike detector's scale of ‖g‖² (a 7th number of the state; lists of 0.2.0 have 6: read as 0). */
  gradScale: number;
  /** The iterate average and the number of steps it averages (an 8th number; lists before 0.7 have none: read as 0). */
  average: { weights: NamedTensor[]; count: number } | null;
}

/** The weights of a GeN (after its `iter` entry). The tensors are the live ones, not copies. */
export async function saveGeN(base: tf.Optimizer, held: GeNHeld): Promise<NamedTensor[]> {
  const s = held.state;
  const values = [
    s.step,
    s.lr,
    s.calibrating ? 1 : 0,
    s.calibrationSteps,
    s.refits,
    held.previous?.lr ?? NaN,
    held.gradScale,
    held.average?.count ?? 0,
    s.lossFast,
    s.lossSlow,
    s.validationBest,
    s.validationWaits,
    s.validationScale,
    s.stepFactorOpen ? 1 : 0,
  ];
  return [
    stateEntry(STATE, values),
    ...(await base.getWeights()).map((w) => ({ name: `${BASE}${w.name}`, tensor: w.tensor })),
    ...scalarVariables(base).map(([key, v]) => ({ name: `${BASE_SCALAR}${key}`, tensor: v as tf.Tensor })),
    ...(held.previous?.directions ?? []).map((d, i) => ({ name: `${PREVIOUS}${i}`, tensor: d })),
    ...(held.average?.weights ?? []).map((w) => ({ name: `${AVERAGE}${w.name}`, tensor: w.tensor })),
  ];
}

/**
 * Restores what {@link saveGeN} wrote into `base` and returns GeN's own part, with copies of
 * the held directions and of the average (the caller owns them). Works when `weights` are the live
 * tensors of this very optimizer.
 * @param averages whether this GeN keeps an iterate average (a saved one is refused otherwise).
 * @throws {Error} the list is not GeN's, or its state is out of range (names the field and value).
 */
export async function loadGeN(
  base: tf.Optimizer,
  weights: readonly NamedTensor[],
  averages: boolean,
): Promise<GeNHeld & { iterations: number }> {
  const iter = weights.find((w) => w.name === 'iter');
  if (iter == null) throw new Error("GeN.setWeights: expected the weights of GeN.getWeights() (an entry 'iter').");
  const iterations = (await iter.tensor.data())[0];
  if (iter.tensor.size !== 1 || !Number.isInteger(iterations) || iterations < 0) {
    throw new Error(`GeN.setWeights: 'iter' must be one integer ≥ 0; got ${iterations}.`);
  }
  // Lists before 0.7 hold no `averaged`, before 0.8 no loss averages (read as "no loss seen yet"), before 0.9 no
  // validation state (read as "no report yet"), before 1.0 no step-factor gate (read as closed).
  const [
    step,
    lr,
    calibrating,
    calibrationSteps,
    refits,
    previousLr,
    gradScale = 0,
    averaged = 0,
    lossFast = NaN,
    lossSlow = NaN,
    validationBest = NaN,
    validationWaits = 0,
    validationScale = 1,
    stepFactorOpen = 0,
  ] = readStateEntry('GeN', weights, STATE, 6);
  const check = (name: string, value: number, ok: boolean) => {
    if (!ok) throw new Error(`GeN.setWeights: the saved state has ${name} = ${value}, which is out of range.`);
  };
  check('step', step, Number.isInteger(step) && step >= 0);
  check('lr', lr, Number.isFinite(lr) && lr > 0);
  check('calibrating', calibrating, calibrating === 0 || calibrating === 1);
  check('calibrationSteps', calibrationSteps, Number.isInteger(calibrationSteps) && calibrationSteps >= 0);
  check('refits', refits, Number.isInteger(refits) && refits >= 0);
  check('gradScale', gradScale, Number.isFinite(gradScale) && gradScale >= 0);
  check('previousLr', previousLr, Number.isNaN(previousLr) || (Number.isFinite(previousLr) && previousLr >= 0));
  check('averaged', averaged, Number.isInteger(averaged) && averaged >= 0);
  // Both loss averages are NaN until the first finite loss, and finite after it.
  check('lossFast', lossFast, Number.isNaN(lossFast) ? Number.isNaN(lossSlow) : Number.isFinite(lossFast));
  check('lossSlow', lossSlow, Number.isNaN(lossSlow) ? Number.isNaN(lossFast) : Number.isFinite(lossSlow));
  check('validationBest', validationBest, Number.isNaN(validationBest) || Number.isFinite(validationBest));
  check('validationWaits', validationWaits, Number.isInteger(validationWaits) && validationWaits >= 0);
  check('validationScale', validationScale, validationScale > 0 && validationScale <= 1);
  check('stepFactorOpen', stepFactorOpen, stepFactorOpen === 0 || stepFactorOpen === 1);
  const averageEntries = weights.filter((w) => w.name.startsWith(AVERAGE)).length;
  if (averaged > 0 !== averageEntries > 0) {
    throw new Error(
      `GeN.setWeights: the list is truncated or mixed: its state averages ${averaged} steps but it holds ${averageEntries} average tensors.`,
    );
  }
  const previousEntries = weights.filter((w) => w.name.startsWith(PREVIOUS)).length;
  if (averageEntries > 0 && previousEntries > 0 && averageEntries !== previousEntries) {
    throw new Error(
      `GeN.setWeights: the list is truncated or mixed: ${averageEntries} average tensors but ${previousEntries} held direction tensors.`,
    );
  }
  if (averageEntries > 0 && !averages) {
    throw new Error(
      'GeN.setWeights: the saved state holds an iterate average, but this GeN keeps none (iterateAverage: null); ' +
        'construct it with the iterateAverage the state was saved with.',
    );
  }
  refuseNonfinite(
    weights.filter((w) => w.name.startsWith(BASE) || w.name.startsWith(PREVIOUS) || w.name.startsWith(AVERAGE)),
  );
  checkBaseEntries(base, weights);
  // Work on copies: the list may hold this optimizer's own live tensors (setWeights(getWeights())),
  // which the base disposes or assigns over while it restores (a self-assignment frees the data).
  const copies = weights.map((w) => ({ name: w.name, tensor: tf.keep(tf.clone(w.tensor)) }));
  // GeN's own tensors (held direction, average) are returned to the caller; the base's copies are disposed here.
  const isOwn = (w: NamedTensor) => w.name.startsWith(PREVIOUS) || w.name.startsWith(AVERAGE);
  try {
    await base.setWeights(
      copies.filter((w) => w.name.startsWith(BASE)).map((w) => ({ name: w.name.slice(BASE.length), tensor: w.tensor })),
    );
    const scalars = new Map(scalarVariables(base));
    for (const w of copies) {
      if (w.name.startsWith(BASE_SCALAR)) scalars.get(w.name.slice(BASE_SCALAR.length))?.assign(w.tensor);
    }
  } catch (e) {
    tf.dispose(copies.filter(isOwn).map((w) => w.tensor));
    throw e;
  } finally {
    tf.dispose(copies.filter((w) => !isOwn(w)).map((w) => w.tensor));
  }
  const average = copies
    .filter((w) => w.name.startsWith(AVERAGE))
    .map((w) => ({ name: w.name.slice(AVERAGE.length), tensor: w.tensor }));
  let directions = copies.filter((w) => w.name.startsWith(PREVIOUS)).map((w) => w.tensor);
  if (Number.isNaN(previousLr)) {
    tf.dispose(directions);
    directions = [];
  }
  return {
    iterations,
    state: {
      step,
      lr,
      calibrating: calibrating === 1,
      calibrationSteps,
      refits,
      lossFast,
      lossSlow,
      validationBest,
      validationWaits,
      validationScale,
      stepFactorOpen: stepFactorOpen === 1,
    },
    previous: directions.length > 0 ? { directions, lr: previousLr } : null,
    gradScale,
    average: average.length > 0 ? { weights: average, count: averaged } : null,
  };
}

/**
 * Refuses base entries that this base could not have saved (checked before anything is restored):
 * for a tf.train base the layout of its getWeights() (the library's bases check their own), scalar
 * fields it does not have, and a held direction whose count differs from the base's slots.
 * @throws {Error} naming the entry.
 */
function checkBaseEntries(base: tf.Optimizer, weights: readonly NamedTensor[]): void {
  const entries = weights
    .filter((w) => w.name.startsWith(BASE))
    .map((w) => ({ name: w.name.slice(BASE.length), tensor: w.tensor }));
  const layout = tfjsLayout(base);
  if (layout) checkRestored(`GeN (base ${base.getClassName()})`, entries, layout);
  const fields = new Set(scalarVariables(base).map(([k]) => k));
  for (const w of weights) {
    const key = w.name.slice(BASE_SCALAR.length);
    if (w.name.startsWith(BASE_SCALAR) && !fields.has(key)) {
      throw new Error(
        `GeN.setWeights: the saved entry '${w.name}' is not a field of the base ${base.getClassName()}; is this the state of GeN over another base?`,
      );
    }
  }
  const slots = entries.filter((w) => w.name !== 'iter');
  const perGroup = layout && layout.slots.length > 0 ? slots.length / layout.slots.length : null;
  const previous = weights.filter((w) => w.name.startsWith(PREVIOUS)).length;
  if (perGroup !== null && perGroup > 0 && previous > 0 && previous !== perGroup) {
    throw new Error(
      `GeN.setWeights: the list is truncated or mixed: ${previous} held direction tensors for a base with slots for ${perGroup} variables.`,
    );
  }
}

/**
 * Refuses float entries holding NaN or ±∞ (one readback): a tf.train base would take them as they
 * are and write NaN weights at the next step.
 * @throws {Error} naming the first such entry.
 */
function refuseNonfinite(entries: readonly NamedTensor[]): void {
  const floats = entries.filter((w) => w.tensor.dtype === 'float32');
  if (floats.length === 0) return;
  const check = tf.tidy(() => tf.stack(floats.map((w) => tf.sum(tf.mul(w.tensor, 0)))));
  const sums = check.dataSync();
  check.dispose();
  const bad = floats.findIndex((_, i) => !Number.isFinite(sums[i]));
  if (bad >= 0) throw new Error(`GeN.setWeights: the saved entry '${floats[bad].name}' holds NaN or ±∞.`);
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
