// Two small models written with tfjs-core ops, so that every run starts from the very same weights
// (Glorot-uniform from a seeded generator, copied into each run's own variables).
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from './rng.js';

export type ModelKind = 'mlp' | 'cnn';

export interface ModelSpec {
  kind: ModelKind;
  label: string;
  /** Shapes of the weights, in order. */
  shapes: number[][];
  /** Logits for a batch of flattened images [B, side²]. */
  logits: (vars: tf.Variable[], x: tf.Tensor2D) => tf.Tensor2D;
}

export function modelSpec(kind: ModelKind, side: number): ModelSpec {
  const px = side * side;
  if (kind === 'mlp') {
    return {
      kind,
      label: `MLP ${px}-64-10`,
      shapes: [[px, 64], [64], [64, 10], [10]],
      logits: ([w1, b1, w2, b2], x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D,
    };
  }
  // LeNet-like: two 3×3 convolutions, each with ReLU and 2×2 max pooling, then a dense layer. (Stock
  // wasm cannot train it — no Conv2DBackpropFilter kernel — so a CNN never runs on wasm; see backend.ts.)
  const s1 = Math.ceil(side / 2);
  const s2 = Math.ceil(s1 / 2);
  return {
    kind,
    label: `CNN conv8-pool-conv16-pool-dense10`,
    shapes: [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [s2 * s2 * 16, 10], [10]],
    logits: ([k1, c1, k2, c2, w, b], x) => {
      const img = tf.reshape(x, [-1, side, side, 1]) as tf.Tensor4D;
      const h1 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(img, k1 as tf.Tensor4D, 1, 'same'), c1)) as tf.Tensor4D,
        2,
        2,
        'same',
      );
      const h2 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(h1, k2 as tf.Tensor4D, 1, 'same'), c2)) as tf.Tensor4D,
        2,
        2,
        'same',
      );
      return tf.add(tf.matMul(tf.reshape(h2, [-1, s2 * s2 * 16]), w), b) as tf.Tensor2D;
    },
  };
}

/** Glorot-uniform weights (zeros for biases) from a seeded generator, as plain arrays. */
export function initialWeights(spec: ModelSpec, seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  return spec.shapes.map((shape) => {
    const n = shape.reduce((p, s) => p * s, 1);
    if (shape.length === 1) return new Float32Array(n);
    const receptive = shape.length === 4 ? shape[0] * shape[1] : 1;
    const fanIn = receptive * shape[shape.length - 2];
    const fanOut = receptive * shape[shape.length - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return Float32Array.from({ length: n }, () => (2 * rand() - 1) * limit);
  });
}
