import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TASKS } from '../../bench/tasks/index.js';
import { longestFirst, STEP_MS } from '../../bench/tasks/step-cost.js';
import type { TaskSpec } from '../../bench/tasks/types.js';

const spec = (name: string, full: number): TaskSpec => ({ ...TASKS[0], name, steps: { quick: full / 5, full } });

test('every task of the registry has a measured step cost', () => {
  assert.deepEqual(
    TASKS.map((t) => t.name).filter((n) => !(n in STEP_MS)),
    [],
  );
});

test('the full suite starts with imdb-gru, the longest task, and ends with the tabular ones', () => {
  const order = longestFirst(TASKS, 'full').map((t) => t.name);
  assert.equal(order[0], 'imdb-gru');
  assert.deepEqual(new Set(order.slice(-2)), new Set(['breast-cancer-logreg', 'diabetes-mlp']));
  assert.equal(order.length, TASKS.length);
});

test('cost is steps times milliseconds per step, so more steps can outweigh a cheaper step', () => {
  // letters-mlp 2.7 ms × 2000 = 5.4 s against brown-genre 5.6 ms × 600 = 3.4 s
  const order = longestFirst([spec('brown-genre', 600), spec('letters-mlp', 2000)], 'full').map((t) => t.name);
  assert.deepEqual(order, ['letters-mlp', 'brown-genre']);
  // one budget for every run (--steps) leaves only the cost per step
  const same = longestFirst([spec('letters-mlp', 2000), spec('brown-genre', 600)], 'full', 100).map((t) => t.name);
  assert.deepEqual(same, ['brown-genre', 'letters-mlp']);
});

test('a task without a measured cost starts first, and ties keep the order given', () => {
  const order = longestFirst([spec('mnist-mlp', 10), spec('new-task', 10), spec('other-new', 10)], 'full');
  assert.deepEqual(
    order.map((t) => t.name),
    ['new-task', 'other-new', 'mnist-mlp'],
  );
});
