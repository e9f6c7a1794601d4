import type * as tf from '@tensorflow/tfjs-core';

/**
 * Throws once an optimizer has been disposed. tfjs's own optimizers fail on a disposed slot;
 * without this check this library's would silently recreate zeroed slots and carry on.
 * @throws {Error} naming the optimizer and the call.
 */
export function assertLive(o: tf.Optimizer, disposed: boolean, call: string): void {
  if (disposed) {
    throw new Error(
      `${o.getClassName()}.${call}: this optimizer was disposed (its state is gone); create a new one instead of reusing it.`,
    );
  }
}
