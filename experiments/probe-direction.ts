// Which direction and batch should GeN probe? Trains a 784-128-10 MLP on 20k MNIST images (batch 128)
// with GeN over AdamW and SGD-momentum from several initial learning rates, probing
//   current  – this step's direction on this step's batch (the paper's Algorithm 1),
//   previous – the previous step's direction on this step's batch (gen-optim's default),
//   next     – this step's direction on the next batch (probeLoss; one more forward pass),
// and records test accuracy, test loss, the lr every 50 steps and the tally of step reasons in
// results/experiments/probe-direction.jsonl; prints each run and the table of docs/algorithm.md §7 from it.
//   npx tsx experiments/probe-direction.ts [--bases adamw,sgdm] [--lr0 1e-5,1e-3,1e-1]
//     [--modes current,previous,next] [--steps 300] [--batch 128]
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { setupBackend } from '../src/backend/index.js';
import { loadMnist } from '../bench/data/mnist.js';
import { mnistLoss, mnistMetrics, mnistMlpModel, mnistSubset } from '../bench/tasks/mnist-mlp.js';
import { experimentFlags } from './args.js';
import { ExperimentLog, markdownTable } from './store.js';

const BASES: Record<string, { name: string; make: () => tf.Optimizer }> = {
  adamw: { name: 'AdamW', make: () => new AdamW() },
  sgdm: { name: 'SGD, momentum 0.9', make: () => new SGDW({ momentum: 0.9 }) },
};
const MODES = ['current', 'previous', 'next'] as const;
const flags = experimentFlags('experiments/probe-direction.ts', {
  bases: { default: 'adamw,sgdm', help: 'base optimizers', kind: { oneOf: Object.keys(BASES) } },
  lr0: { default: '1e-5,1e-3,1e-1', help: 'initial learning rates', kind: 'numbers' },
  modes: { default: MODES.join(','), help: 'what the probes measure', kind: { oneOf: MODES } },
  steps: { default: '300', help: 'training steps per run', kind: 'int' },
  batch: { default: '128', help: 'batch size', kind: 'int' },
});
const TRAIN = 20000;
const log = new ExperimentLog('probe-direction', (await setupBackend()).backend);
const mnist = loadMnist();
const data = mnistSubset({ train: TRAIN, batch: flags.batch, epochs: 4, pickSeed: 1, orderSeed: 4 });
const configOf = (base: string, lr0: number, mode: string) => ({
  base,
  lr0,
  mode,
  steps: flags.steps,
  batch: flags.batch,
  train: TRAIN,
});
const labelOf = (base: string, lr0: number, mode: string) => `${base} lr0=${lr0} ${mode}`;

function run(base: string, lr0: number, mode: string): void {
  const model = mnistMlpModel([2, 3]);
  let next = data.batch(0);
  const reasons: Record<string, number> = {};
  const opt = new GeN(BASES[base].make(), {
    initialLr: lr0,
    probeDirection: mode === 'previous' ? 'previous' : 'current',
    ...(mode === 'next' ? { probeLoss: () => mnistLoss(model, next) } : {}),
  });
  const t0 = performance.now();
  const lrs: number[] = [];
  for (let s = 0; s < flags.steps; s++) {
    const cur = next;
    next = data.batch(s + 1);
    tf.tidy(() => {
      opt.minimize(() => mnistLoss(model, cur), false, model.vars);
    });
    tf.dispose([cur.x, cur.y]);
    reasons[opt.lastStep!.reason] = (reasons[opt.lastStep!.reason] ?? 0) + 1;
    if (s % 50 === 49) lrs.push(opt.appliedStepSize);
  }
  const test = mnistMetrics(model, mnist.test);
  log.append(labelOf(base, lr0, mode), configOf(base, lr0, mode), {
    accuracy: 100 * test.accuracy,
    testLoss: test.loss,
    lrEvery50Steps: lrs,
    reasons,
    seconds: (performance.now() - t0) / 1000,
  });
  tf.dispose([next.x, next.y]);
  model.dispose();
  opt.dispose();
}

for (const base of flags.bases)
  for (const lr0 of flags.lr0)
    for (const mode of flags.modes) {
      run(base, lr0, mode);
      const label = labelOf(base, lr0, mode);
      const m = log.latest(label, configOf(base, lr0, mode))!.metrics;
      console.log(
        `${label.padEnd(40)} acc ${(m.accuracy as number).toFixed(2)}  loss ${(m.testLoss as number).toFixed(4)}  lr@50k ${(m.lrEvery50Steps as number[]).map((l) => l.toExponential(1)).join(' ')}  ${(m.seconds as number).toFixed(1)}s ${JSON.stringify(m.reasons)}`,
      );
    }

// Rows: base and initial lr; columns: probe modes; cells: test accuracy %, read back from the results file.
const rows = flags.bases.flatMap((base) =>
  flags.lr0.map((lr0) => [
    BASES[base].name,
    String(lr0),
    ...flags.modes.map((mode) =>
      (log.metric(labelOf(base, lr0, mode), configOf(base, lr0, mode), 'accuracy') as number).toFixed(2),
    ),
  ]),
);
console.log(
  `\n${markdownTable(['base', 'initial lr', ...flags.modes], rows, [false, false, ...flags.modes.map(() => true)])}`,
);
console.log(`(records: ${log.shownPath})`);
