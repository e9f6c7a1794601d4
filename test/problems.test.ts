// The shared test problems: each stated minimiser is a stationary point of its tfjs loss.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../src/index.js'; // registers the gradients (through tfjs-layers)
import { useCpu } from './helpers.js';
import { PROBLEMS } from './problems.js';

before(useCpu);

for (const makeProblem of PROBLEMS) {
  const problem = makeProblem();
  test(`the ${problem.name} loss has a vanishing gradient at its stated minimiser, and not at the start`, () => {
    const p = problem.make();
    const gradNorm = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(p.loss, p.vars);
        return Math.max(...p.vars.map((v) => tf.max(tf.abs(grads[v.name])).dataSync()[0]));
      });
    const atStart = gradNorm();
    assert.ok(p.distance() > 0.5 && atStart > 0.1, `start: distance ${p.distance()}, |g|∞ ${atStart}`);
    let offset = 0;
    for (const v of p.vars) {
      v.assign(tf.tensor(problem.minimiser.slice(offset, offset + v.size), v.shape));
      offset += v.size;
    }
    assert.equal(offset, problem.minimiser.length, 'the minimiser covers every variable');
    // float32 rounding of the minimiser and of the loss leaves a gradient of a few 1e-7 × |∇²L|·|w|.
    const atMinimiser = gradNorm();
    assert.ok(atMinimiser < 1e-5 * atStart + 1e-5, `|g|∞ at the minimiser ${atMinimiser} (start ${atStart})`);
    assert.ok(p.distance() < 1e-6, `distance after assigning it ${p.distance()}`);
    p.dispose();
  });
}
