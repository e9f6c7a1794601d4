import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logSpaced, scheduledLr } from '../../bench/schedules.js';
import { ScheduledAdamW } from '../../bench/scheduled.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test('constant schedule keeps the peak lr', () => {
  for (const s of [0, 50, 99]) close(scheduledLr('constant', 0.1, s, 100), 0.1);
});

test('linear schedule decays from the peak to 0', () => {
  close(scheduledLr('linear', 0.1, 0, 100), 0.1);
  close(scheduledLr('linear', 0.1, 50, 100), 0.05);
  close(scheduledLr('linear', 0.1, 100, 100), 0);
});

test('cosine schedule warms up linearly over 5% of the steps, then decays as (1 + cos πt)/2', () => {
  close(scheduledLr('cosine', 1, 0, 100), 1 / 5);
  close(scheduledLr('cosine', 1, 4, 100), 1);
  close(scheduledLr('cosine', 1, 5, 100), 1);
  close(scheduledLr('cosine', 1, 5 + 47.5, 100), 0.5);
  close(scheduledLr('cosine', 1, 100, 100), 0);
  close(scheduledLr('cosine', 1, 3, 100, 0), (1 + Math.cos((Math.PI * 3) / 100)) / 2);
});

test('an unknown schedule names the allowed ones', () => {
  assert.throws(
    () => scheduledLr('step' as never, 1, 0, 10),
    /unknown schedule 'step'; allowed: constant, linear, cosine/,
  );
});

test('logSpaced gives 7 log-spaced lrs including both ends', () => {
  assert.deepEqual(logSpaced(1e-4, 1e-1, 7), [1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1]);
});

test('ScheduledAdamW reports the schedule value of its step', () => {
  const o = new ScheduledAdamW({ lr: 1, schedule: 'linear', totalSteps: 10 });
  close(o.appliedStepSize, 1);
});
