// The fault-injection and property suite, as functions that return tallies (cases tried, failures
// and what failed), so that the test (test/reliability/faults.test.ts, small budgets) and the
// table of docs/reliability.md (scripts/reliability-table.ts, full budgets) run the same code.
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { GeN } from '../../src/index.js';
import { ALL, genEntries, type Entry } from './optimizers.js';
import { allFinite, makeProblem, type Fault } from './problem.js';

export interface Tally {
  cases: number;
  failures: number;
  /** Up to 10 descriptions of failures. */
  examples: string[];
  /** Extra counts (steps run, refused steps, …). */
  counts: Record<string, number>;
}

export const tally = (): Tally => ({ cases: 0, failures: 0, examples: [], counts: {} });
const fail = (t: Tally, what: string) => {
  t.failures++;
  if (t.examples.length < 10) t.examples.push(what);
};
const add = (t: Tally, key: string, n = 1) => (t.counts[key] = (t.counts[key] ?? 0) + n);

/** Values injected into losses and gradients: non-finite, huge, zero, negative. */
const FACTORS = [NaN, Infinity, -Infinity, 1e38, 1e20, 1e10, 0, -1];
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('loss' as const), factor: fc.constantFrom(...FACTORS) }),
  fc.record({ kind: fc.constant('gradient' as const), factor: fc.constantFrom(...FACTORS) }),
  fc.constant({ kind: 'throw' as const }),
);

/** A run's fault schedule: which loss-closure calls fail, and how. */
export const scheduleArb = (calls: number, density: number) =>
  fc.array(fc.tuple(fc.nat({ max: calls - 1 }), faultArb), { maxLength: Math.max(1, Math.round(calls * density)) });

/**
 * Runs `steps` steps of `e` with the faults at the given closure calls (the gradient pass and
 * every probe are calls, so probes get faults too). After every step every weight must be
 * finite; a step that throws (an injected throw) must leave the tensor count as it was; at the
 * end, after dispose, no tensor may be left. Returns the problems found.
 */
export function faultRun(e: Entry, steps: number, schedule: [number, Fault][], t: Tally): void {
  const n0 = tf.memory().numTensors;
  const p = makeProblem(schedule.length);
  for (const [call, fault] of schedule) p.faults.set(call, fault);
  const o = e.make();
  const nStart = tf.memory().numTensors;
  for (let s = 0; s < steps; s++) {
    t.cases++;
    add(t, 'steps');
    const before = tf.memory().numTensors;
    try {
      o.minimize(p.loss, false, p.vars);
    } catch (err) {
      add(t, 'thrown');
      if (!/injected/.test((err as Error).message))
        fail(t, `${e.name} step ${s}: unexpected error ${(err as Error).message}`);
      if (tf.memory().numTensors !== before)
        fail(t, `${e.name} step ${s}: ${tf.memory().numTensors - before} tensors leaked on the error path`);
    }
    if (!allFinite(p.values())) {
      add(t, 'steps with non-finite weights', steps - s);
      fail(t, `${e.name} step ${s}: non-finite weights (${JSON.stringify(schedule)})`);
      break;
    }
  }
  void nStart;
  add(t, 'runs');
  o.dispose();
  p.dispose();
  const leaked = tf.memory().numTensors - n0 - (e.leaksOnDispose ?? 0);
  if (leaked !== 0) {
    add(t, 'tensors left after dispose', leaked);
    fail(t, `${e.name}: ${leaked} tensors left after dispose`);
  }
}

/** Fault runs over every optimizer: `runs` random schedules each, `steps` steps per run. */
export function faultInjection(runs: number, steps: number, seed: number, entries: Entry[] = ALL): Tally {
  const t = tally();
  entries.forEach((e, i) => {
    const schedules = fc.sample(scheduleArb(steps * 3, 0.08), { numRuns: runs, seed: seed + i });
    for (const s of schedules) faultRun(e, steps, s, t);
  });
  return t;
}

/**
 * One spike per run for GeN over every base: at a random step the gradient (or the loss, and so
 * the gradient) is multiplied by a huge factor once. The run is dead when none of its last 20
 * steps takes a step. It is not recovered when its final loss is over 1.1× both its loss before
 * the spike and the final loss of the same run without the spike (GeN over plain SGD diverges on
 * this problem without any fault: that is not the spike's doing).
 */
export function spikeRecovery(runsPerBase: number, steps: number, seed: number): Tally {
  const t = tally();
  const arb = fc.record({
    at: fc.integer({ min: 5, max: Math.floor(steps / 2) }),
    kind: fc.constantFrom('gradient' as const, 'loss' as const),
    factor: fc.constantFrom(1e38, 1e30, 1e20, 1e15, 1e10, 1e5),
  });
  const run = (e: Entry, spike: { at: number; kind: 'gradient' | 'loss'; factor: number } | null) => {
    const p = makeProblem(0);
    const o = e.make() as GeN;
    const losses: number[] = [];
    const taken: boolean[] = [];
    const reasons: string[] = [];
    for (let s = 0; s < steps; s++) {
      if (spike && s === spike.at) p.faults.set(p.calls(), { kind: spike.kind, factor: spike.factor });
      const l = o.minimize(p.loss, true, p.vars);
      losses.push(l.dataSync()[0]);
      l.dispose();
      const r = o.lastStep!.reason;
      reasons.push(r);
      taken.push(r !== 'nonfinite' && r !== 'rolled_back' && r !== 'spike');
    }
    const final = evalLoss(p);
    const finite = allFinite(p.values());
    o.dispose();
    p.dispose();
    return { losses, taken, reasons, final, finite };
  };
  genEntries().forEach((e, i) => {
    const baseline = run(e, null).final;
    for (const spike of fc.sample(arb, { numRuns: runsPerBase, seed: seed + i })) {
      t.cases++;
      const r = run(e, spike);
      const pre = r.losses[spike.at - 1];
      for (const reason of r.reasons) if (reason === 'rolled_back' || reason === 'spike') add(t, reason);
      if (!r.taken.slice(-20).some(Boolean)) {
        add(t, 'dead');
        fail(t, `${e.name} ${JSON.stringify(spike)}: dead (no step taken in the last 20)`);
      }
      if (!(r.final <= 1.1 * Math.max(pre, baseline))) {
        add(t, 'not recovered');
        if (t.examples.length < 10)
          t.examples.push(
            `not recovered: ${e.name} ${JSON.stringify(spike)} ${pre} → ${r.final} (no spike: ${baseline})`,
          );
      }
      if (!r.finite) fail(t, `${e.name} ${JSON.stringify(spike)}: non-finite weights`);
    }
  });
  return t;
}

function evalLoss(p: ReturnType<typeof makeProblem>): number {
  const saved = new Map(p.faults);
  p.faults.clear();
  const l = tf.tidy(() => p.loss().dataSync()[0]);
  for (const [k, v] of saved) p.faults.set(k, v);
  return l;
}
