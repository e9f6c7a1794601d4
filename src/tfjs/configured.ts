import type { NamedTensor } from './types.js';
import * as tf from '@tensorflow/tfjs-core';
import { assertLive } from './disposal.js';
import { registerOnConstruction } from './register-once.js';

/**
 * Options as a tfjs config and back. JSON (what `model.save` writes) has no Infinity, so
 * non-finite numbers travel as the strings 'Infinity' / '-Infinity' and come back as numbers.
 */
export function optionsToConfig(options: object): tf.serialization.ConfigDict {
  const out: tf.serialization.ConfigDict = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === 'function') continue;
    out[k] =
      typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v)
        ? String(v)
        : (v as tf.serialization.ConfigDictValue);
  }
  return out;
}

/** Keys tfjs-layers adds to an optimizer's config on `tf.loadLayersModel`, which are not options. */
const LAYERS_CONFIG_KEYS = ['customObjects'];

/** Inverse of {@link optionsToConfig} (without the keys tfjs-layers adds). */
export function configToOptions(config: tf.serialization.ConfigDict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (LAYERS_CONFIG_KEYS.includes(k)) continue;
    out[k] = v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
  }
  return out;
}

/**
 * `instanceof` by the prototype chain. tf.Optimizer defines a duck-typed `Symbol.hasInstance`
 * (any object with minimize, computeGradients and applyGradients), which every subclass inherits,
 * so without this `new SGDW() instanceof AdamW` would be true.
 */
export function ownInstance(cls: object, x: unknown): boolean {
  return Function.prototype[Symbol.hasInstance].call(cls, x);
}

/**
 * Base of the library's optimizers that are fully described by one options object: it holds the
 * resolved options and supplies `getConfig`/`fromConfig` (so every such optimizer serializes the
 * same way). Subclasses validate their options and pass them to `super`.
 */
export abstract class ConfiguredOptimizer<O extends object> extends tf.Optimizer {
  /** The resolved options (defaults filled in, validated, frozen). */
  readonly options: Readonly<O>;

  static override [Symbol.hasInstance](x: unknown): boolean {
    return ownInstance(this, x);
  }

  private disposed = false;

  constructor(options: Readonly<O>) {
    super();
    this.options = options;
    registerOnConstruction(new.target);
  }

  /** Throws once the optimizer is disposed (every step and every getWeights/setWeights goes through here). */
  protected assertLive(call: string): void {
    assertLive(this, this.disposed, call);
  }

  /** tf.Optimizer's `minimize`, typed: the loss is returned exactly when `returnCost` is true. */
  override minimize(f: () => tf.Scalar, returnCost: true, varList?: tf.Variable[]): tf.Scalar;
  override minimize(f: () => tf.Scalar, returnCost?: false, varList?: tf.Variable[]): null;
  override minimize(f: () => tf.Scalar, returnCost?: boolean, varList?: tf.Variable[]): tf.Scalar | null;
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    this.assertLive('minimize');
    return super.minimize(f, returnCost, varList);
  }

  /** tf.Optimizer's, refused after dispose (every subclass's getWeights starts with it). */
  override async saveIterations(): Promise<NamedTensor> {
    this.assertLive('getWeights');
    return super.saveIterations();
  }

  /** tf.Optimizer's, refused after dispose (every subclass's setWeights starts with it). */
  protected override async extractIterations(weightValues: NamedTensor[]): Promise<NamedTensor[]> {
    this.assertLive('setWeights');
    return super.extractIterations(weightValues);
  }

  /** Disposes the optimizer's state; any later step or getWeights/setWeights throws. */
  override dispose(): void {
    this.disposed = true;
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return optionsToConfig(this.options);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(configToOptions(config));
  }
}
