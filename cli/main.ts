#!/usr/bin/env -S npx tsx
// gen-bench: the benchmark CLI. `gen-bench --help` for usage.
import { existsSync, rmSync } from 'node:fs';
import { DEFAULT_OPTIMIZERS, HELP, parseCli, UsageError, type CliOptions } from './args.js';
import { Progress } from './progress.js';
import { TASKS, findTask, type TaskSpec } from '../bench/tasks/index.js';
import { longestFirst } from '../bench/tasks/step-cost.js';
import { OPTIMIZERS, findOptimizer, loadPeers } from '../bench/optimizers.js';
import { runSuite } from '../bench/suite.js';
import { appendResult, readResults, type RunRecord } from '../bench/results.js';
import { acquireResultsLock, ResultsLockedError } from '../bench/results-lock.js';
import { availableParallelism } from 'node:os';
import { runInWorkers, sendToParent, WORKER_ENV } from './jobs.js';
import { measureOverhead } from '../bench/overhead.js';
import { packageVersions } from '../bench/versions.js';
import { MissingDataError } from '../bench/data/paths.js';
import { ReportInputError } from '../report/errors.js';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

function dataStatus(name: string): string {
  const t = findTask(name);
  if (!t) return '?';
  try {
    t.create(0).dispose();
    return 'data present';
  } catch (e) {
    return e instanceof MissingDataError ? `data missing: ${e.message}` : `error: ${(e as Error).message}`;
  }
}

async function setup(): Promise<string> {
  const { setupBackend } = await import('../src/backend/index.js');
  const r = await setupBackend();
  return r.backend;
}

async function list(): Promise<void> {
  await setup();
  await loadPeers();
  out('Tasks:\n');
  for (const t of TASKS) {
    out(
      `  ${t.name.padEnd(22)} ${t.description}\n  ${''.padEnd(22)} steps quick ${t.steps.quick} / full ${t.steps.full}; metric ${t.metric.name} (${t.metric.higherIsBetter ? 'higher' : 'lower'} is better); split seed ${t.splitSeed}\n  ${''.padEnd(22)} ${t.data}; ${dataStatus(t.name)}\n`,
    );
  }
  out('\nOptimizers:\n');
  for (const o of OPTIMIZERS) {
    const why = o.unavailable();
    out(`  ${o.name.padEnd(22)} ${o.description}${why ? `  [unavailable: ${why}]` : ''}\n`);
  }
}

function defaultTasks(o: CliOptions): string[] {
  return o.mode === 'quick' ? TASKS.filter((t) => t.npmData).map((t) => t.name) : TASKS.map((t) => t.name);
}

function defaultOptimizers(o: CliOptions): string[] {
  const names = [...DEFAULT_OPTIMIZERS.always, ...(o.mode === 'full' ? DEFAULT_OPTIMIZERS.full : [])];
  return [...names, ...OPTIMIZERS.filter((e) => e.kind === 'peer' && e.unavailable() === null).map((e) => e.name)];
}

/** The tasks the overhead is measured on: the ones asked for, else mnist-mlp (quick) or mnist-mlp and moby-char. */
const overheadTasks = (o: CliOptions) => o.tasks ?? (o.mode === 'quick' ? ['mnist-mlp'] : ['mnist-mlp', 'moby-char']);

async function overhead(o: CliOptions, backend: string): Promise<void> {
  const versions = packageVersions();
  for (const name of overheadTasks(o)) {
    const task = findTask(name);
    if (!task) continue;
    err(`overhead: ${name} (forward, AdamW step, GeN every 1/4/8; interleaved reps)\n`);
    const reps = o.mode === 'quick' ? 5 : 9;
    const rec = measureOverhead(task, {
      reps,
      stepsPerRep: 16,
      backend,
      versions,
      onRep: (i) => err(`  rep ${i + 1}/${reps}\n`),
    });
    appendResult(o.out, rec);
    err(`  F ${rec.forwardMs.toFixed(2)} ms, F+B ${rec.trainMs.toFixed(2)} ms\n`);
    for (const g of rec.gen)
      err(
        `  every ${g.every} (${g.probe}-batch probes): ${g.ms.toFixed(2)} ms/step, ×${g.ratio.toFixed(3)} of AdamW, bound ×${g.bound.toFixed(3)}\n`,
      );
  }
}

/** How this process was started, for the resume command ('gen-bench' when run as the installed bin). */
function resumeCommand(): string {
  const script = process.argv[1] ?? '';
  const prog = /\.ts$/.test(script) ? 'npx tsx cli/main.ts' : 'gen-bench';
  return [prog, ...process.argv.slice(2).filter((a) => a !== '--no-resume')].join(' ');
}

/** Whether `out` already holds an overhead measurement of every task the overhead would measure. */
function overheadMeasured(o: CliOptions): boolean {
  const have = new Set(readResults(o.out).flatMap((r) => (r.kind === 'overhead' ? [r.task] : [])));
  return overheadTasks(o).every((t) => have.has(t));
}

const runSummary = (rec: RunRecord) =>
  `${rec.metric.name} ${Number.isFinite(rec.value) ? rec.value.toPrecision(4) : 'diverged'} (${(rec.wallMs / 1000).toFixed(1)} s)`;

async function run(o: CliOptions): Promise<void> {
  const backend = await setup();
  await loadPeers();
  const taskNames = o.tasks ?? defaultTasks(o);
  const optimizers = o.optimizers ?? defaultOptimizers(o);
  for (const name of optimizers) {
    const why = findOptimizer(name)?.unavailable();
    if (why) err(`gen-bench: optimizer ${name} skipped: ${why}\n`);
  }
  const tasks: TaskSpec[] = [];
  for (const name of taskNames) {
    const t = findTask(name);
    if (!t) continue;
    const status = dataStatus(name);
    if (status !== 'data present') {
      err(`gen-bench: task ${name} skipped: ${status}\n`);
      continue;
    }
    tasks.push(t);
  }
  if (tasks.length === 0)
    throw new FriendlyError(
      `no task to run: ${taskNames.join(', ')} ${taskNames.length > 1 ? 'were' : 'was'} skipped (see above); 'gen-bench list' shows which tasks have their data`,
    );
  // The parent is the only writer (workers send their records to it), so it alone takes the lock.
  if (!process.env[WORKER_ENV]) acquireResultsLock(o.out, err);
  if (!o.resume && existsSync(o.out)) {
    const kept = `${o.out}.${Date.now()}.bak`;
    err(`gen-bench: --no-resume: moving the existing ${o.out} to ${kept}\n`);
    rmSync(kept, { force: true });
    (await import('node:fs')).renameSync(o.out, kept);
  }
  const seeds = o.seeds ?? (o.mode === 'quick' ? 1 : 3);
  const t0 = performance.now();
  let n: number;
  const suite = {
    tasks,
    optimizers,
    seeds,
    steps: o.steps,
    mode: o.mode,
    out: o.out,
    resume: o.resume,
    robustness: o.robustness,
    backend,
    versions: packageVersions(),
  };
  if (process.env[WORKER_ENV] && process.send) {
    n = await runSuite(
      // The parent decided what is resumed: a worker skips what --out already has.
      { ...suite, resume: true, append: (record) => sendToParent({ type: 'record', record }) },
      {
        onPhase: (name, runs, skipped) => void sendToParent({ type: 'phase', name, runs, skipped }),
        onRunStart: (r, index, total) =>
          void sendToParent({ type: 'start', label: `${r.opt.label} seed ${r.seed}`, index, total }),
        onProgress: (_r, p) => void sendToParent({ type: 'progress', ...p }),
        onRunEnd: (_r, rec) => void sendToParent({ type: 'end', summary: runSummary(rec) }),
        onRunError: (r, e) => void sendToParent({ type: 'error', key: r.key, message: e.stack ?? e.message }),
      },
    );
    process.disconnect?.();
    return;
  }
  const jobs = Math.min(o.jobs ?? (o.mode === 'quick' ? 1 : availableParallelism()), tasks.length);
  err(
    `gen-bench run (${o.mode}): tasks ${tasks.map((t) => t.name).join(', ')}; optimizers ${optimizers.join(', ')}; backend ${backend}; ${jobs} job${jobs > 1 ? 's' : ''}; results → ${o.out}\n`,
  );
  // A run is synchronous, so this runs once the current run's record is written: nothing finished is lost.
  process.once('SIGINT', () => {
    const text = `gen-bench: interrupted; every finished run is in ${o.out}. Resume with: ${resumeCommand()}`;
    if (progress) progress.line(text);
    else err(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${text}\n`);
    process.exit(130);
  });
  let progress: Progress | null = null;
  if (jobs > 1) {
    // The quick suite's robustness runs are on its first task only, as in a single process.
    const robustOn = (task: string) => o.robustness && (o.mode === 'full' || task === tasks[0].name);
    const passOn = (task: string) => [
      '--optimizers',
      optimizers.join(','),
      '--seeds',
      String(seeds),
      `--${o.mode}`,
      '--no-overhead',
      ...(o.steps ? ['--steps', String(o.steps)] : []),
      robustOn(task) ? '--robustness' : '--no-robustness',
    ];
    n = await runInWorkers({
      tasks: longestFirst(tasks, o.mode, o.steps).map((t) => t.name),
      jobs,
      out: o.out,
      args: passOn,
      write: err,
      tty: process.stderr.isTTY === true,
    });
  } else {
    const bar = (progress = new Progress());
    n = await runSuite(suite, {
      onPhase: (name, _runs, skipped, todo) =>
        bar.phase(
          name,
          todo.map((r) => ({ task: r.task.name, steps: r.steps })),
          skipped,
        ),
      onRunStart: (r, i, total) => bar.start(`${r.opt.label} seed ${r.seed} · ${r.task.name}`, i, total),
      onProgress: (_r, p) => bar.update(p.step, p.steps, p.loss, p.lr),
      onRunEnd: (r, rec) => bar.end(r.task.name, rec.wallMs, rec.steps, runSummary(rec)),
      onRunError: (r, e) => bar.line(`gen-bench: run ${r.key} failed: ${e.message}`),
    });
  }
  err(`gen-bench: ${n} runs finished in ${((performance.now() - t0) / 1000).toFixed(0)} s; results in ${o.out}\n`);
  if (o.overhead === 'on' || (o.overhead === 'auto' && (n > 0 || !overheadMeasured(o)))) await overhead(o, backend);
  else if (o.overhead === 'auto')
    err(`gen-bench: overhead not measured again: nothing new ran and ${o.out} has it (--overhead measures anyway)\n`);
}

async function main(): Promise<number> {
  let o: CliOptions;
  try {
    o = parseCli(process.argv.slice(2), { tasks: TASKS.map((t) => t.name), optimizers: OPTIMIZERS.map((e) => e.name) });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`gen-bench: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  switch (o.command) {
    case 'help':
      out(HELP);
      return 0;
    case 'list':
      await list();
      return 0;
    case 'run':
      await run(o);
      return 0;
    case 'overhead':
      await overhead(o, await setup());
      return 0;
    case 'report': {
      const { buildReport } = await import('../report/build.js');
      await buildReport({
        from: o.from ?? o.out,
        mode: o.mode,
        dir: o.report,
        publish: o.publish,
        png: o.png,
        log: err,
      });
      return 0;
    }
  }
}

/** An error whose message says all a user needs: printed without a stack trace. */
class FriendlyError extends Error {}

const friendly = (e: unknown): boolean =>
  e instanceof FriendlyError ||
  e instanceof ResultsLockedError ||
  e instanceof ReportInputError ||
  e instanceof MissingDataError ||
  e instanceof UsageError;

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    if (friendly(e) || !process.env.GEN_BENCH_DEBUG)
      err(`gen-bench: ${e.message}${friendly(e) ? '' : ' (GEN_BENCH_DEBUG=1 prints the stack trace)'}\n`);
    else err(`gen-bench: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  },
);
