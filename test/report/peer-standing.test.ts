// GeN against the peers (report/peer-standing.ts) on hand-made entries whose answers follow from
// the rule by hand: level = better mean, or worse by at most the peer's seed sd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stat, type Entry, type Summary, type TaskSummary } from '../../report/analyze.js';
import { levelWith, peerStandings, trailsText } from '../../report/peer-standing.js';

const entry = (
  kind: Entry['kind'],
  label: string,
  values: number[],
  config: Record<string, unknown> | null = null,
): Entry => ({
  optimizer: label,
  label,
  kind,
  base: 'adamw',
  config,
  stat: stat(values),
  runs: [],
  costMs: 0,
});
const gen = (values: number[], horizon = 'run-length') => entry('gen', `GeN ${horizon}`, values, { horizon });

test("a GeN worse than a peer by less than the peer's seed sd is level with it", () => {
  // GeN 0.90 ± 0.01, peer 0.91 ± 0.02: the gap 0.01 ≤ 0.02
  assert.equal(levelWith(gen([0.89, 0.9, 0.91]), entry('peer', 'P', [0.89, 0.91, 0.93]), true), true);
});

test("a GeN worse than a peer by more than the peer's sd trails it, however spread GeN's own seeds are", () => {
  // gap 0.05 > the peer's sd 0.01
  assert.equal(levelWith(gen([0.84, 0.85, 0.86]), entry('peer', 'P', [0.89, 0.9, 0.91]), true), false);
  // GeN 0.70 ± 0.20 against 0.85 ± 0.01: GeN's sd would cover the gap, the peer's does not
  assert.equal(levelWith(gen([0.5, 0.7, 0.9]), entry('peer', 'P', [0.84, 0.85, 0.86]), true), false);
});

test('lower-is-better metrics compare the other way', () => {
  assert.equal(levelWith(gen([7.9, 8, 8.1]), entry('peer', 'P', [9, 9, 9]), false), true);
  assert.equal(levelWith(gen([9, 9, 9]), entry('peer', 'P', [7.9, 8, 8.1]), false), false);
});

test('a peer whose every seed diverged is behind; a GeN with a diverged seed is level with nobody', () => {
  assert.equal(levelWith(gen([0.5, 0.5, 0.5]), entry('peer', 'P', [NaN, NaN, NaN]), true), true);
  assert.equal(levelWith(gen([0.99, 0.99, NaN]), entry('peer', 'P', [0.1, 0.1, 0.1]), true), false);
});

test('the standing counts the tasks where GeN is level with every peer and names the peers it trails', () => {
  const task = (name: string, entries: Entry[]): TaskSummary =>
    ({ task: name, metric: { name: 'accuracy', higherIsBetter: true }, split: 'development', entries }) as TaskSummary;
  const s = {
    tasks: [
      task('a', [gen([0.9, 0.9, 0.9]), entry('peer', 'P', [0.8, 0.8, 0.8]), entry('peer', 'Q', [0.9, 0.9, 0.9])]),
      task('b', [gen([0.8, 0.8, 0.8]), entry('peer', 'P', [0.9, 0.9, 0.9]), entry('peer', 'Q', [0.7, 0.7, 0.7])]),
      task('c', [gen([0.8, 0.8, 0.8])]),
    ],
  } as unknown as Summary;
  const [v] = peerStandings(s);
  assert.equal(v.level, 1);
  assert.deepEqual(
    v.tasks.map((t) => [t.task, t.behind]),
    [
      ['a', []],
      ['b', ['P']],
    ],
    'task c has no peer and does not count',
  );
  assert.equal(trailsText(v.tasks), 'b (P)');
});

test('the anytime mode is stood against the peers apart from the defaults', () => {
  const t = {
    task: 'a',
    metric: { name: 'accuracy', higherIsBetter: true },
    split: 'development',
    entries: [gen([0.9, 0.9, 0.9]), gen([0.7, 0.7, 0.7], 'none'), entry('peer', 'P', [0.8, 0.8, 0.8])],
  } as unknown as TaskSummary;
  const standings = peerStandings({ tasks: [t] } as unknown as Summary);
  assert.deepEqual(
    standings.map((v) => [v.isDefault, v.level]),
    [
      [true, 1],
      [false, 0],
    ],
  );
});
