// A small least-squares problem on two variables of different shapes (a 3→2 linear layer), whose
// loss closure can be made to fail: throw, or return a NaN/∞/huge loss or gradient, at chosen calls.
import * as tf from '@tensorflow/tfjs-core';

/** What happens to one call of the loss closure. */
export type Fault =
  | { kind: 'throw' }
  /** The loss value is multiplied by `factor` (the gradient too, by the chain rule). */
  | { kind: 'loss'; factor: number }
  /** Only the gradient is multiplied by `factor`; the loss value is unchanged. */
  | { kind: 'gradient'; factor: number };

export interface Problem {
  vars: tf.Variable[];
  /** The loss closure; `faults.get(call)` decides what happens to its call number `call` (0-based, counted over the problem's life). */
  loss: () => tf.Scalar;
  faults: Map<number, Fault>;
  /** Calls of the loss closure so far. */
  calls: () => number;
  values: () => Float32Array[];
  dispose: () => void;
}

let serial = 0;

/** Gradient ×factor, value unchanged: an identity whose backward pass scales. */
const scaleGradient = (factor: number) =>
  tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor) })) as never);

/** Builds the problem; `seed` shifts the data so that runs differ. */
export function makeProblem(seed = 0): Problem {
  const id = serial++;
  // In a tidy: the initial values are tensors of their own, the variables outlive it.
  const [w, b] = tf.tidy(() => [
    tf.variable(tf.tensor2d([0.3, -0.2, 0.5, 0.1, -0.4, 0.2], [3, 2]), true, `rel_w_${id}`),
    tf.variable(tf.tensor1d([0.1, -0.1]), true, `rel_b_${id}`),
  ]);
  const xs = Array.from({ length: 8 * 3 }, (_, i) => Math.sin(1.7 * i + seed));
  const ys = Array.from({ length: 8 * 2 }, (_, i) => Math.cos(0.9 * i + 2 * seed));
  const x = tf.tensor2d(xs, [8, 3]);
  const y = tf.tensor2d(ys, [8, 2]);
  const faults = new Map<number, Fault>();
  let calls = 0;
  const loss = () => {
    const call = calls++;
    const fault = faults.get(call);
    if (fault?.kind === 'throw') throw new Error(`injected failure at call ${call}`);
    const l = tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar;
    if (fault?.kind === 'loss') return tf.mul(l, fault.factor) as tf.Scalar;
    if (fault?.kind === 'gradient') return scaleGradient(fault.factor)(l) as tf.Scalar;
    return l;
  };
  return {
    vars: [w, b],
    loss,
    faults,
    calls: () => calls,
    values: () => [w, b].map((v) => Float32Array.from(v.dataSync() as Float32Array)),
    dispose: () => tf.dispose([w, b, x, y]),
  };
}

/** Whether every entry of every array is finite. */
export function allFinite(arrays: Float32Array[]): boolean {
  return arrays.every((a) => a.every(Number.isFinite));
}

/** The optimizer's state as plain arrays (names and values), for bit-identical comparisons. */
export async function stateOf(o: tf.Optimizer): Promise<[string, number[]][]> {
  return (await o.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]);
}
