// Building blocks of the restore tests: trained weight lists, their corruptions, and whether an
// optimizer refuses one (at setWeights, or at the next step when only the model can tell).
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../../src/tfjs/types.js';
import type { Entry } from './optimizers.js';
import { makeProblem, type Problem } from './problem.js';

/** Copies of an optimizer's weights after `steps` steps on the test problem (copies: the optimizer is disposed). */
export async function trainedWeights(e: Entry, steps: number, problem?: () => Problem): Promise<NamedTensor[]> {
  const p = (problem ?? makeProblem)();
  const o = e.make();
  for (let i = 0; i < steps; i++) o.minimize(p.loss, false, p.vars);
  const w = (await o.getWeights()).map((x) => ({ name: x.name, tensor: tf.clone(x.tensor) }));
  o.dispose();
  p.dispose();
  return w;
}

/** Whether `e` (trained 3 steps on the test problem) refuses `weights`, and its message. */
export async function refusal(
  e: Entry,
  weights: NamedTensor[],
  model: () => Problem = makeProblem,
): Promise<{ accepted: boolean; message: string }> {
  const p = model();
  const o = e.make();
  try {
    await o.setWeights(weights);
  } catch (err) {
    return { accepted: false, message: (err as Error).message };
  } finally {
    // nothing: the optimizer is disposed below
  }
  try {
    for (let i = 0; i < 3; i++) o.minimize(p.loss, false, p.vars);
    return { accepted: true, message: '' };
  } catch (err) {
    return { accepted: false, message: (err as Error).message };
  } finally {
    o.dispose();
    p.dispose();
  }
}

/** A test problem of another shape (a 4→2 layer instead of 3→2). */
export function otherModel(): Problem {
  const id = Math.random();
  const [w, b] = tf.tidy(() => [
    tf.variable(tf.ones([4, 2]), true, `other_w_${id}`),
    tf.variable(tf.zeros([2]), true, `other_b_${id}`),
  ]);
  const x = tf.ones([5, 4]);
  const loss = () => tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar;
  return {
    vars: [w, b],
    loss,
    faults: new Map(),
    calls: () => 0,
    values: () => [],
    dispose: () => tf.dispose([w, b, x]),
  };
}

export interface Corruption {
  what: string;
  weights: NamedTensor[];
  expect: RegExp;
  model?: () => Problem;
}

const replaceAt = (w: NamedTensor[], i: number, tensor: tf.Tensor): NamedTensor[] =>
  w.map((x, j) => (j === i ? { name: x.name, tensor } : x));

/** Writes `value` into the first number of an int32-encoded float64 state entry. */
function stateWith(t: tf.Tensor, position: number, value: number): tf.Tensor {
  const f = new Float64Array(new Int32Array(t.dataSync() as Int32Array).buffer.slice(0));
  f[position] = value;
  return tf.tensor1d(new Int32Array(f.buffer), 'int32');
}

/** The corruptions that apply to `e`'s trained weights. */
export async function corruptions(e: Entry): Promise<Corruption[]> {
  const good = await trainedWeights(e, 3);
  const out: Corruption[] = [];
  out.push({
    what: 'the last entry dropped',
    weights: good.slice(0, -1),
    expect: /truncated|missing|slots|expected|more variables/,
  });
  out.push({ what: 'an empty list', weights: [], expect: /expected|iter/ });
  const slot = good.findIndex((w) => w.tensor.dtype === 'float32' && w.name !== 'iter');
  if (slot >= 0) {
    const t = good[slot].tensor;
    const nan = tf.tidy(() =>
      tf.where(tf.equal(tf.reshape(tf.range(0, t.size), t.shape), 0), tf.fill(t.shape, NaN), t),
    );
    out.push({ what: `NaN in '${good[slot].name}'`, weights: replaceAt(good, slot, nan), expect: /NaN/ });
    out.push({
      what: `∞ in '${good[slot].name}'`,
      weights: replaceAt(good, slot, tf.fill(t.shape, Infinity)),
      expect: /NaN or ±∞/,
    });
  }
  const second = good.findIndex((w) => /(^|\/)v$/.test(w.name) && w.tensor.dtype === 'float32');
  if (second >= 0) {
    const t = good[second].tensor;
    out.push({
      what: 'a negative second moment',
      weights: replaceAt(good, second, tf.fill(t.shape, -1)),
      expect: /cannot be negative/,
    });
  }
  const state = good.findIndex((w) => /state/.test(w.name));
  if (state >= 0) {
    const t = good[state].tensor;
    out.push({
      what: 'NaN in the host state',
      weights: replaceAt(good, state, stateWith(t, 1, NaN)),
      expect: /NaN|out of range/,
    });
    out.push({
      what: 'a truncated host state',
      weights: replaceAt(good, state, tf.tensor1d(Array.from(t.dataSync()).slice(0, 2), 'int32')),
      expect: /truncated|holds 1|expected/,
    });
  }
  out.push({
    what: "'iter' negative",
    weights: replaceAt(good, 0, tf.scalar(-3, 'int32')),
    expect: /iter|step|out of range/,
  });
  if (good.some((w) => w.tensor.dtype === 'float32' && w.tensor.rank === 2)) {
    out.push({
      what: 'the state of a model of another shape',
      weights: good,
      model: otherModel,
      expect: /another shape|another model|shape/,
    });
  }
  return out;
}

/**
 * Every optimizer given the state of every other (except lists alike by design, `alike`) and
 * every corruption of its own: how many are silently accepted.
 */
export async function stateRefusals(entries: Entry[], alike: (a: Entry, b: Entry) => boolean) {
  let cases = 0;
  const accepted: string[] = [];
  for (const target of entries) {
    for (const source of entries) {
      if (source === target || alike(source, target)) continue;
      cases++;
      const outcome = await refusal(target, await trainedWeights(source, 3));
      if (outcome.accepted) accepted.push(`${target.name} ← ${source.name}`);
    }
    for (const c of await corruptions(target)) {
      cases++;
      const outcome = await refusal(target, c.weights, c.model);
      if (outcome.accepted || !c.expect.test(outcome.message)) accepted.push(`${target.name}: ${c.what}`);
    }
  }
  return { cases, accepted };
}

/**
 * Lists that are alike by design: a heavy-ball buffer is a heavy-ball buffer (SGDW's b = μb + g is
 * tf.train.momentum's accumulator), Adam's moments are Adam's moments, and two optimizers that
 * keep no slots have nothing to tell them apart but their step count. A GeN that keeps an iterate
 * average takes the state of one that keeps none (its average starts afresh); the converse is refused
 * (tested in gen-average.test.ts).
 */
export const FAMILIES = [
  ['GeN over SGDW momentum', 'GeN over tf.train.momentum'],
  ['GeN over AdamW', 'GeN over tf.train.adam', 'GeN over AdamW, iterate average'],
  ['GeN over SGDW', 'GeN over tf.train.sgd'],
];
export const sameLayout = (a: Entry, b: Entry) => FAMILIES.some((f) => f.includes(a.name) && f.includes(b.name));
