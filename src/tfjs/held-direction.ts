import * as tf from '@tensorflow/tfjs-core';

/** A step's direction kept for the next step's probes, with the learning rate it was applied with. */
export interface Held {
  directions: tf.Tensor[];
  lr: number;
}

/**
 * The one direction GeN keeps between steps: at most one extra copy of the parameters, replaced
 * or dropped at every step. It serves the next refit's probes (probeDirection 'previous') and
 * lets GeN undo the last step, w ← w − lr·D, when the loss right after it is not finite.
 */
export class HeldDirection {
  private held: Held | null = null;

  /** What is held (the live tensors), or null. */
  get value(): Held | null {
    return this.held;
  }

  /** What is held, if it fits these variables (same count and shapes); else null. */
  fitting(variables: readonly tf.Variable[]): Held | null {
    const h = this.held;
    if (h === null || h.directions.length !== variables.length) return null;
    return h.directions.every((d, i) => tf.util.arraysEqual(d.shape, variables[i].shape)) ? h : null;
  }

  /** Disposes what is held and holds `next` instead (null: nothing). */
  replace(next: Held | null): void {
    const old = this.swap(next);
    if (old !== null && old !== next) tf.dispose(old.directions);
  }

  /** Holds `next` and returns what was held, without disposing it (for a step that may roll back). */
  swap(next: Held | null): Held | null {
    const old = this.held;
    this.held = next;
    return old;
  }
}
