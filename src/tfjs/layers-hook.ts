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

/** Patches `LayersModel.prototype.makeTrainFunction` once (idempotent). */
export function installLayersHook(): void {
  const proto = tfl.LayersModel.prototype as unknown as TrainableModel & { [HOOKED]?: boolean };
  if (proto[HOOKED]) return;
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
