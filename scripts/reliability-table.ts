// The table of docs/reliability.md: runs the fault-injection and property suite of
// test/reliability at full budgets on the cpu backend and prints markdown (cases tried and
// failures per area). Usage: npx tsx scripts/reliability-table.ts [--quick]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { faultInjection, spikeRecovery, tally } from '../test/reliability/fault-suite.js';
import { optionProperty } from '../test/reliability/option-domains.js';
import { ALL } from '../test/reliability/optimizers.js';
import { sameLayout, stateRefusals } from '../test/reliability/restore-cases.js';
import { roundTrips } from '../test/reliability/round-trips.js';
import { twoWriters } from '../test/reliability/writers.js';

const quick = process.argv.includes('--quick');
const SEED = 20261201;
await tf.setBackend('cpu');
await tf.ready();
const rows: string[][] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);
const time = async <T>(what: string, f: () => T | Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await f();
  log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};

// 1. Injected faults: GeN over every base and every peer.
const faultRuns = quick ? 2 : 17;
const faultSteps = 100;
const faults = await time('faults', () => faultInjection(faultRuns, faultSteps, SEED));
const c = faults.counts;
rows.push([
  'non-finite weights under injected faults',
  `${c.steps} steps (${c.runs} runs of ${faultSteps} steps: ${ALL.length} optimizers × ${faultRuns} random schedules; NaN, ±∞, ×1e38, ×1e20, ×1e10, ×0, ×−1 on losses, gradients and probe losses, and throws, at ~8% of the loss-closure calls)`,
  `${c['steps with non-finite weights'] ?? 0} steps with a non-finite weight`,
]);
rows.push([
  'tensors leaked',
  `${c.runs} runs checked after dispose (normal and faulty steps), ${c.thrown} thrown steps checked at the throw`,
  `${c['tensors left after dispose'] ?? 0} after dispose, ${c['tensors leaked on the error path'] ?? 0} on error paths; ${c['unexpected errors'] ?? 0} unexpected errors`,
]);

// 2. One spike per run, GeN over every base.
const spikeRuns = quick ? 2 : 25;
const spikes = await time('spikes', () => spikeRecovery(spikeRuns, 120, SEED));
rows.push([
  'dead GeN runs after one spike',
  `${spikes.cases} runs of 120 steps (8 bases × ${spikeRuns}; gradient or loss ×1e5…×1e38 once, at a random step in 5…60)`,
  `${spikes.counts.dead ?? 0} dead (no step taken in the last 20); ${spikes.counts['not recovered'] ?? 0} not recovered (final loss over 1.1× both the pre-spike loss and the spike-free run's); steps skipped as spike: ${spikes.counts.spike ?? 0}, rolled back: ${spikes.counts.rolled_back ?? 0}`,
]);

// 3. Options.
const opts = tally();
await time('options', () => optionProperty(quick ? 100 : 1000, SEED, opts));
rows.push([
  'invalid options silently accepted',
  `${opts.cases} random option objects over 11 constructors (${opts.counts.accepted} valid, ${opts.counts.refused} invalid)`,
  `${opts.counts['invalid options silently accepted'] ?? 0} accepted silently, ${opts.counts['valid options refused'] ?? 0} valid refused, ${opts.counts['refusals not naming the option'] ?? 0} refusals not naming the option`,
]);

// 4. States.
const states = await time('states', () => stateRefusals(ALL, sameLayout));
rows.push([
  'invalid states silently accepted',
  `${states.cases} lists (every optimizer × every other's state, and truncated, empty, NaN, ∞, negative second moments, NaN or truncated host state, negative iter, another model's shapes)`,
  `${states.accepted.length} accepted${states.accepted.length ? `: ${states.accepted.slice(0, 5).join('; ')}` : ''}`,
]);

// 5. Round trips.
const trips = tally();
await time('round trips', async () => {
  for (const e of ALL) await roundTrips(e, quick ? 3 : 10, 40, 4, SEED, trips);
});
rows.push([
  'failing save/restore round trips',
  `${trips.cases} (${ALL.length} optimizers × ${quick ? 3 : 10} random save points in steps 0…36 × 3 paths: setWeights(getWeights()) on itself, into a fresh instance, model.save + loadLayersModel; bit-identical after 4 more steps)`,
  `${trips.failures} failing${trips.failures ? `: ${trips.examples.slice(0, 3).join('; ')}` : ''}`,
]);

// 6. Two writers.
const writers = await time('writers', async () => {
  const out = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) out.push(await twoWriters(50));
  return out;
});
rows.push([
  'duplicated records with two concurrent writers',
  `${writers.length} trials of two processes writing the same 50 runs to one results file, started to write at the same moment`,
  `${writers.reduce((a, w) => a + w.duplicates, 0)} duplicated; the second writer refused (exit 3) in ${writers.filter((w) => w.codes.includes(3)).length} of ${writers.length}`,
]);

const esc = (s: string) => s.replace(/\|/g, '\\|');
console.log('| area | cases tried | failures |');
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.map(esc).join(' | ')} |`);
for (const [name, t] of [
  ['faults', faults],
  ['spikes', spikes],
  ['options', opts],
  ['round trips', trips],
] as const)
  if (t.examples.length) log(`${name} examples:\n  ${t.examples.join('\n  ')}`);
