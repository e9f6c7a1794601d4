// What a benchmark task is: everything that defines it in one declarative place, plus a factory
// that builds a fresh model for a seed.
import type * as tf from '@tensorflow/tfjs-core';

/** The training loss of one batch (its tensors live until `dispose`). */
export interface Batch {
  loss(): tf.Scalar;
  dispose(): void;
}

/** Metric values of one evaluation: always `loss`, plus the task's metric and any extras. */
export type Metrics = Record<string, number>;

/** A model built for one run. */
export interface TaskInstance {
  vars: tf.Variable[];
  /** The training batch of step `step` (batch order fixed by the run's seed). */
  batch(step: number): Batch;
  /** Evaluates on the validation or the test split. */
  evaluate(split: 'val' | 'test'): Metrics;
  dispose(): void;
}

/** A benchmark task. */
export interface TaskSpec {
  name: string;
  /** Task family of the paper this one stands for. */
  family: 'image' | 'language' | 'recommendation' | 'tabular';
  description: string;
  /** Where the data comes from, and how it is installed. */
  data: string;
  /** Seed of the train/validation/test split (fixed for the task; the run seed changes init and batch order). */
  splitSeed: number;
  batchSize: number;
  /** Step budget per mode. */
  steps: { quick: number; full: number };
  /** The reported metric (a key of {@link Metrics}) and its direction. */
  metric: { name: string; higherIsBetter: boolean; format: 'percent' | 'number' };
  /** Evaluations on the validation split during a run. */
  evals: number;
  /** Whether the data comes with `npm ci` (the quick suite uses only these). */
  npmData: boolean;
  /** Builds a fresh model; loads data on first use (cached in-process). */
  create(seed: number): TaskInstance;
}
