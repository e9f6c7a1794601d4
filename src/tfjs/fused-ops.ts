import * as tf from '@tensorflow/tfjs-core';

/**
 * Two computations GeN repeats on every variable or gradient at every step, each a few
 * element-wise passes through tfjs ops, named as ops that a backend may fuse into one pass. Where
 * the active backend registers a kernel under the name it is used; everywhere else the same ops
 * as before run. This project's `wasm` kernels register both (`src/backend/kernels/fused-ops.ts`).
 */

/**
 * t + s·D: each probe point w₀ + x·D and each update w + s·D. Inputs `{ t, d }` (float32, one
 * shape), attribute `{ scale }`, outputs `[y, check]`: y = t + s·D rounded as the two ops round
 * (the product to float32, then the sum), so that y is bit-identical to `add(t, mul(d, s))` on any
 * backend, and the scalar check = Σ (y − y), 0 when every entry of y is finite and NaN otherwise
 * (the update's guard, from the same pass).
 */
export const PLUS_SCALED_KERNEL = 'GenOptimPlusScaled';

/**
 * Σ g² of one float32 tensor (input `{ x }`, a scalar output): the spike detector's Σ‖g‖², which
 * also says whether every entry is finite. Each square is rounded to float32 as `square` rounds it
 * (an overflow is ∞); the sum may be accumulated in any order at float64 or better, and is
 * rounded to float32 once.
 */
export const SUM_OF_SQUARES_KERNEL = 'GenOptimSumOfSquares';

/**
 * Whether the active backend registers the kernel `name` and the tensors are float32 of one shape,
 * the only operands the fused kernels take; otherwise the caller runs the ops they replace.
 */
export function fusedKernelApplies(name: string, ...tensors: tf.Tensor[]): boolean {
  return (
    tensors.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, tensors[0].shape)) &&
    tf.getKernel(name, tf.getBackend()) !== undefined
  );
}

/**
 * t + s·D, and, where the backend's {@link PLUS_SCALED_KERNEL} computed it, the scalar Σ (y − y)
 * (0 when every entry of y is finite, NaN otherwise); `null` on the two-op path. The caller owns
 * both tensors.
 */
export function plusScaledChecked(t: tf.Tensor, d: tf.Tensor, s: number): [tf.Tensor, tf.Scalar | null] {
  if (fusedKernelApplies(PLUS_SCALED_KERNEL, t, d)) {
    registerGradientOnce();
    const [y, check] = tf.engine().runKernel(PLUS_SCALED_KERNEL, { t, d }, { scale: s }) as tf.Tensor[];
    return [y, check as tf.Scalar];
  }
  return [tf.tidy(() => tf.add(t, tf.mul(d, s))), null];
}

/** t + s·D: the backend's {@link PLUS_SCALED_KERNEL} where it has one, else add(t, mul(D, s)). */
export function plusScaled(t: tf.Tensor, d: tf.Tensor, s: number): tf.Tensor {
  const [y, check] = plusScaledChecked(t, d, s);
  check?.dispose();
  return y;
}

/** Σ x²: the backend's {@link SUM_OF_SQUARES_KERNEL} where it has one, else sum(square(x)). Not differentiable. */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  if (fusedKernelApplies(SUM_OF_SQUARES_KERNEL, x))
    return tf.engine().runKernel(SUM_OF_SQUARES_KERNEL, { x }) as tf.Scalar;
  return tf.tidy(() => tf.sum(tf.square(x)));
}

/** ∂/∂t = dy, ∂/∂D = s·dy (the check has no gradient): as differentiable as the two ops it replaces. */
function registerGradientOnce(): void {
  if (tf.getGradient(PLUS_SCALED_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: PLUS_SCALED_KERNEL,
    gradFunc: (dys, _saved, attrs) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
      const { scale } = attrs as unknown as { scale: number };
      return { t: () => dy, d: () => tf.mul(dy, scale) };
    },
  });
}
