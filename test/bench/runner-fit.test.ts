// The runner's model.fit path (tasks with `layers`, e.g. austen-lstm): one compile + fit over the
// run's batches in order, the optimizer told the run length by fit, a record per step, and no
// tensor left behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { AdamW, GeN } from '../../src/index.js';
import type { BuildContext, OptimizerConfig } from '../../bench/optimizers.js';
import { runOne } from '../../bench/runner.js';
import type { TaskSpec } from '../../bench/tasks/types.js';

const STEPS = 12;
/** The steps whose validation batch the runner built, and how many times a validation loss was computed. */
const validationSteps: number[] = [];
let validationLosses = 0;

/** A dense softmax classifier on 4 features, trained with model.fit. */
const fitTask: TaskSpec = {
  name: 'tiny-fit',
  family: 'tabular',
  description: 'tiny fit',
  data: 'synthetic',
  splitSeed: 1,
  batchSize: 8,
  steps: { quick: STEPS, full: STEPS },
  metric: { name: 'loss', higherIsBetter: false, format: 'number' },
  evals: 2,
  npmData: true,
  create(seed) {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [4],
          units: 3,
          activation: 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed }),
        }),
      ],
    });
    const batch = (step: number) =>
      tf.tidy(() => {
        const x = tf.randomNormal([8, 4], 0, 1, 'float32', 100 + step);
        const y = tf.cast(tf.oneHot(tf.cast(tf.argMax(tf.slice(x, [0, 0], [8, 3]), 1), 'int32'), 3), 'float32');
        return { x, y };
      });
    const lossOf = (b: { x: tf.Tensor; y: tf.Tensor }) =>
      tf.mean(tfl.metrics.categoricalCrossentropy(b.y, model.apply(b.x, { training: true }) as tf.Tensor)) as tf.Scalar;
    const evalSet = batch(999);
    return {
      vars: model.trainableWeights.map((w) => w.read() as tf.Variable),
      batch(step) {
        const b = batch(step);
        return { loss: () => lossOf(b), dispose: () => tf.dispose([b.x, b.y]) };
      },
      validationBatch(step) {
        validationSteps.push(step);
        const b = batch(1000 + step);
        return {
          loss: () => {
            validationLosses++;
            return lossOf(b);
          },
          dispose: () => tf.dispose([b.x, b.y]),
        };
      },
      evaluate: () => ({ loss: tf.tidy(() => lossOf(evalSet).dataSync()[0]) }),
      layers: { model, loss: 'categoricalCrossentropy', batch },
      dispose: () => {
        model.dispose();
        tf.dispose([evalSet.x, evalSet.y]);
      },
    };
  },
};

/** Runs GeN-AdamW built by `make` on the fit task; returns the record, the GeN and whether the tensor count held. */
async function runGeN(name: string, make: (ctx: BuildContext) => GeN, config: Record<string, unknown> = {}) {
  await tf.setBackend('cpu');
  let gen: GeN | null = null;
  const opt: OptimizerConfig = {
    optimizer: name,
    kind: 'gen',
    base: 'adamw',
    label: name,
    config,
    build: (ctx) => (gen = make(ctx)),
  };
  const before = tf.memory().numTensors;
  const r = await runOne({
    task: fitTask,
    opt,
    seed: 0,
    steps: STEPS,
    mode: 'quick',
    phase: 't',
    backend: 'cpu',
    versions: {},
  });
  return { r, gen: gen!, leaked: tf.memory().numTensors - before };
}

test('a layers task trains through model.fit: GeN learns the run length, every step is logged, no tensor is left', async () => {
  const { r, gen, leaked } = await runGeN('gen-adamw', (ctx) => {
    assert.equal(ctx.fit, true, 'the runner says the run trains through fit');
    return new GeN(new AdamW());
  });
  assert.equal(leaked, 0);
  assert.deepEqual(gen.horizon, { steps: STEPS, shape: 'cooldown', start: 0, on: 'step', warmUp: 0 });
  assert.equal(r.curve.step.at(-1), STEPS);
  assert.equal(
    Object.values(r.reasons ?? {}).reduce((a, b) => a + b, 0),
    STEPS,
    'one reason per step',
  );
  assert.equal(r.evals.length, 2);
  assert.ok(r.curve.loss.every(Number.isFinite));
  assert.ok(Number.isFinite(r.value) && !r.diverged);
  assert.equal(r.valueTrain, undefined, 'with a horizon GeN keeps no average: nothing is evaluated elsewhere');
});

test('under model.fit, a horizon given as { steps } over the run trains as the learned one, to the last bit', async () => {
  const learned = await runGeN('gen-adamw', () => new GeN(new AdamW()));
  const given = await runGeN('gen-adamw', (ctx) => new GeN(new AdamW(), { horizon: { steps: ctx.totalSteps } }));
  assert.deepEqual(given.gen.horizon, learned.gen.horizon);
  assert.equal(given.leaked + learned.leaked, 0);
  assert.equal(given.r.value, learned.r.value);
  assert.deepEqual(given.r.curve.loss, learned.r.curve.loss);
  assert.deepEqual(given.r.curve.lr, learned.r.curve.lr);
});

test('an anytime GeN run is evaluated at its iterate average and also records the metric at the trained weights', async () => {
  const { r, gen, leaked } = await runGeN('gen-adamw-anytime', () => new GeN(new AdamW(), { horizon: null }));
  assert.equal(leaked, 0);
  assert.equal(gen.horizon, null);
  assert.ok(Number.isFinite(r.value) && Number.isFinite(r.valueTrain!), `${r.value} and ${r.valueTrain}`);
  assert.notEqual(r.value, r.valueTrain, 'the average is not the last iterate');
});

test('a validation-probe GeN run builds one validation batch per step outside the step and probes it on refits only', async () => {
  validationSteps.length = 0;
  validationLosses = 0;
  const { r, gen, leaked } = await runGeN(
    'gen-adamw-val',
    (ctx) => new GeN(new AdamW(), { probeLoss: ctx.validationBatchLoss }),
    { probe: 'validation' },
  );
  assert.equal(leaked, 0, 'the last validation batch is disposed with the run');
  assert.deepEqual(
    validationSteps,
    Array.from({ length: STEPS }, (_, i) => i),
    'one batch per step, in order',
  );
  const refits = STEPS - (r.reasons?.skipped ?? 0);
  // Each refit measures L(0) and the two probe points on the validation batch: three losses.
  assert.equal(validationLosses, 3 * refits, `${validationLosses} validation losses for ${refits} refits`);
  assert.ok(refits > 0 && refits < STEPS, `${refits} refits`);
  assert.ok(Number.isFinite(r.value) && !r.diverged);
  assert.equal(gen.options.probeLoss !== null, true);
});

test('a validation-probe run on a task without validation batches is refused by name, leaving no tensor', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const noValidation: TaskSpec = {
    ...fitTask,
    name: 'tiny-fit-no-val',
    create(seed) {
      const { validationBatch: _validationBatch, ...rest } = fitTask.create(seed);
      return rest;
    },
  };
  const opt: OptimizerConfig = {
    optimizer: 'gen-adamw-val',
    kind: 'gen',
    base: 'adamw',
    label: 'val',
    config: { probe: 'validation' },
    build: (ctx) => new GeN(new AdamW(), { probeLoss: ctx.validationBatchLoss }),
  };
  await assert.rejects(
    runOne({ task: noValidation, opt, seed: 0, steps: STEPS, mode: 'quick', phase: 't', backend: 'cpu', versions: {} }),
    /task tiny-fit-no-val has no validationBatch, which gen-adamw-val's probes need/,
  );
  assert.equal(tf.memory().numTensors, before, 'the model is disposed');
});

test('a run with validation reports reports the validation loss at evenly spaced steps, the last one excluded', async () => {
  const { r, gen, leaked } = await runGeN('gen-adamw-valdecay', () => new GeN(new AdamW()), { validationReports: 4 });
  assert.equal(leaked, 0);
  const at = [1, 2, 3].map((i) => Math.round((i * STEPS) / 4));
  assert.deepEqual(
    r.validationReports!.map((v) => v.step),
    at,
  );
  const losses = r.validationReports!.map((v) => v.loss);
  assert.ok(losses.every(Number.isFinite), `${losses}`);
  assert.equal(gen.controllerState.validationBest, Math.min(...losses));
  assert.equal(r.validationReports!.at(-1)!.scale, gen.controllerState.validationScale);
  assert.equal(r.validationReports!.at(-1)!.factorOpen, gen.controllerState.stepFactorOpen);
});

test('an anytime run reports the validation loss at its trained weights, not at its iterate average', async () => {
  // The average never feeds back into the run, so with reports at the trained weights a run with one and a run
  // without one report the same losses; reports taken at the average would differ.
  const make = (iterateAverage: number | null) => () => new GeN(new AdamW(), { horizon: null, iterateAverage });
  const averaged = await runGeN('gen-adamw-anytime', make(8), { validationReports: 4 });
  const plain = await runGeN('gen-adamw-anytime', make(null), { validationReports: 4 });
  assert.equal(averaged.leaked, 0);
  assert.equal(plain.leaked, 0);
  assert.equal(averaged.gen.options.iterateAverage, 8);
  assert.deepEqual(
    averaged.r.validationReports!.map((v) => v.loss),
    plain.r.validationReports!.map((v) => v.loss),
  );
  assert.notEqual(averaged.r.value, plain.r.value, "the evaluated metric is the average's");
});

test('validation reports for an optimizer that cannot take them are refused by name, leaving no tensor', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const opt: OptimizerConfig = {
    optimizer: 'adam-reports',
    kind: 'grid',
    base: 'adamw',
    label: 'adam',
    config: { validationReports: 4 },
    build: () => tf.train.adam(1e-3),
  };
  await assert.rejects(
    runOne({ task: fitTask, opt, seed: 0, steps: STEPS, mode: 'quick', phase: 't', backend: 'cpu', versions: {} }),
    /adam-reports asks for validation reports, but its optimizer has no reportValidationLoss/,
  );
  assert.equal(tf.memory().numTensors, before, 'the model and the optimizer are disposed');
});
