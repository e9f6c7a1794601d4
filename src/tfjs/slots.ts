import type { NamedTensor } from './types.js';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One optimizer slot (a per-variable state tensor such as Adam's first moment), kept as tfjs
 * optimizers keep theirs: by position in the gradient list, named `<variable>/<suffix>`.
 * Slots are created lazily, filled with `init`, and are never trainable.
 */
export class Slot {
  private entries: { originalName: string; variable: tf.Variable }[] = [];

  constructor(
    readonly suffix: string,
    private readonly init = 0,
  ) {}

  /** The slot of the i-th variable, created on first use. */
  get(i: number, v: tf.Variable): tf.Variable {
    if (this.entries[i] == null) {
      this.entries[i] = {
        originalName: `${v.name}/${this.suffix}`,
        variable: tf.tidy(() => tf.fill(v.shape, this.init, 'float32').variable(false)),
      };
    }
    return this.entries[i].variable;
  }

  /** The slots as named tensors, for getWeights (the variables themselves, not copies). */
  named(): NamedTensor[] {
    return this.entries.filter((e) => e != null).map((e) => ({ name: e.originalName, tensor: e.variable }));
  }

  /** Replaces every slot by copies of `weights` (in gradient-list order). */
  restore(weights: NamedTensor[]): void {
    // New variables first: `weights` may be this slot's own variables (setWeights(getWeights())).
    const fresh = weights.map((w) => ({ originalName: w.name, variable: w.tensor.variable(false) }));
    this.dispose();
    this.entries = fresh;
  }

  dispose(): void {
    for (const e of this.entries) e?.variable.dispose();
    this.entries = [];
  }
}
