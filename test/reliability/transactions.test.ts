// Steps are transactions: when the loss closure, a probe, GeN's probeLoss or onStep throws, the
// caller gets the same error object, and the weights, the optimizer's state (the base's slots and
// iterations, GeN's own state) and the tensor count are what they were before the step, so that
// the run continues exactly as a twin that never attempted the failed step.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, type StepInfo } from '../../src/index.js';
import { assertBitIdentical, useCpu } from '../helpers.js';
import { ALL, BASES, genEntries, type Entry } from './optimizers.js';
import { makeProblem, stateOf, type Problem } from './problem.js';

before(useCpu);

/**
 * Runs `warm` good steps on an optimizer and on its twin, then one step on the first whose
 * `fail` (the way it throws) fires, checks the failure left no trace, and then `after` good steps
 * on both must agree bit for bit.
 */
async function failsCleanly(
  make: () => tf.Optimizer,
  warm: number,
  fail: (o: tf.Optimizer, p: Problem) => () => void,
  what: string,
): Promise<void> {
  const a = makeProblem();
  const b = makeProblem();
  const oa = make();
  const ob = make();
  for (let i = 0; i < warm; i++) {
    oa.minimize(a.loss, false, a.vars);
    ob.minimize(b.loss, false, b.vars);
  }
  const weightsBefore = a.values();
  const stateBefore = await stateOf(oa);
  const genBefore = oa instanceof GeN ? { s: oa.controllerState, last: oa.lastStep } : null;
  const run = fail(oa, a);
  const n = tf.memory().numTensors;
  let caught: unknown = null;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error && /injected/.test(caught.message), `${what}: the step threw the injected error`);
  assert.equal(tf.memory().numTensors, n, `${what}: no tensor leaked on the error path`);
  assertBitIdentical(a.values(), weightsBefore, `${what}: weights`);
  assert.deepEqual(await stateOf(oa), stateBefore, `${what}: optimizer state`);
  if (oa instanceof GeN && genBefore) {
    assert.deepEqual(oa.controllerState, genBefore.s, `${what}: GeN's state`);
    assert.equal(oa.lastStep, genBefore.last, `${what}: lastStep`);
  }
  for (let i = 0; i < 6; i++) {
    oa.minimize(a.loss, false, a.vars);
    ob.minimize(b.loss, false, b.vars);
  }
  assertBitIdentical(a.values(), b.values(), `${what}: continuation`);
  oa.dispose();
  ob.dispose();
  a.dispose();
  b.dispose();
}

/** A step whose loss closure throws at its `k`-th call (0: the gradient pass, 1 and on: probes). */
const closureThrowsAt = (k: number) => (o: tf.Optimizer, p: Problem) => () => {
  p.faults.set(p.calls() + k, { kind: 'throw' });
  o.minimize(p.loss, false, p.vars);
};

describe('a loss closure that throws in the gradient pass', () => {
  for (const e of ALL) {
    test(`${e.name}: nothing changes, the error reaches the caller`, () =>
      failsCleanly(e.make, 3, closureThrowsAt(0), e.name));
  }
});

describe('a loss closure that throws in a probe', () => {
  // GeN probes on refit steps (every step while calibrating, and step 4 = every·1); SLS on every step.
  const probing: Entry[] = [...genEntries(), ...ALL.filter((e) => e.name === 'SLS')];
  for (const e of probing) {
    test(`${e.name}: the base's state advanced for the step is rolled back, the weights leave the probe point`, () =>
      failsCleanly(e.make, 4, closureThrowsAt(1), e.name));
  }
  test('GeN over AdamW at a refit after calibration (the base has taken its step, then the probe throws)', () =>
    failsCleanly(
      () => new GeN(BASES[0][1](), { calibrate: false, every: 2 }),
      4,
      closureThrowsAt(1),
      'refit after calibration',
    ));
});

/** A callback failure injected on one step only: `spring()` throws while `during` runs its step. */
class Trap {
  private armed = false;
  constructor(private readonly callback: string) {}
  spring(): void {
    if (this.armed) throw new Error(`injected ${this.callback} failure`);
  }
  during(step: () => void): void {
    this.armed = true;
    try {
      step();
    } finally {
      this.armed = false;
    }
  }
}

describe("GeN's callbacks that throw", () => {
  for (const [name, base] of BASES) {
    test(`probeLoss throwing, over ${name}`, () => {
      const trap = new Trap('probeLoss');
      const probeLoss = () => {
        trap.spring();
        return tf.scalar(1);
      };
      return failsCleanly(
        () => new GeN(base(), { probeLoss }),
        3,
        (o, p) => () => trap.during(() => o.minimize(p.loss, false, p.vars)),
        `probeLoss over ${name}`,
      );
    });
    test(`onStep throwing, over ${name}: the step it reports is undone`, () => {
      const trap = new Trap('onStep');
      return failsCleanly(
        () => new GeN(base(), { onStep: (_: StepInfo) => trap.spring() }),
        3,
        (o, p) => () => trap.during(() => o.minimize(p.loss, false, p.vars)),
        `onStep over ${name}`,
      );
    });
  }
  test('onStep throwing in applyGradients (no closure)', () => {
    const trap = new Trap('onStep');
    return failsCleanly(
      () => new GeN(BASES[0][1](), { onStep: () => trap.spring() }),
      3,
      (o, p) => () => {
        const { grads, value } = tf.variableGrads(p.loss, p.vars);
        try {
          trap.during(() => o.applyGradients(grads));
        } finally {
          tf.dispose([value, ...Object.values(grads)]);
        }
      },
      'onStep in applyGradients',
    );
  });
});

describe('the error object', () => {
  test('is the one the closure threw, not a wrapper', () => {
    const p = makeProblem();
    const opt = new GeN(BASES[0][1]());
    const mine = new Error('mine');
    assert.throws(
      () =>
        opt.minimize(
          () => {
            throw mine;
          },
          false,
          p.vars,
        ),
      (e) => e === mine,
    );
    opt.dispose();
    p.dispose();
  });
});
