// The fused LSTM step (kernels/lstm-gates.ts, kernels/lstm-cell.ts): the gate kernels against
// the same math written with tfjs ops on `cpu`, forward and gradients through `tf.grads`; whole
// `tf.layers.lstm` models on `wasm` (fused) against `cpu` (stock cell); and when the fused path is
// taken (one gate kernel per time step) or not (dropout, other activations, stock kernels).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerWasmKernels, unregisterWasmKernels } from '../../src/backend/index.js';
import { LSTM_GATES, type GateMode } from '../../src/backend/kernels/lstm-gates.js';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import { bothBackends, onWasmAndCpu, rand, recurrentGradientStep, REL_TOL, tf, worstRelError } from './helpers.js';

before(bothBackends);

/** The gate block with tfjs ops, as tfjs-layers' LSTMCell computes it: the oracle. */
function gatesWithOps(z: tf.Tensor, c: tf.Tensor, mode: GateMode): [tf.Tensor, tf.Tensor] {
  const sigma = (x: tf.Tensor) => (mode === 0 ? tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1) : tf.sigmoid(x));
  const [zi, zf, zg, zo] = tf.split(z, 4, 1);
  const cNew = tf.add(tf.mul(sigma(zf), c), tf.mul(sigma(zi), tf.tanh(zg)));
  return [tf.mul(sigma(zo), tf.tanh(cNew)), cNew];
}

const gatesFused = (z: tf.Tensor, c: tf.Tensor, mode: GateMode) =>
  tf.engine().runKernel(LSTM_GATES, { z, c }, { mode }) as [tf.Tensor, tf.Tensor];

/** h, c and the gradients of Σ h·a + Σ c·b with respect to z and c₋, on the active backend. */
function gatesAndGradients(fused: boolean, mode: GateMode, rows: number, units: number): tf.Tensor[] {
  // z spans ±6, so hard sigmoids clip on both sides and tanh saturates in places.
  const z = tf.mul(rand([rows, 4 * units], 1), 6);
  const c = tf.mul(rand([rows, units], 2), 2);
  const a = rand([rows, units], 3);
  const b = rand([rows, units], 4);
  const gates = fused ? gatesFused : gatesWithOps;
  const [h, cNew] = gates(z, c, mode);
  const loss = (zz: tf.Tensor, cc: tf.Tensor) => {
    const [hh, cn] = gates(zz, cc, mode);
    return tf.add(tf.sum(tf.mul(hh, a)), tf.sum(tf.mul(cn, b))) as tf.Scalar;
  };
  const [dz, dc] = tf.grads(loss)([z, c]);
  return [h, cNew, dz, dc];
}

for (const mode of [0, 1] as const) {
  const name = mode === 0 ? 'hard sigmoid' : 'logistic sigmoid';
  describe(`LSTM gate kernels, ${name} gates`, () => {
    for (const simd of [true, false]) {
      test(`match the unfused ops on cpu, forward and both gradients, to ${REL_TOL} relative (${simd ? 'SIMD tanh' : 'TypeScript fallback'})`, async () => {
        setSimdEnabled(simd);
        try {
          const r = await onWasmAndCpu(() => {
            const fused = tf.getBackend() === 'wasm';
            return gatesAndGradients(fused, mode, 6, 9);
          });
          const labels = ['h', 'c', 'dz', 'dc₋'];
          r.wasm.forEach((w, i) => {
            const e = worstRelError({ wasm: [w], cpu: [r.cpu[i]] });
            assert.ok(e <= REL_TOL, `${labels[i]}: relative error ${e}`);
          });
        } finally {
          setSimdEnabled(true);
        }
      });
    }
  });
}

/** Seeded weights, so that both backends build the same model. */
function seedWeights(layer: tf.LayersModel | tf.layers.Layer, seed: number): void {
  const weights = tf.tidy(() => layer.getWeights().map((w, i) => tf.mul(rand(w.shape, seed + i), 0.8)));
  layer.setWeights(weights);
  tf.dispose(weights);
}

/** A two-layer LSTM classifier over 4 steps; its loss and every gradient on the active backend. */
function lstmLossAndGradients(cell: { recurrentActivation?: string; dropout?: number }): tf.Tensor[] {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ inputShape: [4, 3], units: 5, returnSequences: true, ...cell } as never),
      tf.layers.lstm({ units: 5, ...cell } as never),
      tf.layers.dense({ units: 2 }),
    ],
  });
  seedWeights(model, 10);
  const x = tf.mul(rand([7, 4, 3], 20), 2);
  const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0, 0], 'int32'), 2);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    vars,
  );
  const out = [value, ...vars.map((v) => grads[v.name])];
  model.dispose();
  tf.dispose([x, y]);
  return out;
}

/** Gate kernel calls while `f` runs. */
async function gateCalls(f: () => void): Promise<number> {
  const info = await tf.profile(() => tf.tidy(f));
  return info.kernels.filter((k) => k.name === LSTM_GATES).length;
}

describe('tf.layers.lstm on wasm', () => {
  for (const recurrentActivation of ['hardSigmoid', 'sigmoid']) {
    test(`with ${recurrentActivation} gates: loss and every gradient match the stock cell on cpu to ${REL_TOL}`, async () => {
      const r = await onWasmAndCpu(() => lstmLossAndGradients({ recurrentActivation }));
      assert.equal(r.wasm.length, 1 + 2 * 3 + 2);
      assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
    });
  }

  test('runs one gate kernel per layer and time step, forward only', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [tf.layers.lstm({ inputShape: [6, 3], units: 4, returnSequences: true }), tf.layers.lstm({ units: 4 })],
    });
    const x = rand([2, 6, 3], 30);
    assert.equal(await gateCalls(() => void model.apply(x)), 2 * 6);
    model.dispose();
    x.dispose();
  });

  test('keeps the stock cell with dropout, with another activation, and with the stock kernels', async () => {
    await tf.setBackend('wasm');
    const x = rand([2, 3, 3], 31);
    const calls = async (o: object) => {
      const layer = tf.layers.lstm({ units: 4, ...o });
      const n = await gateCalls(() => void layer.apply(x, { training: true }));
      layer.dispose();
      return n;
    };
    assert.equal(await calls({ dropout: 0.5 }), 0);
    assert.equal(await calls({ recurrentDropout: 0.5 }), 0);
    assert.equal(await calls({ activation: 'relu' }), 0);
    assert.equal(await calls({ recurrentActivation: 'tanh' }), 0);
    unregisterWasmKernels();
    try {
      assert.equal(await calls({}), 0);
    } finally {
      registerWasmKernels();
    }
    assert.equal(await calls({}), 3);
    x.dispose();
  });

  test('a dropout LSTM still matches cpu in inference (the stock path, fused kernels registered)', async () => {
    const r = await onWasmAndCpu(() => {
      const layer = tf.layers.lstm({ units: 3, dropout: 0.3, returnSequences: true });
      const x = tf.mul(rand([2, 4, 3], 40), 2);
      tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
      seedWeights(layer, 50);
      const out = layer.apply(x) as tf.Tensor;
      layer.dispose();
      return out;
    });
    assert.ok(worstRelError(r) <= REL_TOL);
  });

  test('leaves no tensor behind over repeated gradient steps of a layer', async () => {
    await tf.setBackend('wasm');
    const { step, dispose } = recurrentGradientStep('lstm');
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(await gateCalls(step), 4, 'one gate kernel per time step');
    dispose();
  });
});
