import * as tf from '@tensorflow/tfjs-core';
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

/** Inverse of {@link optionsToConfig}. */
export function configToOptions(config: tf.serialization.ConfigDict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
  return out;
}

/**
 * Base of the library's optimizers that are fully described by one options object: it holds the
 * resolved options and supplies `getConfig`/`fromConfig` (so every such optimizer serializes the
 * same way). Subclasses validate their options and pass them to `super`.
 */
export abstract class ConfiguredOptimizer<O extends object> extends tf.Optimizer {
  /** The resolved options (defaults filled in, validated, frozen). */
  readonly options: Readonly<O>;

  constructor(options: Readonly<O>) {
    super();
    this.options = options;
    registerOnConstruction(new.target);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return optionsToConfig(this.options);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    // tfjs-layers' deserializer adds the custom-object table to every config it passes on.
    const { customObjects: _customObjects, ...options } = config;
    return new cls(configToOptions(options));
  }
}
