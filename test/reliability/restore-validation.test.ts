// Restored state is validated: a weight list of another optimizer, a truncated one, one from a
// model of another shape, one with NaN/∞ slots or out-of-range numbers, is refused with an error
// that names what is wrong, for every registered optimizer, through setWeights and through
// model.save + tf.loadLayersModel. "Refused" means setWeights rejects, or (when only the model can
// tell: shapes, variable count) the next step throws and leaves everything as it was.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useCpu } from '../helpers.js';
import { ALL } from './optimizers.js';
import { makeProblem } from './problem.js';
import { corruptions, refusal, sameLayout, trainedWeights } from './restore-cases.js';

before(useCpu);

describe('state of another optimizer is refused', () => {
  for (const target of ALL) {
    test(`${target.name} refuses the state of every other optimizer`, async () => {
      const accepted: string[] = [];
      for (const source of ALL) {
        if (source === target || sameLayout(source, target)) continue;
        const weights = await trainedWeights(source, 3);
        const outcome = await refusal(target, weights);
        if (outcome.accepted) accepted.push(source.name);
        else assert.match(outcome.message, /\.setWeights: |restored/, `${target.name} ← ${source.name}`);
      }
      assert.deepEqual(accepted, [], `${target.name} accepted the state of ${accepted.join(', ')}`);
    });
  }
});

describe('corrupted state is refused, naming what is wrong', () => {
  for (const e of ALL) {
    test(`${e.name}: truncated, NaN, ∞, negative second moments, another model's shapes`, async () => {
      const cases = await corruptions(e);
      assert.ok(cases.length >= 3, `${cases.length} corruptions apply`);
      for (const c of cases) {
        const outcome = await refusal(e, c.weights, c.model);
        assert.equal(outcome.accepted, false, `${e.name}: ${c.what} was accepted`);
        assert.match(outcome.message, c.expect, `${e.name}: ${c.what}: ${outcome.message}`);
      }
    });
  }
});

describe('through model.save and tf.loadLayersModel', () => {
  for (const e of ALL.filter((x) => !x.name.startsWith('GeN over tf.train'))) {
    test(`${e.name}: a saved model whose optimizer state holds NaN does not load`, async () => {
      const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
      m.compile({ optimizer: e.make(), loss: 'meanSquaredError' });
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const y = tf.tensor2d([1, 2, 3], [3, 1]);
      await m.fit(x, y, { epochs: 3, verbose: 0 });
      let art: tf.io.ModelArtifacts | undefined;
      await m.save(
        tf.io.withSaveHandler(async (a) => {
          art = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
        { includeOptimizer: true },
      );
      const specs = art!.weightSpecs!;
      const target = specs.findIndex((s) => s.group === 'optimizer' && s.dtype === 'float32');
      if (target < 0) {
        // No float slot to poison (SLS, SGDW without momentum): poison the host state instead.
        const state = specs.findIndex((s) => s.group === 'optimizer' && /\/state/.test(s.name));
        assert.ok(state >= 0, 'the optimizer saved something to poison');
        poison(art!, state, 'state');
      } else poison(art!, target, 'slot');
      await assert.rejects(tfl.loadLayersModel(tf.io.fromMemory(art!)), /setWeights: .*(NaN|holds)/);
      tf.dispose([x, y]);
      m.dispose();
    });
  }
});

/** Writes NaN into the first number of weight `index` of the artifacts (float32: the value; state: the float64's high word). */
function poison(art: tf.io.ModelArtifacts, index: number, kind: 'slot' | 'state'): void {
  const specs = art.weightSpecs!;
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 4 * specs[i].shape.reduce((a, b) => a * b, 1);
  const data = art.weightData as ArrayBuffer;
  const view = new DataView(data);
  if (kind === 'slot') view.setFloat32(offset, NaN, true);
  else {
    const f = new Float64Array([NaN]);
    const words = new Int32Array(f.buffer);
    view.setInt32(offset, words[0], true);
    view.setInt32(offset + 4, words[1], true);
  }
}

test('a fresh optimizer accepts the state of a fresh optimizer of its kind (nothing to refuse)', async () => {
  for (const e of ALL) {
    const o = e.make();
    const w = await o.getWeights();
    await o.setWeights(w);
    const p = makeProblem();
    o.minimize(p.loss, false, p.vars);
    o.dispose();
    p.dispose();
  }
});
