import type * as tf from '@tensorflow/tfjs-core';
import { restore, snapshot } from './params.js';
import { StateSnapshot } from './state-snapshot.js';

/**
 * One optimizer step as a transaction: if anything in it throws (the loss closure, a probe, the
 * base optimizer, a callback), {@link StepTransaction.rollback} puts the weights and the base
 * optimizer's state back bit-exactly and disposes the step's tensors, so the caller can catch the
 * error and carry on as if the step had never been attempted.
 *
 * Nothing is copied: the base's state and the weights are held by zero-copy references (see
 * {@link StateSnapshot}), each taken right before its first write, not at the start of the step:
 * tfjs counts a reference's bytes in `tf.memory().numBytes`, and taken early they would sit on
 * top of the backward pass's peak. The old buffers live until the step commits. The owner's own
 * host-side fields are saved and restored by the owner.
 */
export class StepTransaction {
  private base: StateSnapshot | null = null;
  private weights: { variables: readonly tf.Variable[]; values: tf.Tensor[] } | null = null;
  private readonly temporaries: tf.Tensor[][] = [];

  /** `stateOwners` (e.g. the base optimizer) are captured by {@link StepTransaction.beforeBaseStep}. */
  constructor(private readonly stateOwners: readonly object[]) {}

  /** Tensors of this step that are disposed when it rolls back (those already disposed are skipped). */
  track<T extends tf.Tensor[]>(tensors: T): T {
    this.temporaries.push(tensors);
    return tensors;
  }

  /** Call before the base optimizer updates its state: keeps that state (once per step). */
  beforeBaseStep(): void {
    this.base ??= StateSnapshot.capture(this.stateOwners);
  }

  /** Call before writing the weights: keeps their current values (once per step). */
  beforeWrite(variables: readonly tf.Variable[]): void {
    if (this.weights === null) this.weights = { variables, values: snapshot(variables) };
  }

  /** The step succeeded: drops the references. */
  commit(): void {
    this.base?.release();
    this.base = null;
    if (this.weights !== null) for (const t of this.weights.values) t.dispose();
    this.weights = null;
  }

  /** The step failed: restores the weights and the base's state and disposes the step's tensors. */
  rollback(): void {
    if (this.weights !== null) restore(this.weights.variables, this.weights.values);
    this.weights = null;
    this.base?.restore();
    this.base = null;
    for (const list of this.temporaries) for (const t of list) t.dispose();
  }
}
