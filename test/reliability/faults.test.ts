// The fault-injection and property suite at test budgets (the table in docs/reliability.md runs
// the same functions at full budgets: npx tsx scripts/reliability-table.ts). Random option
// objects against each constructor's documented domain; random NaN/∞/huge/zero/negative
// injections into losses, gradients and probe losses, and throwing closures, for GeN over every
// base and every peer, with finite weights after every step and no tensor left behind; one spike
// per run for GeN, which must not end the run; random save points for the three round trips.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useCpu } from '../helpers.js';
import { faultInjection, spikeRecovery, tally } from './fault-suite.js';
import { optionProperty } from './option-domains.js';
import { ALL } from './optimizers.js';
import { roundTrips } from './round-trips.js';

before(useCpu);

const SEED = 20260412;

test('random option objects: accepted exactly inside the documented domain, refused by name outside it', () => {
  const t = tally();
  optionProperty(150, SEED, t);
  assert.equal(t.failures, 0, t.examples.join('\n'));
  assert.ok(t.counts.accepted > 50 && t.counts.refused > 500, JSON.stringify(t.counts));
});

test('injected faults (losses, gradients, probes, throws) never leave a non-finite weight or a tensor behind', () => {
  const t = faultInjection(3, 50, SEED);
  assert.equal(t.failures, 0, t.examples.join('\n'));
  assert.equal(t.counts.steps, ALL.length * 3 * 50);
  assert.ok(t.counts.thrown > 0, 'some injected throws fired');
});

test('one spike (gradient or loss ×1e5 … ×1e38) does not end a GeN run, over any base', () => {
  const t = spikeRecovery(2, 80, SEED);
  assert.equal(t.failures, 0, t.examples.join('\n'));
});

test('round trips at 10 random save points, for every optimizer, continue bit-identically', async () => {
  const t = tally();
  for (const e of ALL) {
    const points = await roundTrips(e, 10, 30, 3, SEED, t);
    assert.equal(points.length, 10, `${e.name}: 10 distinct split points`);
  }
  assert.equal(t.failures, 0, t.examples.join('\n'));
  assert.equal(t.cases, ALL.length * 10 * 3);
});
