import type { NamedTensor } from './types.js';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One optimizer slot (a per-variable state tensor such as Adam's first moment), kept as tfjs
 * optimizers keep theirs: by position in the gradient list, named `<variable>/<suffix>`.
 * Slots are created lazily, filled with `init`, and are never trainable.
 */
export class Slot {
  private entries: { originalName: string; variable: tf.Variable }[] = [];
  /** How many slots the last {@link restore} put in (0: none, they are created as needed). */
  private restored = 0;

  constructor(
    readonly suffix: string,
    private readonly init = 0,
  ) {}

  /**
   * The slot of the i-th variable, created on first use.
   * @throws {Error} restored slots that do not fit the variables (the state of another model):
   *   a shape that differs, or more variables than restored slots.
   */
  get(i: number, v: tf.Variable): tf.Variable {
    const e = this.entries[i];
    if (e != null && !tf.util.arraysEqual(e.variable.shape, v.shape)) {
      throw new Error(
        `the restored slot '${e.originalName}' has shape [${e.variable.shape}] but variable ${i} ('${v.name}') has shape [${v.shape}]: the optimizer state comes from a model of another shape.`,
      );
    }
    if (e == null && this.restored > 0 && i >= this.restored) {
      throw new Error(
        `the restored optimizer state has ${this.restored} '${this.suffix}' slots but the step has more variables (variable ${i}, '${v.name}'): it comes from another model.`,
      );
    }
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
    this.restored = fresh.length;
  }

  dispose(): void {
    for (const e of this.entries) e?.variable.dispose();
    this.entries = [];
  }
}
