// GeN over heavy-ball momentum on a tiny noiseless problem: the conformance suite's model.fit toy
// (test/linear-fit-toy.ts: y = X·[1, −2, 0.5] with 64 rows, a 3-1 dense layer, 8 epochs of 4 batches,
// so every = 4 refits on the same batch of each epoch) from 30 seeded initialisations per optimizer.
// Records each optimizer's final losses in results/experiments/heavy-ball-toy.jsonl and prints, from
// that file, how many runs ended with a higher loss than their first epoch, and the median and worst
// final loss (the table of docs/algorithm.md §7).
//   npx tsx experiments/heavy-ball-toy.ts [--trials 30]
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { setupBackend } from '../src/backend/index.js';
import { fitLinearToy } from '../bench/linear-fit-toy.js';
import { experimentFlags } from './args.js';
import { ExperimentLog, markdownTable } from './store.js';

const { trials } = experimentFlags('experiments/heavy-ball-toy.ts', {
  trials: { default: '30', help: 'seeded initialisations per optimizer', kind: 'int' },
});
const variants: Record<string, () => tf.Optimizer> = {
  'GeN over SGD, momentum 0.9': () => new GeN(new SGDW({ momentum: 0.9 })),
  'GeN over SGD, momentum 0.9, probeDirection current': () =>
    new GeN(new SGDW({ momentum: 0.9 }), { probeDirection: 'current' }),
  'GeN over SGD, momentum 0.5': () => new GeN(new SGDW({ momentum: 0.5 })),
  'GeN over SGD': () => new GeN(new SGDW()),
  'GeN over AdamW': () => new GeN(new AdamW()),
};
const log = new ExperimentLog('heavy-ball-toy', (await setupBackend({ backend: 'cpu' })).backend);
const config = { trials };
for (const [name, make] of Object.entries(variants)) {
  const first: number[] = [];
  const final: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const opt = make();
    const losses = await fitLinearToy(opt, trial);
    opt.dispose();
    first.push(losses[0]);
    final.push(losses[losses.length - 1]);
  }
  log.append(name, config, { firstEpochLoss: first, finalLoss: final });
}

const rows = Object.keys(variants).map((name) => {
  const first = log.metric(name, config, 'firstEpochLoss') as number[];
  const final = log.metric(name, config, 'finalLoss') as number[];
  const sorted = [...final].sort((a, b) => a - b);
  return [
    name,
    `${final.filter((l, i) => l > first[i]).length} of ${final.length}`,
    sorted[final.length >> 1].toExponential(2),
    sorted[final.length - 1].toExponential(2),
  ];
});
console.log(
  markdownTable(['optimizer', 'runs ending above their first epoch', 'median final loss', 'worst final loss'], rows, [
    false,
    true,
    true,
    true,
  ]),
);
console.log(`(records: ${log.shownPath})`);
