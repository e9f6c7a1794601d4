// GeN's cost against its base optimizer on the backend benchmark's models (MLP, CNN, transformer),
// time and memory, measured in one interleaved run:
//
//   npx tsx bench/backend/gen-cost.ts [--reps 11] [--only MLP,CNN] [--every 1,4,8] [--anytime] [--fitted]
//     [--gradient-slope] [--relaxed-simd on]
//
// `--only` takes the benchmark's architectures (MLP, CNN, transformer, …) and the suite's task models
// (mnist-mlp, moby-char, …: seed 0 on its first training batch, what `cli/main.ts overhead` measures).
//
// Time. Each round times, one after the other on the same weights: the forward pass F (loss
// only, read back), two base steps F+B (AdamW `minimize` + loss readback), and one refit period
// of GeN-AdamW at every = Φ for each Φ (Φ steps, the first a refit). A GeN step is classed by
// `lastStep.refit`; its cost per step is ((Φ − 1)·plain + refit)/Φ from the medians of each kind,
// against the bound 1 + k·F/(Φ·(F+B)): k probe forwards per refit and nothing else.
//
// Memory. Per optimizer, one period of steps inside `tf.profile`, after priming: the peak of
// `tf.memory().numBytes` (sampled after every kernel) minus the bytes held before the optimizer
// existed, i.e. its state plus the step's temporaries, in units of the parameters' bytes. tfjs
// counts those bytes per tensor handle, so a zero-copy view (a reshape, a shared `Identity`
// output) counts as a copy; the second measure counts distinct buffers: the live bytes that JS
// allocated on the wasm heap (`_malloc`/`_free` wrapped), peak minus the start, same period.
//
// `--anytime` adds GeN at every = 4 with the anytime mode's iterate average (`iterateAverage: 8`, no horizon), whose
// cost lies outside the bound: one more copy of the parameters and one multiply-add per weight per step.
//
// GeN's default variants (`slope: 'alternating'` since 1.3, `calibrate: false`: one probe forward per refit and one dot
// product with the gradient) are held to the bound 1 + F/(Φ·(F+B)). `--fitted` adds GeN at each Φ with `slope:
// 'fitted'` (two probe forwards, the bound 1 + 2F/(Φ·(F+B)): 1.2's default), `--gradient-slope` with `slope:
// 'gradient'` (one probe, always ahead; docs/algorithm.md §24).
//
// Prints a Markdown table and writes results/gen-cost.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { AdamW, GEN_DEFAULTS, GeN } from '../../src/index.js';
import { median } from '../stats.js';
import type { Model } from './models.js';
import { namedModel } from './named-model.js';
import { args, argValue, relaxedSimdArg } from './cli-args.js';

const REPS = Number(argValue('--reps') ?? 11);
const EVERY = (argValue('--every') ?? '1,4,8').split(',').map(Number);
const ONLY = (argValue('--only') ?? 'MLP,CNN,transformer').split(',');
const ANYTIME = args.includes('--anytime');
const GRADIENT_SLOPE = args.includes('--gradient-slope');
const FITTED = args.includes('--fitted');
/** Probe forwards per refit of the default GeN without calibration. */
const DEFAULT_PROBES = GEN_DEFAULTS.slope === 'fitted' ? 2 : 1;
/** The Φ of the `--anytime` variant. */
const ANYTIME_EVERY = 4;
/** Untimed rounds before the timed ones (slots, kernel caches, the allocator). */
const PRIMING_ROUNDS = 2;
const LR = 1e-4;

const log = (s: string) => process.stderr.write(s + '\n');

interface Variant {
  name: string;
  every: number;
  /** Probe forwards per refit, which the bound counts (0 for the base). */
  probes: number;
  make: () => tf.Optimizer;
}

interface GenRow {
  name: string;
  every: number;
  probes: number;
  plainMs: number | null;
  refitMs: number;
  perStepMs: number;
  ratio: number;
  bound: number;
  /** The paper's bound, two probe forwards per refit: 1 + 2F/(Φ·(F+B)), whatever the variant's probes. */
  paperBound: number;
  /** Refit minus plain step (or minus the base step at every = 1), against 2F. */
  refitExtraMs: number;
}

interface ModelRow {
  model: string;
  paramBytes: number;
  forwardMs: number;
  baseMs: number;
  gen: GenRow[];
  /** Peak `numBytes` above the model's own during one period of steps, in parameter copies. */
  peakCopies: Record<string, number>;
  /** The same for distinct buffers on the wasm heap. */
  heapCopies: Record<string, number>;
  samples: Record<string, number>;
}

// GeN's step as the paper's bound counts it: without the anytime mode's iterate average (one more copy of the
// parameters and one multiply-add per weight per step, outside the bound).
/** GeN at each Φ of `--every` with the given slope (the default's when undefined), `suffix` naming the family. */
const genVariants = (suffix: string, probes: number, slope?: 'fitted' | 'gradient'): Variant[] =>
  EVERY.map((every) => ({
    name: `gen${every}${suffix}`,
    every,
    probes,
    make: () =>
      new GeN(new AdamW(), {
        every,
        initialLr: LR,
        calibrate: false,
        iterateAverage: null,
        ...(slope ? { slope } : {}),
      }),
  }));

const variantsFor = (): Variant[] => [
  { name: 'base', every: 1, probes: 0, make: () => new AdamW({ lr: LR }) },
  ...genVariants('', DEFAULT_PROBES),
  ...(FITTED ? genVariants('fitted', 2, 'fitted') : []),
  ...(GRADIENT_SLOPE ? genVariants('slope', 1, 'gradient') : []),
  ...(ANYTIME
    ? [
        {
          name: `gen${ANYTIME_EVERY}avg`,
          every: ANYTIME_EVERY,
          probes: DEFAULT_PROBES,
          make: () =>
            new GeN(new AdamW(), {
              every: ANYTIME_EVERY,
              initialLr: LR,
              calibrate: false,
              iterateAverage: 8,
              horizon: null,
            }),
        },
      ]
    : []),
];

interface WasmHeap {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/**
 * Live bytes that JS allocates on the wasm heap from now on (every tensor buffer and every scratch
 * buffer of our kernels; not XNNPACK's own C++ allocations), and their peak.
 */
function trackHeap() {
  const wasm = (tf.backend() as unknown as { wasm: WasmHeap }).wasm;
  const { _malloc: malloc, _free: free } = wasm;
  const sizes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  wasm._malloc = (bytes: number) => {
    const ptr = malloc(bytes);
    sizes.set(ptr >>> 0, bytes);
    live += bytes;
    peak = Math.max(peak, live);
    return ptr;
  };
  wasm._free = (ptr: number) => {
    live -= sizes.get(ptr >>> 0) ?? 0;
    sizes.delete(ptr >>> 0);
    free(ptr);
  };
  return {
    live: () => live,
    peak: () => peak,
    resetPeak: () => void (peak = live),
    uninstall: () => Object.assign(wasm, { _malloc: malloc, _free: free }),
  };
}

/** One training step with the loss read back, as a user's loop does; returns whether it refitted. */
function step(opt: tf.Optimizer, model: Model): boolean {
  tf.tidy(() => (opt.minimize(() => model.loss(), true, model.vars) as tf.Scalar).dataSync());
  return (opt as Partial<GeN>).lastStep?.refit ?? false;
}

async function measureModel(name: string): Promise<ModelRow> {
  const model = namedModel(name);
  const paramBytes = model.vars.reduce((s, v) => s + v.size * 4, 0);
  const saved = model.vars.map((v) => tf.clone(v));
  const restore = () => model.vars.forEach((v, i) => v.assign(saved[i]));
  const variants = variantsFor();
  const opts = variants.map((v) => v.make());
  const plain: Record<string, number[]> = { forward: [] };
  const refit: Record<string, number[]> = {};
  for (const v of variants) [plain[v.name], refit[v.name]] = [[], []];

  for (let round = 0; round < PRIMING_ROUNDS + REPS; round++) {
    const timed = round >= PRIMING_ROUNDS;
    restore();
    for (let k = 0; k < 2; k++) {
      const t = performance.now();
      tf.tidy(() => model.loss().dataSync());
      if (timed) plain.forward.push(performance.now() - t);
    }
    variants.forEach((v, i) => {
      restore();
      // The base's two steps per round; a GeN variant's one period (its refit first: every GeN
      // optimizer has made a whole number of periods before each round).
      const steps = v.name === 'base' ? 2 : v.every;
      for (let k = 0; k < steps; k++) {
        const t = performance.now();
        const refitted = step(opts[i], model);
        const dt = performance.now() - t;
        if (timed) (refitted || v.name === 'base' ? refit : plain)[v.name].push(dt);
      }
    });
    log(`  ${name} round ${round + 1}/${PRIMING_ROUNDS + REPS}`);
  }
  opts.forEach((o) => o.dispose());

  // Memory: fresh optimizers from the same weights, one primed period, then one profiled period.
  const peakCopies: Record<string, number> = {};
  const heapCopies: Record<string, number> = {};
  const heap = trackHeap();
  try {
    for (const v of variants) {
      restore();
      const before = tf.memory().numBytes;
      const heapBefore = heap.live();
      const opt = v.make();
      for (let k = 0; k < v.every + 1; k++) step(opt, model);
      heap.resetPeak();
      const info = await tf.profile(() => {
        for (let k = 0; k < v.every; k++) step(opt, model);
      });
      peakCopies[v.name] = (info.peakBytes - before) / paramBytes;
      heapCopies[v.name] = (heap.peak() - heapBefore) / paramBytes;
      opt.dispose();
    }
  } finally {
    heap.uninstall();
  }
  restore();
  tf.dispose(saved);
  model.dispose();

  const F = median(plain.forward);
  const base = median(refit.base);
  const gen = variants
    .filter((v) => v.name !== 'base')
    .map((v): GenRow => {
      const plainMs = v.every > 1 ? median(plain[v.name]) : null;
      const refitMs = median(refit[v.name]);
      const perStepMs = ((v.every - 1) * (plainMs ?? 0) + refitMs) / v.every;
      return {
        name: v.name,
        every: v.every,
        probes: v.probes,
        plainMs,
        refitMs,
        perStepMs,
        ratio: perStepMs / base,
        bound: 1 + (v.probes * F) / (v.every * base),
        paperBound: 1 + (2 * F) / (v.every * base),
        refitExtraMs: refitMs - (plainMs ?? base),
      };
    });
  const samples = Object.fromEntries(
    Object.entries({ ...plain, ...Object.fromEntries(Object.entries(refit).map(([k, x]) => [`${k} refit`, x])) }).map(
      ([k, x]) => [k, x.length],
    ),
  );
  return { model: name, paramBytes, forwardMs: F, baseMs: base, gen, peakCopies, heapCopies, samples };
}

/** How a GeN variant's name reads in the tables beyond its Φ. */
const suffix = (name: string) =>
  name.endsWith('avg')
    ? ' + average'
    : name.endsWith('slope')
      ? ', slope from the gradient'
      : name.endsWith('fitted')
        ? ', fitted slope'
        : '';

const f1 = (x: number | null) => (x === null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const report = await setupBackend({ relaxedSimd: relaxedSimdArg() });
  const rows: ModelRow[] = [];
  for (const name of ONLY) {
    log(`… ${name}`);
    rows.push(await measureModel(name));
  }
  const time = [
    "| model | F ms | base F+B ms | every | GeN plain step ms | GeN refit step ms | refit − plain ms (probes × F) | GeN ÷ base | bound (its probes) | within bound + 3% | paper's bound (2 probes) | within + 3% |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
    ...rows.flatMap((r) =>
      r.gen.map(
        (g) =>
          `| ${r.model} | ${f1(r.forwardMs)} | ${f1(r.baseMs)} | ${g.every}${suffix(g.name)} | ${f1(g.plainMs)} | ${f1(g.refitMs)} | ` +
          `${f1(g.refitExtraMs)} (${f1(g.probes * r.forwardMs)}) | ${g.ratio.toFixed(3)} | ${g.bound.toFixed(3)} | ` +
          `${g.ratio <= g.bound + 0.03 ? 'yes' : 'no'} | ${g.paperBound.toFixed(3)} | ${g.ratio <= g.paperBound + 0.03 ? 'yes' : 'no'} |`,
      ),
    ),
  ];
  const names = variantsFor().map((v) => v.name);
  const title = (n: string) => (n === 'base' ? 'AdamW' : `GeN every=${Number.parseInt(n.slice(3), 10)}${suffix(n)}`);
  // The goal counts GeN's step; the average is the anytime mode's extra copy, reported beside it.
  const stepNames = names.filter((n) => !n.endsWith('avg'));
  const memory = [
    `| model | parameters (MB) | measure | ${names.map(title).join(' | ')} | worst GeN − AdamW | ≤ 1 copy |`,
    `|---|---:|---|${names.map(() => '---:|').join('')}---:|---|`,
    ...rows.flatMap((r) =>
      (
        [
          ['tf.memory().numBytes', r.peakCopies],
          ['wasm heap buffers', r.heapCopies],
        ] as const
      ).map(([label, copies]) => {
        const worst = Math.max(...stepNames.slice(1).map((n) => copies[n])) - copies.base;
        return (
          `| ${r.model} | ${(r.paramBytes / 2 ** 20).toFixed(2)} | ${label} | ${names.map((n) => copies[n].toFixed(2)).join(' | ')} | ` +
          `${worst.toFixed(2)} | ${worst <= 1 ? 'yes' : 'no'} |`
        );
      }),
    ),
  ];
  const env =
    `Node ${process.version}, ${cpus().length} cores, tfjs ${tf.version.tfjs}, backend ${report.backend} ` +
    `(SIMD ${report.simd}, relaxed SIMD ${report.relaxedSimd}, threads ${report.threads}); ${PRIMING_ROUNDS} priming rounds, ${REPS} timed rounds; ` +
    `load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`;
  process.stdout.write(
    `\nTime (medians; GeN ÷ base = ((Φ−1)·plain + refit)/Φ ÷ base):\n\n${time.join('\n')}\n\n` +
      `Peak memory during one period of steps above the model's own, in copies of the parameters:\n\n${memory.join('\n')}\n\n${env}\n`,
  );
  mkdirSync('results', { recursive: true });
  writeFileSync(
    'results/gen-cost.json',
    JSON.stringify({ date: new Date().toISOString(), env, args, rows }, null, 2) + '\n',
  );
  log('wrote results/gen-cost.json');
}

await main();
