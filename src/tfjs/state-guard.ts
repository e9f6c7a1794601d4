import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` so that it leaves every variable outside `own` as it found it.
 *
 * Forward passes in training mode write state: BatchNormalization updates its moving mean and
 * variance on every call. A probe pass must leave no trace, so while `fn` runs, the first
 * assignment to any other variable keeps a zero-copy reference to its old value, which is
 * assigned back afterwards. Inside `fn` the assignments take effect as usual.
 */
export function withoutSideEffects<T>(own: ReadonlySet<tf.Variable>, fn: () => T): T {
  const proto = tf.Variable.prototype;
  const realAssign = proto.assign;
  const saved = new Map<tf.Variable, tf.Tensor>();
  proto.assign = function (this: tf.Variable, newValue: tf.Tensor) {
    if (!own.has(this) && !saved.has(this)) saved.set(this, tf.keep(tf.reshape(this, this.shape)));
    realAssign.call(this, newValue);
  };
  try {
    return fn();
  } finally {
    proto.assign = realAssign;
    for (const [v, old] of saved) {
      realAssign.call(v, old);
      old.dispose();
    }
  }
}
