import type * as tf from '@tensorflow/tfjs-core';

/** A tensor with a name, as in tfjs optimizers' getWeights (not exported by tfjs-core). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}
