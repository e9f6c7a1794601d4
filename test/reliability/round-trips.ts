// Save points at random steps (mid calibration, between refits) for the three save paths, with
// bit-identical continuation as the criterion: getWeights/setWeights on the optimizer itself, into
// a fresh instance, and model.save({ includeOptimizer }) + tf.loadLayersModel.
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Entry } from './optimizers.js';
import type { Tally } from './fault-suite.js';

/** A tfjs-layers model of the reliability problem's shape (3→2 dense), its loss and variables. */
function modelProblem(from?: tfl.LayersModel) {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
  const init = from
    ? from.getWeights()
    : [tf.tensor2d([0.3, -0.2, 0.5, 0.1, -0.4, 0.2], [3, 2]), tf.tensor1d([0.1, -0.1])];
  m.setWeights(init);
  if (!from) tf.dispose(init);
  else tf.dispose(init);
  return withLoss(m);
}

function withLoss(m: tfl.LayersModel) {
  const x = tf.tensor2d(
    Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i)),
    [8, 3],
  );
  const y = tf.tensor2d(
    Array.from({ length: 16 }, (_, i) => Math.cos(0.9 * i)),
    [8, 2],
  );
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () => tf.mean(tf.square(tf.sub(m.apply(x) as tf.Tensor, y))) as tf.Scalar;
  const values = () => vars.map((v) => Array.from(v.dataSync()));
  return { m, vars, loss, values, dispose: () => (tf.dispose([x, y]), m.dispose()) };
}

const same = (a: number[][], b: number[][]) =>
  a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => Object.is(v, b[i][j])));

async function saveAndLoad(m: tfl.LayersModel): Promise<tfl.LayersModel> {
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      art = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return tfl.loadLayersModel(tf.io.fromMemory(art!));
}

/**
 * For `e`: one reference run of `total` steps, and at each of `splits` random split points the
 * three round trips, each continued `after` steps and compared bit for bit with the reference.
 */
export async function roundTrips(e: Entry, splits: number, total: number, after: number, seed: number, t: Tally) {
  const points = [...new Set(fc.sample(fc.integer({ min: 0, max: total - after }), { numRuns: splits * 3, seed }))]
    .slice(0, splits)
    .sort((a, b) => a - b);
  // Reference run: record the weights after every step.
  const ref = modelProblem();
  const refOpt = e.make();
  const trace: number[][][] = [ref.values()];
  for (let s = 0; s < total; s++) {
    refOpt.minimize(ref.loss, false, ref.vars);
    trace.push(ref.values());
  }
  // The run that is saved and restored at the split points.
  const run = modelProblem();
  const opt = e.make();
  run.m.compile({ optimizer: opt, loss: 'meanSquaredError' });
  let step = 0;
  for (const k of points) {
    for (; step < k; step++) opt.minimize(run.loss, false, run.vars);
    // 1. fresh instance, fresh model with the same weights
    t.cases++;
    {
      const copy = withLoss(await cloneModel(run.m));
      const fresh = e.make();
      try {
        await fresh.setWeights((await opt.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
        for (let i = 0; i < after; i++) fresh.minimize(copy.loss, false, copy.vars);
        if (!same(copy.values(), trace[k + after])) failT(t, `${e.name} fresh instance at step ${k}: differs`);
      } catch (err) {
        failT(t, `${e.name} fresh instance at step ${k}: ${(err as Error).message}`);
      }
      fresh.dispose();
      copy.dispose();
    }
    // 2. model.save + loadLayersModel
    t.cases++;
    try {
      const back = withLoss(await saveAndLoad(run.m));
      for (let i = 0; i < after; i++) back.m.optimizer.minimize(back.loss, false, back.vars);
      if (!same(back.values(), trace[k + after])) failT(t, `${e.name} model.save at step ${k}: differs`);
      back.m.optimizer.dispose();
      back.dispose();
    } catch (err) {
      failT(t, `${e.name} model.save at step ${k}: ${(err as Error).message}`);
    }
    // 3. on itself (the run goes on from here, checked at the end)
    t.cases++;
    await opt.setWeights(await opt.getWeights());
  }
  for (; step < total; step++) opt.minimize(run.loss, false, run.vars);
  if (!same(run.values(), trace[total]))
    failT(t, `${e.name} setWeights(getWeights()) at ${points.join(', ')}: differs`);
  opt.dispose();
  refOpt.dispose();
  run.dispose();
  ref.dispose();
  return points;
}

async function cloneModel(m: tfl.LayersModel): Promise<tfl.LayersModel> {
  const c = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
  const w = m.getWeights();
  c.setWeights(w);
  return c;
}

function failT(t: Tally, what: string) {
  t.failures++;
  if (t.examples.length < 10) t.examples.push(what);
}
