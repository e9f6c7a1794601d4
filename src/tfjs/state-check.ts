import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat64, readStateEntry, STATE_VERSION } from './state-codec.js';
import type { NamedTensor } from './types.js';

/** What an optimizer's `getWeights()` list looks like, for {@link checkRestored}. */
export interface StateLayout {
  /** Slot suffixes, in the order the list holds them (`<variable>/<suffix>`, one group per suffix). */
  slots: readonly string[];
  /** Slots whose entries can never be negative (second moments): a negative entry is refused. */
  nonNegative?: readonly string[];
  /**
   * Whether the slots exist after the first step (default true): a list with 'iter' > 0 and no
   * slots is then the state of another optimizer (one that keeps none).
   */
  slotsAfterFirstStep?: boolean;
  /** The host-side state entry `<name>/v<version>` and how many numbers it holds at least, if the optimizer has one. */
  state?: { name: string; length: number };
}

/**
 * Refuses, before anything is restored, a weight list that the optimizer's own `getWeights()`
 * could not have produced: no leading `iter` (an int32 count ≥ 0), an entry that is neither a
 * slot of this optimizer nor its state (the state of another optimizer), slot groups of unequal
 * length (a truncated list), slots of different variables or shapes across groups, a slot that
 * is not float32, holds NaN or ±∞, or is negative where it cannot be, and a state entry with a
 * non-finite number. Whether the slots fit the model is checked at the first step (the model's
 * variables are not known here; see `Slot.get`).
 * @throws {Error} `<owner>.setWeights: ...` naming the entry and what is wrong with it.
 */
export function checkRestored(owner: string, weights: readonly NamedTensor[], layout: StateLayout): void {
  const fail = (what: string): never => {
    throw new Error(`${owner}.setWeights: ${what}${what.endsWith('?') ? '' : '.'}`);
  };
  if (!Array.isArray(weights)) fail(`expected the array that ${owner}.getWeights() returns`);
  const [iter, ...rest] = weights;
  if (iter?.name !== 'iter' || !(iter.tensor instanceof tf.Tensor)) {
    fail(`expected the weights of ${owner}.getWeights(), which start with 'iter'; got ${describe(weights)}`);
  }
  const count = iter.tensor.dataSync()[0];
  if (iter.tensor.size !== 1 || !Number.isInteger(count) || count < 0) {
    fail(`'iter' must be one integer ≥ 0; got ${Array.from(iter.tensor.dataSync()).join(', ')}`);
  }
  // The state entry first: its absence is the plainest sign of another optimizer's list (same message as readStateEntry).
  if (layout.state) readStateEntry(owner, rest, layout.state.name, layout.state.length);
  const stateNames = layout.state ? [`${layout.state.name}/v${STATE_VERSION}`, layout.state.name] : [];
  const groups = new Map<string, NamedTensor[]>(layout.slots.map((s) => [s, []]));
  for (const w of rest) {
    if (!(w?.tensor instanceof tf.Tensor)) fail(`entry '${w?.name}' has no tensor`);
    if (stateNames.includes(w.name)) continue;
    const suffix = w.name.slice(w.name.lastIndexOf('/') + 1);
    const group = w.name.includes('/') ? groups.get(suffix) : undefined;
    if (group === undefined) {
      const expected = layout.slots.length ? layout.slots.map((s) => `'<variable>/${s}'`).join(', ') : 'no slots';
      fail(
        `unexpected entry '${w.name}' (${owner} keeps ${expected}${stateNames.length ? ` and '${stateNames[0]}'` : ''}); is this the state of another optimizer?`,
      );
    }
    group!.push(w);
  }
  if (layout.state && !rest.some((w) => stateNames.includes(w.name))) fail(`the entry '${stateNames[0]}' is missing`);
  const lists = [...groups.entries()];
  const [firstSuffix, first] = lists[0] ?? ['', []];
  for (const [suffix, list] of lists) {
    if (list.length !== first.length) {
      fail(
        `the list is truncated or mixed: ${first.length} '${firstSuffix}' slots but ${list.length} '${suffix}' slots`,
      );
    }
    list.forEach((w, i) => {
      const variable = (n: string) => n.slice(0, n.lastIndexOf('/'));
      if (variable(w.name) !== variable(first[i].name)) {
        fail(
          `slot ${i} of '${suffix}' belongs to '${variable(w.name)}', but that of '${firstSuffix}' to '${variable(first[i].name)}'`,
        );
      }
      if (!tf.util.arraysEqual(w.tensor.shape, first[i].tensor.shape)) {
        fail(`'${w.name}' has shape [${w.tensor.shape}] but '${first[i].name}' [${first[i].tensor.shape}]`);
      }
      if (w.tensor.dtype !== 'float32') fail(`'${w.name}' is ${w.tensor.dtype}, not float32`);
    });
  }
  const slots = lists.flatMap(([, list]) => list);
  if (count > 0 && layout.slots.length > 0 && slots.length === 0 && layout.slotsAfterFirstStep !== false) {
    fail(
      `the list is of an optimizer that has taken ${count} steps but holds none of the slots ${owner} keeps (${layout.slots.join(', ')}); is this the state of another optimizer?`,
    );
  }
  checkValues(slots, new Set(layout.nonNegative ?? []), fail);
  const state = rest.find((w) => stateNames.includes(w.name));
  if (state) {
    let values: number[] = [];
    try {
      values = decodeFloat64(state.tensor);
    } catch (e) {
      fail(`'${state.name}' is ${(e as Error).message}`);
    }
    if (values.length < layout.state!.length) {
      fail(`'${state.name}' is truncated: ${values.length} numbers, expected ${layout.state!.length}`);
    }
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`'${state.name}' holds ${values[bad]} at position ${bad}`);
  }
}

/** One readback: per slot, whether it is finite (Σ 0·t) and its minimum; names the first bad one. */
function checkValues(slots: NamedTensor[], nonNegative: ReadonlySet<string>, fail: (what: string) => never): void {
  if (slots.length === 0) return;
  const stats = tf.tidy(() =>
    tf.stack(slots.flatMap((w) => [tf.sum(tf.mul(w.tensor, 0)), w.tensor.size > 0 ? tf.min(w.tensor) : tf.scalar(0)])),
  );
  const v = stats.dataSync();
  stats.dispose();
  slots.forEach((w, i) => {
    if (!Number.isFinite(v[2 * i])) fail(`'${w.name}' holds NaN or ±∞`);
    const suffix = w.name.slice(w.name.lastIndexOf('/') + 1);
    if (nonNegative.has(suffix) && v[2 * i + 1] < 0)
      fail(`'${w.name}' holds ${v[2 * i + 1]}, but it cannot be negative`);
  });
}

function describe(weights: readonly NamedTensor[]): string {
  if (weights.length === 0) return 'an empty list';
  const names = weights.slice(0, 4).map((w) => `'${w?.name}'`);
  return `entries ${names.join(', ')}${weights.length > 4 ? `, … (${weights.length})` : ''}`;
}
