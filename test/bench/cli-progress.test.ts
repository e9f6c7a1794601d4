// The progress display of `gen-bench run`: a line that fits the terminal with its numbers intact,
// plain lines off a terminal, and an ETA measured from finished runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtaEstimator, formatProgressLine, Progress, type ProgressLine } from '../../cli/progress.js';

const line = (p: Partial<ProgressLine> = {}): ProgressLine => ({
  label: '[12/60] GeN-AdamW (current-direction probes) lr0=0.0001 seed 2 · breast-cancer-logreg',
  step: 150,
  steps: 300,
  loss: 0.23456,
  lr: 0.00123,
  eta: { ms: 192_000, lowerBound: false },
  ...p,
});

test('at 80 columns the line keeps step, ETA, loss and lr, and cuts the label instead', () => {
  const s = formatProgressLine(line(), 80);
  assert.ok(s.length <= 79, `${s.length} characters: the last column stays free`);
  assert.ok(s.endsWith('150/300 ETA 3:12 loss 0.2346 lr 1.2e-3'), s);
  assert.ok(s.startsWith('[12/60] GeN-AdamW'), 'the label starts the line');
  assert.ok(s.includes('…'), 'and is cut visibly');
  assert.match(s, /\[#+\.+\]/, 'with a bar half full');
});

test('a narrow terminal loses the bar, then the label, before any number', () => {
  const s = formatProgressLine(line(), 50);
  assert.ok(s.length <= 49);
  assert.ok(s.endsWith('150/300 ETA 3:12 loss 0.2346 lr 1.2e-3'), s);
  assert.equal(s.includes('['.repeat(1) + '#'), false, 'no bar');
  const tiny = formatProgressLine(line(), 30);
  assert.ok(tiny.length <= 29 && tiny.startsWith('150/300 ETA 3:12'), tiny);
  const wide = formatProgressLine(line({ label: 'short' }), 160);
  assert.ok(wide.startsWith('short '), 'a short label is not padded away');
});

test('the ETA says "?" before a run has finished and ">" while a task of the phase has no measurement', () => {
  assert.match(formatProgressLine(line({ eta: null }), 80), /ETA \? loss/);
  assert.match(formatProgressLine(line({ eta: { ms: 61_000, lowerBound: true } }), 80), /ETA >1:01 loss/);
});

test('the ETA is the median time per step of finished runs of the task times the steps left', () => {
  const e = new EtaEstimator();
  assert.equal(e.eta([{ task: 'a', steps: 100 }]), null, 'nothing finished: unknown');
  e.finished('a', 1000, 100); // 10 ms/step
  e.finished('a', 3000, 100); // 30 ms/step
  e.finished('a', 2000, 100); // 20 ms/step: the median
  assert.deepEqual(
    e.eta([
      { task: 'a', steps: 50 },
      { task: 'a', steps: 100 },
    ]),
    { ms: 3000, lowerBound: false },
  );
  assert.deepEqual(
    e.eta([
      { task: 'a', steps: 50 },
      { task: 'b', steps: 100 },
    ]),
    { ms: 1000, lowerBound: true },
  );
});

test('off a terminal the display is plain lines; on one, a redrawn line that a message clears first', () => {
  const plain: string[] = [];
  const p = new Progress({ write: (s) => void plain.push(s), tty: false });
  p.phase('tune', [{ task: 'a', steps: 8 }], 0);
  p.start('GeN-AdamW seed 0 · a', 0, 1);
  for (let s = 1; s <= 8; s++) p.update(s, 8, 1 / s, 0.01);
  p.end('a', 800, 8, 'accuracy 0.9 (0.8 s)');
  const text = plain.join('');
  assert.equal(text.includes('\r'), false, 'no carriage returns in a log');
  assert.equal(text.includes('\x1b'), false, 'no escape codes in a log');
  assert.deepEqual(text.trimEnd().split('\n'), [
    'phase tune: 1 runs to do',
    '[1/1] GeN-AdamW seed 0 · a',
    '    1/8 ETA ? loss 1.000 lr 1.0e-2',
    '    2/8 ETA ? loss 0.5000 lr 1.0e-2',
    '    4/8 ETA ? loss 0.2500 lr 1.0e-2',
    '    6/8 ETA ? loss 0.1667 lr 1.0e-2',
    '    accuracy 0.9 (0.8 s)',
  ]);

  const tty: string[] = [];
  const q = new Progress({ write: (s) => void tty.push(s), tty: true, columns: () => 80 });
  q.phase('tune', [{ task: 'a', steps: 8 }], 0);
  q.start('GeN-AdamW seed 0 · a', 0, 1);
  q.update(4, 8, 0.5, 0.01);
  const drawn = tty.at(-1)!;
  assert.ok(drawn.startsWith('\r') && drawn.endsWith('4/8 ETA ? loss 0.5000 lr 1.0e-2\x1b[K'), JSON.stringify(drawn));
  q.line('gen-bench: interrupted');
  assert.equal(tty.at(-1), '\r\x1b[Kgen-bench: interrupted\n', 'the half-drawn line is cleared first');
});
