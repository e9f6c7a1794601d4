import * as tfl from '@tensorflow/tfjs-layers';

/**
 * `model.fit` and `trainOnBatch` call `optimizer.minimize(closure)` with a closure that, on
 * every call, computes each compiled metric, `tf.keep`s it and pushes it onto an array that
 * becomes the batch's outputs (tfjs-layers `makeTrainFunction`). Probe calls would add extra,
 * leaked metric tensors and change what `trainOnBatch` returns. This hook records which model
 * is training, so that GeN can switch the model's metrics off for the duration of a probe call.
 */
const HOOKED = Symbol.for('gen-optim.layersHook');
let current: tfl.LayersModel | null = null;

interface TrainableModel {
  makeTrainFunction(): (data: unknown[]) => unknown[];
  metricsTensors?: unknown[];
}

/** The method an optimizer implements to hear how many steps `model.fit` is about to take. */
export const LEARN_RUN_LENGTH = Symbol.for('gen-optim.learnRunLength');

interface FitArgs {
  batchSize?: number;
  epochs?: number;
  initialEpoch?: number;
  validationSplit?: number;
  batchesPerEpoch?: number;
}

type Fittable = {
  optimizer?: { [LEARN_RUN_LENGTH]?: (steps: number) => void };
  fit(x: unknown, y: unknown, args?: FitArgs): Promise<unknown>;
  fitDataset(dataset: unknown, args: FitArgs): Promise<unknown>;
};

/** Examples in the first input of `fit` (a tensor, an array of tensors or a name → tensor map); NaN if unknown. */
function exampleCount(x: unknown): number {
  const first = (v: unknown): unknown =>
    Array.isArray(v) ? v[0] : v !== null && typeof v === 'object' && !('shape' in v) ? Object.values(v)[0] : v;
  const t = first(x) as { shape?: number[] } | undefined;
  return Array.isArray(t?.shape) ? t.shape[0] : NaN;
}

/**
 * The number of optimizer steps of `model.fit(x, y, args)`: (epochs − initialEpoch) ×
 * ⌈training examples / batchSize⌉, with tfjs-layers' defaults (batchSize 32, epochs 1) and the
 * examples that `validationSplit` holds out removed; NaN when it cannot be told.
 */
export function fitSteps(x: unknown, args: FitArgs = {}): number {
  const n = exampleCount(x);
  const train = args.validationSplit ? Math.floor(n * (1 - args.validationSplit)) : n;
  return Math.max((args.epochs ?? 1) - (args.initialEpoch ?? 0), 0) * Math.ceil(train / (args.batchSize ?? 32));
}

/** Steps of `model.fitDataset(ds, args)`: (epochs − initialEpoch) × batchesPerEpoch; NaN without `batchesPerEpoch`. */
export function fitDatasetSteps(args: FitArgs): number {
  return args.batchesPerEpoch === undefined
    ? NaN
    : Math.max((args.epochs ?? 1) - (args.initialEpoch ?? 0), 0) * args.batchesPerEpoch;
}

/**
 * Patches `LayersModel.prototype.makeTrainFunction` (metrics off during probes) and `fit` /
 * `fitDataset` (tell the compiled optimizer the run length, for horizon 'auto') once (idempotent).
 */
export function installLayersHook(): void {
  const proto = tfl.LayersModel.prototype as unknown as TrainableModel & Fittable & { [HOOKED]?: boolean };
  if (proto[HOOKED]) return;
  const { fit, fitDataset } = proto;
  proto.fit = function (this: Fittable, x: unknown, y: unknown, args?: FitArgs) {
    this.optimizer?.[LEARN_RUN_LENGTH]?.(fitSteps(x, args));
    return fit.call(this, x, y, args);
  };
  proto.fitDataset = function (this: Fittable, dataset: unknown, args: FitArgs) {
    this.optimizer?.[LEARN_RUN_LENGTH]?.(fitDatasetSteps(args));
    return fitDataset.call(this, dataset, args);
  };
  const original = proto.makeTrainFunction;
  proto.makeTrainFunction = function (this: tfl.LayersModel) {
    const train = original.call(this);
    const model = this as tfl.LayersModel; // remembered while this model's train function runs
    return (data: unknown[]) => {
      const previous = current;
      current = model;
      try {
        return train(data);
      } finally {
        current = previous;
      }
    };
  };
  proto[HOOKED] = true;
}

/** Runs `fn` with the compiled metrics of the model now training (if any) switched off. */
export function withoutMetrics<T>(fn: () => T): T {
  const model = current as unknown as TrainableModel | null;
  if (model == null || !Array.isArray(model.metricsTensors) || model.metricsTensors.length === 0) return fn();
  const metrics = model.metricsTensors;
  model.metricsTensors = [];
  try {
    return fn();
  } finally {
    model.metricsTensors = metrics;
  }
}
