// Use after dispose() throws a clear error, for GeN over every base, AdamW, SGDW and every peer,
// instead of recreating zeroed slots and carrying on.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpu } from '../helpers.js';
import { ALL } from './optimizers.js';
import { makeProblem } from './problem.js';

before(useCpu);

for (const e of ALL) {
  test(`${e.name}: minimize, applyGradients, getWeights and setWeights after dispose() throw`, async () => {
    const p = makeProblem();
    const o = e.make();
    o.minimize(p.loss, false, p.vars);
    const saved = (await o.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    o.dispose();
    const disposed = /this optimizer was disposed/;
    const n = tf.memory().numTensors;
    assert.throws(() => o.minimize(p.loss, false, p.vars), disposed, 'minimize');
    assert.equal(tf.memory().numTensors, n, 'minimize computed nothing');
    const { value, grads } = tf.variableGrads(p.loss, p.vars);
    assert.throws(() => o.applyGradients(grads), disposed, 'applyGradients');
    tf.dispose([value, ...Object.values(grads)]);
    await assert.rejects(o.getWeights(), disposed, 'getWeights');
    await assert.rejects(o.setWeights(saved), disposed, 'setWeights');
    tf.dispose(saved.map((w) => w.tensor));
    p.dispose();
  });
}
