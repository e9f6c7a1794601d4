import * as tf from '@tensorflow/tfjs-core';

/**
 * float64 numbers as an int32 tensor (two int32 words per number), so that an optimizer's
 * host-side state survives getWeights/setWeights and model.save bit-exactly: tfjs has no float64
 * dtype, and a float32 learning rate would change the continuation of a restored run.
 */
export function encodeFloat64(values: readonly number[]): tf.Tensor1D {
  const f64 = Float64Array.from(values);
  return tf.tensor1d(new Int32Array(f64.buffer), 'int32');
}

/** Inverse of {@link encodeFloat64}. */
export function decodeFloat64(t: tf.Tensor): number[] {
  const words = Int32Array.from(t.dataSync() as Int32Array);
  return Array.from(new Float64Array(words.buffer));
}
