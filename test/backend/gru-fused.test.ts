// The fused GRU step (kernels/gru-gates.ts, kernels/gru-cell.ts): one step against the same math
// written with tfjs ops on `cpu`, output and the gradients with respect to every input through
// `tf.grads`; whole `tf.layers.gru` models on `wasm` (fused) against `cpu` (stock cell); and when
// the fused path is taken.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU_A, GRU_B } from '../../src/backend/kernels/gru-gates.js';
import type { GateMode } from '../../src/backend/kernels/lstm-gates.js';
import { setSimdEnabled } from '../../src/backend/kernels/simd.js';
import { bothBackends, onWasmAndCpu, rand, recurrentGradientStep, REL_TOL, tf, worstRelError } from './helpers.js';

before(bothBackends);

/** One GRU step from mx = x·W + b, h₋, U, as tfjs-layers' GRUCell computes it. */
function stepWithOps(mx: tf.Tensor, h: tf.Tensor, u: tf.Tensor, mode: GateMode): tf.Tensor {
  const sigma = (x: tf.Tensor) => (mode === 0 ? tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1) : tf.sigmoid(x));
  const units = h.shape[1]!;
  const [u1, u2] = tf.split(u, [2 * units, units], 1);
  const mi = tf.matMul(h, u1);
  const [xz, xr, xh] = tf.split(mx, 3, 1);
  const [rz, rr] = tf.split(mi, 2, 1);
  const z = sigma(tf.add(xz, rz));
  const r = sigma(tf.add(xr, rr));
  const hh = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), u2)));
  return tf.add(tf.mul(z, h), tf.mul(tf.add(1, tf.neg(z)), hh));
}

function stepFused(mx: tf.Tensor, h: tf.Tensor, u: tf.Tensor, mode: GateMode): tf.Tensor {
  const units = h.shape[1]!;
  const [u1, u2] = tf.split(u, [2 * units, units], 1);
  const mi = tf.matMul(h, u1);
  const rh = tf.engine().runKernel(GRU_A, { mx, mi, h }, { mode }) as tf.Tensor;
  return tf.engine().runKernel(GRU_B, { mx, mi, h, rec: tf.matMul(rh, u2) }, { mode }) as tf.Tensor;
}

for (const mode of [0, 1] as const) {
  for (const simd of [true, false]) {
    test(`GRU gate kernels (${mode === 0 ? 'hard sigmoid' : 'logistic'}, ${simd ? 'SIMD tanh' : 'fallback'}) match the ops on cpu, output and every gradient, to ${REL_TOL}`, async () => {
      setSimdEnabled(simd);
      try {
        const r = await onWasmAndCpu(() => {
          const step = tf.getBackend() === 'wasm' ? stepFused : stepWithOps;
          const [rows, units] = [5, 7];
          const mx = tf.mul(rand([rows, 3 * units], 1), 6); // ±6: hard sigmoids clip on both sides
          const h = rand([rows, units], 2);
          const u = tf.mul(rand([units, 3 * units], 3), 2);
          const a = rand([rows, units], 4);
          const f = (m: tf.Tensor, hh: tf.Tensor, uu: tf.Tensor) =>
            tf.sum(tf.mul(step(m, hh, uu, mode), a)) as tf.Scalar;
          return [step(mx, h, u, mode), ...tf.grads(f)([mx, h, u])];
        });
        ['h', 'dmx', 'dh₋', 'dU'].forEach((label, i) => {
          const e = worstRelError({ wasm: [r.wasm[i]], cpu: [r.cpu[i]] });
          assert.ok(e <= REL_TOL, `${label}: relative error ${e}`);
        });
      } finally {
        setSimdEnabled(true);
      }
    });
  }
}

describe('tf.layers.gru on wasm', () => {
  for (const recurrentActivation of ['hardSigmoid', 'sigmoid']) {
    test(`with ${recurrentActivation} gates: loss and every gradient match the stock cell on cpu to ${REL_TOL}`, async () => {
      const r = await onWasmAndCpu(() => {
        const model = tf.sequential({
          layers: [
            tf.layers.gru({ inputShape: [4, 3], units: 5, returnSequences: true, recurrentActivation } as never),
            tf.layers.gru({ units: 5, recurrentActivation } as never),
            tf.layers.dense({ units: 2 }),
          ],
        });
        const weights = tf.tidy(() => model.getWeights().map((w, i) => tf.mul(rand(w.shape, 10 + i), 0.8)));
        model.setWeights(weights);
        tf.dispose(weights);
        const x = tf.mul(rand([7, 4, 3], 20), 2);
        const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0, 0], 'int32'), 2);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          vars,
        );
        const out = [value, ...vars.map((v) => grads[v.name])];
        model.dispose();
        return out;
      });
      assert.equal(r.wasm.length, 1 + 2 * 3 + 2);
      assert.ok(worstRelError(r) <= REL_TOL, `relative error ${worstRelError(r)}`);
    });
  }

  test('runs one GRU_A and one GRU_B per time step, and the stock cell with dropout', async () => {
    await tf.setBackend('wasm');
    const x = rand([2, 5, 3], 30);
    const calls = async (o: object) => {
      const layer = tf.layers.gru({ units: 4, ...o });
      const info = await tf.profile(() => tf.tidy(() => void layer.apply(x, { training: true })));
      layer.dispose();
      return [GRU_A, GRU_B].map((n) => info.kernels.filter((k) => k.name === n).length);
    };
    assert.deepEqual(await calls({}), [5, 5]);
    assert.deepEqual(await calls({ dropout: 0.5 }), [0, 0]);
    assert.deepEqual(await calls({ activation: 'relu' }), [0, 0]);
    x.dispose();
  });

  test('leaves no tensor behind over repeated gradient steps of a layer', async () => {
    await tf.setBackend('wasm');
    const { step, dispose } = recurrentGradientStep('gru');
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
    dispose();
  });
});
