import * as tf from '@tensorflow/tfjs-core';

const registered = new WeakSet<object>();

/**
 * Registers an optimizer class with tfjs serialization the first time one is constructed, so that
 * `model.save` with `includeOptimizer` and `tf.loadLayersModel` work in the same process without a
 * registration call (importing the package has no side effects; a fresh process that only loads a
 * model calls `registerOptimizers()` first). Only a class that declares its own static `className`
 * is registered: a subclass inheriting its parent's name would otherwise replace the parent under
 * that name.
 */
export function registerOnConstruction(cls: object): void {
  if (registered.has(cls)) return;
  registered.add(cls);
  if (!Object.prototype.hasOwnProperty.call(cls, 'className')) return;
  tf.serialization.registerClass(cls as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
