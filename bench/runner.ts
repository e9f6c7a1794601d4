// Runs one (task, optimizer configuration, seed): trains for the step budget, logs the loss and the
// applied lr every k steps, evaluates on the validation split a few times and on both splits at the
// end, and returns the record. Probes of GeN may use the next batch, which the loop builds one step
// ahead anyway, or a validation batch of the step (built for the variants whose probes use one).
import * as tf from '@tensorflow/tfjs-core';
import { GeN } from '../src/index.js';
import type { OptimizerConfig } from './optimizers.js';
import { benchGitState } from './provenance.js';
import { runKey, type RunRecord } from './results.js';
import type { Batch, LayersTraining, TaskSpec } from './tasks/types.js';

/** Progress of a run, reported every few steps. */
export interface StepProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  elapsedMs: number;
}

export interface RunOptions {
  task: TaskSpec;
  opt: OptimizerConfig;
  seed: number;
  steps: number;
  mode: 'quick' | 'full';
  phase: string;
  backend: string;
  versions: Record<string, string>;
  onProgress?: (p: StepProgress) => void;
  /** Evaluate during and after the run (default true; a priming run skips it). */
  evaluate?: boolean;
}

/** An optimizer with an eval mode (Schedule-Free, GeN's iterate average): `eval()` false means nothing was swapped. */
type Switchable = tf.Optimizer & {
  eval?: () => boolean | void;
  train?: () => void;
  appliedStepSize?: unknown;
  reportValidationLoss?: (loss: number) => { decayed: boolean; validationScale: number; stepFactorOpen?: boolean };
};

/** The step size an optimizer applied at its last step: every optimizer of the library says so; tfjs's do not (NaN). */
function appliedLr(o: Switchable): number {
  const v = o.appliedStepSize;
  return typeof v === 'number' ? v : NaN;
}

/**
 * Trains a tfjs-layers model the way its users do: `model.compile` with the optimizer, then one
 * `model.fit` over the run's batches in order (epochs 1, no shuffling), so the optimizer sees
 * exactly the calls and the run length that `fit` gives it. Resolves to the training time in ms
 * (evaluations excluded).
 */
export async function fitSteps(
  layers: LayersTraining,
  optimizer: tf.Optimizer,
  steps: number,
  batchSize: number,
  beforeStep: (step: number) => void,
  afterStep: (step: number, loss: number) => boolean,
): Promise<number> {
  const batches = Array.from({ length: steps }, (_, i) => layers.batch(i));
  const x = tf.concat(batches.map((b) => b.x));
  const y = tf.concat(batches.map((b) => b.y));
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  layers.model.compile({ optimizer, loss: layers.loss });
  let trainMs = 0;
  let s0 = 0;
  try {
    await layers.model.fit(x, y, {
      batchSize,
      epochs: 1,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchBegin: async (batch) => {
          beforeStep(batch);
          s0 = performance.now();
        },
        onBatchEnd: async (batch, logs) => {
          trainMs += performance.now() - s0;
          if (!afterStep(batch, Number(logs?.loss ?? NaN))) layers.model.stopTraining = true;
        },
      },
    });
  } finally {
    tf.dispose([x, y]);
  }
  return trainMs;
}

export async function runOne(o: RunOptions): Promise<RunRecord> {
  const { task, opt, seed, steps } = o;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const model = task.create(seed);
  const logEvery = Math.max(1, Math.round(steps / 100));
  const evalAt = new Set(
    Array.from(
      { length: o.evaluate === false ? 0 : task.evals },
      (_, i) => Math.round(((i + 1) * steps) / task.evals) - 1,
    ),
  );
  // The steps after which the validation loss is reported to GeN (`validationReports`; the last step excluded).
  const reports = typeof opt.config.validationReports === 'number' ? opt.config.validationReports : 0;
  const reportAt = new Set(Array.from({ length: reports }, (_, i) => Math.round(((i + 1) * steps) / reports) - 1));
  reportAt.delete(steps - 1);
  // The step's validation batch, for the validation-probe GeN variants: built before the step, outside its tidy,
  // as `next` is (a batch built inside the step would be disposed with the step's temporaries).
  const usesValidation = opt.config.probe === 'validation';
  if (usesValidation && !model.validationBatch) {
    model.dispose();
    throw new Error(`task ${task.name} has no validationBatch, which ${opt.optimizer}'s probes need`);
  }
  let next: Batch = model.batch(0);
  let validation: Batch | null = null;
  const prepareValidation = (step: number) => {
    if (!usesValidation) return;
    validation?.dispose();
    validation = model.validationBatch!(step);
  };
  const validationBatchLoss = () => {
    if (validation === null) throw new Error('no validation batch was prepared for this step');
    return validation.loss();
  };
  const optimizer = opt.build({
    totalSteps: steps,
    fit: model.layers !== undefined,
    nextBatchLoss: () => next.loss(),
    validationBatchLoss,
  }) as Switchable;
  const curve: RunRecord['curve'] = { step: [], loss: [], lr: [], ms: [] };
  const evals: RunRecord['evals'] = [];
  const validationReports: NonNullable<RunRecord['validationReports']> = [];
  const reasons: Record<string, number> | null = optimizer instanceof GeN ? {} : null;
  let block = 0;
  let blockN = 0;
  let trainMs = 0;
  let diverged = false;
  /** Whether the last evaluation ran at weights other than the trained ones (an eval mode that swapped). */
  let evaluatedElsewhere = false;
  const evaluate = (split: 'val' | 'test') => {
    evaluatedElsewhere = optimizer.eval !== undefined && optimizer.eval() !== false;
    const m = model.evaluate(split);
    optimizer.train?.();
    return m;
  };
  /** After each step: log, check for divergence, evaluate; false stops the run. */
  const afterStep = (step: number, loss: number): boolean => {
    if (reasons && optimizer instanceof GeN && optimizer.lastStep)
      reasons[optimizer.lastStep.reason] = (reasons[optimizer.lastStep.reason] ?? 0) + 1;
    block += loss;
    blockN++;
    const lr = appliedLr(optimizer);
    if ((step + 1) % logEvery === 0 || step === steps - 1) {
      curve.step.push(step + 1);
      curve.loss.push(block / blockN);
      curve.lr.push(lr);
      curve.ms.push(performance.now() - t0);
      o.onProgress?.({ step: step + 1, steps, loss: block / blockN, lr, elapsedMs: performance.now() - t0 });
      block = 0;
      blockN = 0;
    }
    if (!Number.isFinite(loss) || loss > 1e6) {
      diverged = true;
      return false;
    }
    if (evalAt.has(step)) evals.push({ step: step + 1, ms: performance.now() - t0, metrics: evaluate('val') });
    if (reportAt.has(step)) {
      // At the trained weights, never an eval mode's (the iterate average of the anytime mode): the step-factor gate
      // compares this loss with the training loss at the same weights (docs/algorithm.md §19, §20).
      const loss = model.evaluate('val').loss;
      if (loss === undefined)
        throw new Error(`task ${task.name} reports no validation loss, which ${opt.optimizer} needs`);
      const { decayed, validationScale, stepFactorOpen } = optimizer.reportValidationLoss!(loss);
      validationReports.push({
        step: step + 1,
        loss,
        decayed,
        scale: validationScale,
        ...(stepFactorOpen !== undefined ? { factorOpen: stepFactorOpen } : {}),
      });
    }
    return true;
  };
  try {
    if (reports > 0 && !optimizer.reportValidationLoss) {
      throw new Error(`${opt.optimizer} asks for validation reports, but its optimizer has no reportValidationLoss`);
    }
    if (model.layers) {
      // The batch after this one, for the probes of the GeN variants that use it (`nextBatchLoss`).
      const advance = (step: number) => {
        next.dispose();
        next = model.batch(step + 1);
        prepareValidation(step);
      };
      trainMs = await fitSteps(model.layers, optimizer, steps, task.batchSize, advance, afterStep);
    } else {
      for (let step = 0; step < steps; step++) {
        const current = next;
        next = model.batch(step + 1);
        prepareValidation(step);
        const s0 = performance.now();
        const lossT = tf.tidy(() => optimizer.minimize(() => current.loss(), true, model.vars) as tf.Scalar);
        const loss = lossT ? lossT.dataSync()[0] : NaN;
        trainMs += performance.now() - s0;
        lossT?.dispose();
        current.dispose();
        if (!afterStep(step, loss)) break;
      }
    }
    const final = o.evaluate === false ? { val: {}, test: {} } : { val: evaluate('val'), test: evaluate('test') };
    const value = final.test[task.metric.name];
    // The same test metric at the trained weights, where the evaluated ones differ: a paired baseline on one run.
    const valueTrain =
      o.evaluate !== false && evaluatedElsewhere ? model.evaluate('test')[task.metric.name] : undefined;
    const { split, testSize } = task;
    const record: RunRecord = {
      kind: 'run',
      key: runKey({ task: task.name, optimizer: opt.optimizer, config: opt.config, seed, steps, phase: o.phase }),
      task: task.name,
      optimizer: opt.optimizer,
      optimizerKind: opt.kind,
      base: opt.base,
      label: opt.label,
      config: opt.config,
      seed,
      phase: o.phase,
      mode: o.mode,
      steps,
      batchSize: task.batchSize,
      metric: { name: task.metric.name, higherIsBetter: task.metric.higherIsBetter },
      versions: o.versions,
      backend: o.backend,
      startedAt,
      curve,
      evals,
      ...(reports > 0 ? { validationReports } : {}),
      final,
      value: diverged || !Number.isFinite(value) ? NaN : value,
      ...(valueTrain !== undefined ? { valueTrain: diverged || !Number.isFinite(valueTrain) ? NaN : valueTrain } : {}),
      wallMs: performance.now() - t0,
      trainMs,
      reasons,
      diverged: diverged || !Number.isFinite(value),
      ...benchGitState(),
      ...(split !== undefined ? { taskSplit: split } : {}),
      ...(testSize !== undefined ? { testSize } : {}),
    };
    return record;
  } finally {
    next.dispose();
    (validation as Batch | null)?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
