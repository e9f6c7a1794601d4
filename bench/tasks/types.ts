// What a benchmark task is: everything that defines it in one declarative place, plus a factory
// that builds a fresh model for a seed.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The training loss of one batch (its tensors live until `dispose`). */
export interface Batch {
  loss(): tf.Scalar;
  dispose(): void;
}

/** Metric values of one evaluation: always `loss`, plus the task's metric and any extras. */
export type Metrics = Record<string, number>;

/**
 * The tfjs-layers side of a task whose model is meant to be trained with `model.fit`: a runner
 * that supports it compiles `model` with the optimizer and `loss` and fits on `batch(step)`, one
 * batch per step. `TaskInstance.batch(step).loss()` is the same objective computed by applying
 * the model in training mode, for runners that call `optimizer.minimize` themselves.
 */
export interface LayersTraining {
  model: tfl.LayersModel;
  /** The loss to compile with (a tfjs-layers loss name). */
  loss: string;
  /** Inputs and targets of training batch `step`, in the shapes `model.fit` takes (the caller disposes them). */
  batch(step: number): { x: tf.Tensor; y: tf.Tensor };
}

/** A metric: a key of {@link Metrics}, its direction and how it is printed. */
export interface TaskMetric {
  name: string;
  higherIsBetter: boolean;
  format: 'percent' | 'number';
}

/**
 * Development tasks are the ones defaults may be chosen on; held-out tasks only judge the
 * defaults, and were fixed (data, model, budget, metric) before any choice was made on them.
 */
export type TaskSplit = 'development' | 'held-out';

/** A model built for one run. */
export interface TaskInstance {
  vars: tf.Variable[];
  /** The training batch of step `step` (batch order fixed by the run's seed). */
  batch(step: number): Batch;
  /**
   * A batch of the validation split for step `step`, of the task's batch size, in an order fixed by the run's seed
   * (the same objective as {@link batch}'s loss, on data never trained on): what the `probe: 'validation'` GeN
   * variants probe (docs/algorithm.md §14). Every task of the suite has one.
   */
  validationBatch?(step: number): Batch;
  /** Evaluates on the validation or the test split. */
  evaluate(split: 'val' | 'test'): Metrics;
  /** Present when the model is a tfjs-layers model meant for `model.fit` (see {@link LayersTraining}). */
  layers?: LayersTraining;
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
  metric: TaskMetric;
  /** Further metrics worth reporting next to the headline one (keys of the test {@link Metrics}). */
  secondaryMetrics?: TaskMetric[];
  /** Whether defaults may be chosen on this task ('development') or it only judges them ('held-out'). */
  split?: TaskSplit;
  /**
   * Examples in the test split: the unit the test metric averages over (images, reviews, rows,
   * ratings, context windows). An accuracy resolves to 100/testSize percentage points.
   */
  testSize?: number;
  /**
   * When the test examples come in groups that share their source (brown-genre's passages, 20 from each file), how
   * many groups there are and what one is. Examples of one group tend to be right or wrong together, so the test set
   * resolves the metric more coarsely than {@link testSize} says: an accuracy moves by 100/testSize points per
   * example, and by up to 100/count per group.
   */
  testGroups?: { count: number; unit: string };
  /** Evaluations on the validation split during a run. */
  evals: number;
  /** Whether the data comes with `npm ci` (the quick suite uses only these). */
  npmData: boolean;
  /** Builds a fresh model; loads data on first use (cached in-process). */
  create(seed: number): TaskInstance;
}
