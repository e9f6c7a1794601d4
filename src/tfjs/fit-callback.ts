import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { STEP_REASONS, type StepReason } from '../core/reasons.js';
import { GeN } from './gen.js';

/** The log key of a reason's count in {@link StepLogger}'s epoch logs, e.g. `reason_ok`. */
export const reasonKey = (reason: StepReason): string => `reason_${reason}`;

/** The step size an optimizer applied last: `appliedStepSize` on this library's, `learningRate` on tfjs's own. */
function stepSizeOf(optimizer: tf.Optimizer | undefined): number | null {
  const o = optimizer as { appliedStepSize?: unknown; learningRate?: unknown } | undefined;
  if (typeof o?.appliedStepSize === 'number') return o.appliedStepSize;
  if (typeof o?.learningRate === 'number') return o.learningRate;
  return null;
}

/**
 * A `model.fit` callback that writes the step size into the logs, and so into
 * `history.history.lr` (as Keras's learning-rate callbacks do):
 *
 * - every batch's logs get `lr`, the step size applied at that batch (`appliedStepSize`);
 * - every epoch's logs get `lr`, the step size of its last batch, and, when the model's optimizer
 *   is {@link GeN}, one count per {@link StepReason} of that epoch's steps under the key
 *   `reason_<reason>` (every reason, zeros included, so each history column has one entry per epoch).
 *
 * ```ts
 * const history = await model.fit(xs, ys, { epochs: 5, callbacks: [new StepLogger()] });
 * history.history.lr;          // [0.0123, 0.0311, …]
 * history.history.reason_ok;   // [12, 9, …]
 * ```
 *
 * For other optimizers `lr` is their `appliedStepSize` (this library's) or `learningRate` (tfjs's).
 */
export class StepLogger extends tfl.Callback {
  private counts = new Map<StepReason, number>();

  /** Starts the epoch's reason counts at zero. */
  override async onEpochBegin(): Promise<void> {
    this.counts = new Map(STEP_REASONS.map((r) => [r, 0]));
  }

  /** Counts the step's reason (GeN) and writes `lr` into the batch's logs. */
  override async onBatchEnd(_batch: number, logs?: tfl.Logs): Promise<void> {
    const optimizer = this.model?.optimizer;
    if (optimizer instanceof GeN && optimizer.lastStep !== null) {
      const reason = optimizer.lastStep.reason;
      this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    }
    const lr = stepSizeOf(optimizer);
    if (logs !== undefined && lr !== null) logs.lr = lr;
  }

  /** Writes `lr` and (GeN) the `reason_<reason>` counts into the epoch's logs, which `History` records. */
  override async onEpochEnd(_epoch: number, logs?: tfl.Logs): Promise<void> {
    if (logs === undefined) return;
    const optimizer = this.model?.optimizer;
    const lr = stepSizeOf(optimizer);
    if (lr !== null) logs.lr = lr;
    if (optimizer instanceof GeN) for (const r of STEP_REASONS) logs[reasonKey(r)] = this.counts.get(r) ?? 0;
  }
}
