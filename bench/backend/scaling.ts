// How the MLP's training step scales with work, ours against PyTorch in the same run:
//
//   npx tsx bench/backend/scaling.ts [--reps 11] [--quick] [--torch-threads 2]
//
// MLP 784-w-w-10, Adam(1e-3) `minimize` + loss readback, as bench/backend/run.ts; width w from
// 256 to 4096 at batch 128, and batch from 32 to 1024 at width 256. For each point our step is
// timed (median of `reps` after 3 untimed priming calls), then PyTorch's right after it
// (bench/backend/pytorch_mlp.py: Debian's torch 1.13 on OpenBLAS, 2 intra-op threads unless
// --torch-threads says otherwise: on an oversubscribed machine 1 is the fairer match for our
// single thread), so both see the same load. Writes results/backend-scaling.json, the table docs/backend-scaling.md and the log-log
// plot docs/backend-scaling.svg (vega-lite, rendered without a browser).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { setupBackend } from '../../src/backend/index.js';
import { median } from '../stats.js';
import { mlp } from './models.js';
import { args, argValue } from './cli-args.js';

const quick = args.includes('--quick');
const REPS = Number(argValue('--reps') ?? (quick ? 3 : 11));
const PRIMING = quick ? 1 : 3;
const WIDTHS = quick ? [256, 1024] : [256, 512, 1024, 2048, 4096];
const BATCHES = quick ? [32, 256] : [32, 64, 128, 256, 512, 1024];
const TORCH_THREADS = Number(argValue('--torch-threads') ?? 2);
const log = (s: string) => process.stderr.write(s + '\n');

interface Point {
  sweep: 'width' | 'batch';
  width: number;
  batch: number;
  /** Multiply-adds of one forward pass (the step does about 3×). */
  forwardMacs: number;
  oursMs: number;
  torchMs: number | null;
}

function ours(width: number, batch: number): number {
  const model = mlp({ inputs: 784, hidden: width, classes: 10, batch });
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const l = opt.minimize(model.loss, true, model.vars)!;
    l.dataSync();
    l.dispose();
  };
  try {
    for (let i = 0; i < PRIMING; i++) step();
    const ms: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const t = performance.now();
      step();
      ms.push(performance.now() - t);
    }
    return median(ms);
  } finally {
    opt.dispose();
    model.dispose();
  }
}

function torch(width: number, batch: number): number | null {
  const r = spawnSync(
    process.env.PYTHON ?? '/usr/bin/python3',
    [
      'bench/backend/pytorch_mlp.py',
      '--width',
      String(width),
      '--batch',
      String(batch),
      '--reps',
      String(REPS),
      '--priming-calls',
      String(PRIMING),
      '--threads',
      String(TORCH_THREADS),
    ],
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  if (r.status !== 0) {
    log(`  PyTorch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { trainMs: number }).trainMs;
}

async function plot(points: Point[]): Promise<string> {
  const rows = points.flatMap((p) => {
    const sweep = p.sweep === 'width' ? 'width (batch 128)' : 'batch (width 256)';
    const x = p.sweep === 'width' ? p.width : p.batch;
    return [
      { sweep, x, ms: p.oursMs, who: 'ours (wasm)' },
      ...(p.torchMs === null
        ? []
        : [{ sweep, x, ms: p.torchMs, who: `PyTorch (${TORCH_THREADS} thread${TORCH_THREADS > 1 ? 's' : ''})` }]),
    ];
  });
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    facet: { column: { field: 'sweep', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'width or batch' },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms per training step' },
        color: { field: 'who', type: 'nominal', title: null, legend: { labelLimit: 400 } },
      },
    },
    resolve: { scale: { x: 'independent' } },
    config: { background: 'white' },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

async function main(): Promise<void> {
  const report = await setupBackend();
  const plan = [
    ...WIDTHS.map((width) => ({ sweep: 'width' as const, width, batch: 128 })),
    ...BATCHES.map((batch) => ({ sweep: 'batch' as const, width: 256, batch })),
  ];
  const points: Point[] = [];
  for (const p of plan) {
    log(`… width ${p.width}, batch ${p.batch}`);
    const oursMs = ours(p.width, p.batch);
    const torchMs = torch(p.width, p.batch);
    const forwardMacs = p.batch * (784 * p.width + p.width * p.width + p.width * 10);
    points.push({ ...p, forwardMacs, oursMs, torchMs });
    log(`  ours ${oursMs.toFixed(1)} ms, PyTorch ${torchMs?.toFixed(1) ?? '–'} ms`);
  }
  const env =
    `Node ${process.version}, tfjs ${tf.version.tfjs}, backend ${report.backend} (SIMD ${report.simd}, threads ${report.threads}); ` +
    `${PRIMING} priming calls, median of ${REPS}; load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (2 cores)`;
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const table = [
    '| sweep | width | batch | forward GMAC | ours ms | PyTorch ms | ours ÷ PyTorch | ours GFLOP/s (≈ 6·MAC / t) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...points.map(
      (p) =>
        `| ${p.sweep} | ${p.width} | ${p.batch} | ${(p.forwardMacs / 1e9).toFixed(3)} | ${f(p.oursMs)} | ` +
        `${p.torchMs === null ? '–' : f(p.torchMs)} | ${p.torchMs === null ? '–' : (p.oursMs / p.torchMs).toFixed(2) + '×'} | ` +
        `${((6 * p.forwardMacs) / (p.oursMs * 1e6)).toFixed(1)} |`,
    ),
  ];
  const md = [
    '# MLP scaling: ours against PyTorch',
    '',
    `Produced by \`npx tsx bench/backend/scaling.ts${args.length ? ' ' + args.join(' ') : ''}\` on ${new Date().toISOString().slice(0, 10)}. ${env}.`,
    `MLP 784-w-w-10, Adam(1e-3) training step with the loss read back; PyTorch (Debian torch 1.13, OpenBLAS, ${TORCH_THREADS} intra-op thread${TORCH_THREADS > 1 ? 's' : ''}) timed right after ours at each point. The machine is shared: read the ratios.`,
    '',
    ...table,
    '',
    '![MLP step time against width and batch, log-log](backend-scaling.svg)',
    '',
  ].join('\n');
  process.stdout.write(`\n${table.join('\n')}\n${env}\n`);
  mkdirSync('results', { recursive: true });
  writeFileSync(
    'results/backend-scaling.json',
    JSON.stringify({ date: new Date().toISOString(), env, points }, null, 2) + '\n',
  );
  writeFileSync('docs/backend-scaling.md', md);
  writeFileSync('docs/backend-scaling.svg', await plot(points));
  log('wrote results/backend-scaling.json, docs/backend-scaling.md, docs/backend-scaling.svg');
}

await main();
