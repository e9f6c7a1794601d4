// The fused LSTM step (src/backend/kernels/lstm-gates.ts, lstm-cell.ts) on and off in one run:
//
//   npx tsx bench/backend/lstm-ab.ts [--reps 11] [--cell gru]
//
// The benchmark's char LSTM (bench/backend/models.ts; 2 × 128 units, batch 32 × 64 steps), or
// the same model with GRU layers (--cell gru: the fused GRU step, kernels/gru-cell.ts),
// Adam(1e-3) `minimize` + loss readback and the forward pass alone, with every other kernel of
// this project active. "off" unregisters only the gate kernel, so tfjs-layers' stock cell runs.
// Rounds alternate on, off, off, on, …; medians of `reps` rounds after 3 untimed ones.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels, setupBackend } from '../../src/backend/index.js';
import { GRU_A } from '../../src/backend/kernels/gru-gates.js';
import { LSTM_GATES } from '../../src/backend/kernels/lstm-gates.js';
import { median } from '../stats.js';
import { charRnn } from './models.js';

const args = process.argv.slice(2);
const i = args.indexOf('--reps');
const REPS = i >= 0 ? Number(args[i + 1]) : 11;
const CELL = args.includes('--cell') && args[args.indexOf('--cell') + 1] === 'gru' ? 'gru' : 'lstm';
/** The kernel whose absence sends the cell down the stock path. */
const GATE = CELL === 'gru' ? GRU_A : LSTM_GATES;
const PRIMING = 3;

await setupBackend();
const model = charRnn({ vocab: 65, embed: 64, hidden: 128, batch: 32, seq: 64, cell: CELL });
const opt = tf.train.adam(1e-3);
const fused = (on: boolean) => {
  if (on) registerWasmKernels();
  else if (tf.getKernel(GATE, 'wasm') !== undefined) tf.unregisterKernel(GATE, 'wasm');
};
const ms: Record<string, number[]> = { 'train on': [], 'train off': [], 'forward on': [], 'forward off': [] };
const calls = { on: 0, off: 0 };
for (let round = 0; round < PRIMING + REPS; round++) {
  for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
    fused(on);
    const tag = on ? 'on' : 'off';
    let t = performance.now();
    const l = opt.minimize(model.loss, true, model.vars)!;
    l.dataSync();
    l.dispose();
    const train = performance.now() - t;
    t = performance.now();
    tf.tidy(() => model.loss().dataSync());
    const forward = performance.now() - t;
    if (round >= PRIMING) {
      ms[`train ${tag}`].push(train);
      ms[`forward ${tag}`].push(forward);
    }
  }
}
for (const on of [true, false]) {
  fused(on);
  const info = await tf.profile(() => tf.tidy(() => model.loss().dataSync()));
  calls[on ? 'on' : 'off'] = info.kernels.length;
}
fused(true);
opt.dispose();
model.dispose();
const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
const f = (x: number) => x.toFixed(0);
process.stdout.write(
  [
    '',
    `| char ${CELL.toUpperCase()} 2×128, b32×64 | fused gates | stock cell | fused ÷ stock |`,
    '|---|---:|---:|---:|',
    `| train step ms | ${f(m['train on'])} | ${f(m['train off'])} | ${(m['train on'] / m['train off']).toFixed(2)} |`,
    `| forward ms | ${f(m['forward on'])} | ${f(m['forward off'])} | ${(m['forward on'] / m['forward off']).toFixed(2)} |`,
    `| kernel calls per forward | ${calls.on} | ${calls.off} | ${(calls.on / calls.off).toFixed(2)} |`,
    '',
    `medians of ${REPS} rounds after ${PRIMING}; load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (2 cores)`,
    '',
  ].join('\n'),
);
