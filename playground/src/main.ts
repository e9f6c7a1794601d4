// The playground page: controls, the training loop (one step of every run per tick, yielding to the
// browser every ~25 ms), and the charts.
import * as tf from '@tensorflow/tfjs';
import type { GeN, GeNOptions } from '../../src/index.js';
import type { PlaygroundApi, PlaygroundSummary, RunSummary } from './api.js';
import { activateBackend, type BackendChoice, type BackendResult } from './backend.js';
import { drawLineChart, drawParabola, formatNumber, type ParabolaView, type Series } from './charts.js';
import { Batches, loadDigits, type Digits } from './data.js';
import { initialWeights, modelSpec, type ModelKind, type ModelSpec } from './models.js';
import { makeRuns, type BaseKind, type PeerKind, type Run, type RunConfig } from './runs.js';

const SEED = 7;
const EVAL_EVERY = 10;
const SLICE_MS = 25;

function byId<T extends Element>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`playground: element #${id} missing`);
  return e as unknown as T;
}

const form = byId<HTMLFormElement>('controls');
const startButton = byId<HTMLButtonElement>('start');
const resetButton = byId<HTMLButtonElement>('reset');
const errorBox = byId<HTMLParagraphElement>('error');
const pendingBox = byId<HTMLParagraphElement>('pending');
const charts = {
  loss: byId<SVGSVGElement>('chart-loss'),
  acc: byId<SVGSVGElement>('chart-acc'),
  lr: byId<SVGSVGElement>('chart-lr'),
  parabola: byId<SVGSVGElement>('chart-parabola'),
};

/** The form's settings: the page's (model, batch, steps, backend) and the runs' own. */
interface Settings extends RunConfig {
  model: ModelKind;
  batch: number;
  steps: number;
  backend: BackendChoice;
  /** Whether the report images' loss is reported to GeN every EVAL_EVERY steps (`reportValidationLoss`). */
  report: boolean;
}

function field(name: string): string {
  const e = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  if (e === null) throw new Error(`playground: control '${name}' missing`);
  return e.value.trim();
}

function positiveNumber(name: string, label: string): number {
  const v = Number(field(name));
  if (!(v > 0) || !Number.isFinite(v))
    throw new RangeError(`${label} must be a positive number; got '${field(name)}'.`);
  return v;
}

function integer(name: string, label: string, min: number, max: number): number {
  const v = Number(field(name));
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${label} must be an integer from ${min} to ${max}; got '${field(name)}'.`);
  return v;
}

/** Reads and checks the controls; GeN itself validates its options (its errors name the option). */
function readSettings(): Settings {
  const probes = field('probes')
    .split(/[\s,;]+/)
    .filter((s) => s !== '')
    .map(Number);
  return {
    model: field('model') as ModelKind,
    batch: integer('batch', 'batch size', 8, 512),
    steps: integer('steps', 'steps', 10, 20000),
    backend: field('backend') as BackendChoice,
    report: field('report') === 'on',
    base: field('base') as BaseKind,
    fixedLr: positiveNumber('fixedLr', 'fixed lr'),
    peer: field('peer') as PeerKind,
    gen: {
      initialLr: positiveNumber('lr', 'initial lr'),
      every: Number(field('every')),
      smoothing: Number(field('smoothing')),
      probes,
      probeDirection: field('probeDirection') as GeNOptions['probeDirection'],
    },
  };
}

/** Presets controls from the query string, e.g. ?model=cnn&base=adamw&steps=200&autostart=1. */
function applyQuery(): boolean {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of params) {
    const e = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (e !== null && 'value' in e) e.value = v;
  }
  return params.get('autostart') === '1';
}

class Session {
  readonly runs: Run[];
  readonly batches: Batches;
  readonly valX: tf.Tensor2D;
  readonly valY: tf.Tensor1D;
  readonly reportX: tf.Tensor2D;
  readonly reportY: tf.Tensor1D;
  /** The validation losses reported to GeN so far, and whether its step factor was open after each. */
  readonly reports: Array<{ step: number; loss: number; stepFactorOpen: boolean }> = [];
  step = 0;
  stepsPerSecond = NaN;

  constructor(
    readonly settings: Settings,
    readonly spec: ModelSpec,
    data: Digits,
    readonly backend: string,
  ) {
    const weights = initialWeights(spec, SEED);
    this.runs = makeRuns(
      // The session's length is known, so GeN gets it as its documented horizon argument.
      {
        base: settings.base,
        fixedLr: settings.fixedLr,
        peer: settings.peer,
        gen: { horizon: { steps: settings.steps }, ...settings.gen },
      },
      spec,
      weights,
    );
    this.batches = new Batches(data, settings.batch, SEED + 1);
    this.valX = tf.tensor2d(data.valX, [data.nVal, data.side * data.side]);
    this.valY = tf.tensor1d(Int32Array.from(data.valY), 'int32');
    this.reportX = tf.tensor2d(data.reportX, [data.nReport, data.side * data.side]);
    this.reportY = tf.tensor1d(Int32Array.from(data.reportY), 'int32');
  }

  get done(): boolean {
    return this.step >= this.settings.steps;
  }

  async trainStep(): Promise<void> {
    const { x, y } = this.batches.get(this.step);
    try {
      for (const run of this.runs) await run.step(x, y);
    } finally {
      tf.dispose([x, y]);
    }
    this.step++;
    if (this.step % EVAL_EVERY === 0 || this.done) {
      for (const run of this.runs) await run.evaluate(this.step, this.valX, this.valY);
      // As a user with validation data does (README, "The validation loss"): GeN lengthens its step only while this
      // loss follows the training loss. The report images are not the ones whose accuracy the page shows.
      const gen = this.runs.find((r) => r.id === 'gen');
      if (this.settings.report && gen && !this.done) {
        const loss = await gen.loss(this.reportX, this.reportY);
        const { stepFactorOpen } = (gen.optimizer as GeN).reportValidationLoss(loss);
        this.reports.push({ step: this.step, loss, stepFactorOpen });
      }
    }
  }

  dispose(): void {
    for (const run of this.runs) run.dispose();
    tf.dispose([this.valX, this.valY, this.reportX, this.reportY]);
  }
}

type State = PlaygroundSummary['state'];
let state: State = 'loading';
let data: Digits | null = null;
let session: Session | null = null;
let loop: Promise<void> | null = null;
let stopRequested = false;
let drawQueued = false;

function setState(s: State): void {
  state = s;
  document.body.dataset.state = s;
  startButton.textContent = s === 'running' ? 'Pause' : s === 'paused' ? 'Resume' : s === 'done' ? 'Done' : 'Start';
  startButton.disabled = s === 'loading' || s === 'done' || s === 'error';
}

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = message === '';
}

function ema(values: readonly number[], beta = 0.9): Array<[number, number]> {
  let m = 0;
  let w = 0;
  return values.map((v, i) => {
    if (Number.isFinite(v)) {
      m = beta * m + (1 - beta) * v;
      w = beta * w + (1 - beta);
    }
    return [i, w > 0 && Number.isFinite(v) ? m / w : NaN];
  });
}

/** tf.memory().numTensors, or NaN while a backend is still initializing (tfjs throws then). */
function tensorCount(): number {
  try {
    return tf.memory().numTensors;
  } catch {
    return NaN;
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

function parabolaView(run: Run | undefined): ParabolaView | null {
  const refit = run?.lastRefit;
  if (!refit) return null;
  const { info, start } = refit;
  const xs = info.probeOffsets;
  const l0 = info.intercept;
  return {
    step: info.step,
    xs,
    losses: info.probeLosses,
    l0,
    a: info.a,
    b: info.b,
    start,
    chosen: info.smoothedLr,
    reason: info.reason,
    accepted: info.accepted,
    probed: info.probed ?? 'current',
  };
}

function draw(): void {
  drawQueued = false;
  const runs = session?.runs ?? [];
  const steps = session?.settings.steps ?? Number(field('steps'));
  const minXMax = Math.min(steps, 100);
  const lossSeries: Series[] = runs.flatMap((r) => [
    {
      id: `${r.id}-raw`,
      label: r.label,
      color: r.color,
      faint: true,
      points: r.losses.map((v, i) => [i, v] as [number, number]),
    },
    { id: r.id, label: r.short, color: r.color, points: ema(r.losses) },
  ]);
  drawLineChart(charts.loss, lossSeries, {
    title: 'Training loss (per batch, and smoothed)',
    xLabel: 'step',
    logY: true,
    minXMax,
  });
  drawLineChart(
    charts.acc,
    runs.map((r) => ({ id: r.id, label: r.short, color: r.color, points: r.accuracies })),
    {
      title: `Validation accuracy (${data?.nVal ?? 0} images)`,
      xLabel: 'step',
      yRange: [0, 1],
      minXMax,
      legend: 'bottom-right',
    },
  );
  drawLineChart(
    charts.lr,
    runs.map((r) => ({
      id: r.id,
      label: r.short,
      color: r.color,
      dashed: r.id === 'fixed',
      points: r.lrs.map((v, i) => [i, v] as [number, number]),
    })),
    {
      title: 'Learning rate',
      xLabel: 'step',
      logY: true,
      minXMax,
    },
  );
  const gen = runs.find((r) => r.id === 'gen');
  const view = parabolaView(gen);
  drawParabola(charts.parabola, view);
  const info = gen?.lastRefit?.info;
  byId('refit-text').textContent =
    info === undefined
      ? ''
      : `GeN refit at step ${info.step}: probes x = [${info.probeOffsets.map(formatNumber).join(', ')}], L = [${info.probeLosses.map((l) => l.toFixed(4)).join(', ')}], ` +
        `a = ${formatNumber(info.a)}, b = ${formatNumber(info.b)}, proposal ${Number.isFinite(info.proposedLr) ? formatNumber(info.proposedLr) : '—'} (${info.reason}), ` +
        `lr → ${formatNumber(info.smoothedLr)}${info.calibrating ? ' (calibrating)' : ''}; refits ${gen?.refits ?? 0}, accepted ${gen?.accepted ?? 0}` +
        reportText(session?.reports ?? []);
  drawTable(runs);
  const step = session?.step ?? 0;
  document.body.dataset.step = String(step);
  byId('step').textContent = String(step);
  byId('max-steps').textContent = String(steps);
  byId('speed').textContent =
    session && Number.isFinite(session.stepsPerSecond)
      ? `${session.stepsPerSecond.toFixed(1)} steps/s · ${tensorCount()} tensors`
      : '';
}

/** The state of GeN's step-factor gate after the last validation report, for the refit line. */
function reportText(reports: Session['reports']): string {
  const last = reports[reports.length - 1];
  if (last === undefined) return '';
  const open = reports.filter((r) => r.stepFactorOpen).length;
  return `; validation loss ${last.loss.toFixed(4)} reported at step ${last.step}, step factor ${last.stepFactorOpen ? 'open' : 'shut'} (open after ${open} of ${reports.length} reports)`;
}

function drawTable(runs: Run[]): void {
  const body = form.querySelector('#runs tbody') as HTMLTableSectionElement;
  body.replaceChildren(
    ...runs.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.run = r.id;
      const smoothed = ema(r.losses);
      const last = smoothed[smoothed.length - 1]?.[1] ?? NaN;
      const acc = r.accuracies[r.accuracies.length - 1]?.[1] ?? NaN;
      const lr = r.lrs[r.lrs.length - 1] ?? NaN;
      const cells = [
        r.label,
        Number.isFinite(last) ? last.toFixed(3) : '—',
        Number.isFinite(acc) ? `${(100 * acc).toFixed(1)}%` : '—',
        Number.isFinite(lr) ? formatNumber(lr) : '—',
      ];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        if (i === 0) {
          const sw = document.createElement('span');
          sw.className = 'swatch';
          sw.style.background = r.color;
          td.append(sw);
        }
        td.append(text);
        tr.append(td);
      });
      return tr;
    }),
  );
}

function queueDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

async function trainLoop(s: Session): Promise<void> {
  setState('running');
  let t0 = performance.now();
  let s0 = s.step;
  while (!stopRequested && !s.done) {
    const sliceStart = performance.now();
    do {
      await s.trainStep();
    } while (!stopRequested && !s.done && performance.now() - sliceStart < SLICE_MS);
    const now = performance.now();
    if (now - t0 > 1000) {
      s.stepsPerSecond = ((s.step - s0) * 1000) / (now - t0);
      t0 = now;
      s0 = s.step;
    }
    queueDraw();
    await tf.nextFrame(); // let the browser paint and handle input
  }
  queueDraw();
  setState(s.done ? 'done' : 'paused');
}

function runLoop(s: Session): void {
  stopRequested = false;
  loop = trainLoop(s)
    .catch((e: unknown) => {
      setState('error');
      showError(`Training failed: ${e instanceof Error ? e.message : String(e)}`);
      console.error(e);
    })
    .finally(() => {
      loop = null;
    });
}

let relaxedSimd: boolean | null = null;

function showBackend({ backend, note, relaxedSimd: relaxed }: BackendResult): void {
  byId('backend').textContent = backend;
  document.body.dataset.backend = backend;
  relaxedSimd = relaxed;
  byId('note').textContent = note;
}

async function onStart(): Promise<void> {
  if (state === 'running') {
    stopRequested = true;
    return;
  }
  if (state === 'paused' && session !== null) {
    runLoop(session);
    return;
  }
  if (state !== 'idle' || data === null) return;
  showError('');
  let settings: Settings;
  try {
    settings = readSettings();
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
    return;
  }
  setState('loading');
  try {
    showBackend(await activateBackend(settings.backend, settings.model === 'cnn'));
    session = new Session(settings, modelSpec(settings.model, data.side), data, tf.getBackend());
  } catch (e) {
    // GeN validates its options when constructed: its message names the option and the value.
    tf.disposeVariables();
    setState('idle');
    showError(e instanceof Error ? e.message : String(e));
    return;
  }
  pendingBox.hidden = true;
  queueDraw();
  runLoop(session);
}

async function onReset(): Promise<void> {
  stopRequested = true;
  if (loop !== null) await loop;
  session?.dispose();
  session = null;
  pendingBox.hidden = true;
  showError('');
  setState(data === null ? 'loading' : 'idle');
  queueDraw();
}

function summary(): PlaygroundSummary {
  const runs: RunSummary[] = (session?.runs ?? []).map((r) => ({
    id: r.id,
    label: r.label,
    steps: r.losses.length,
    lossFirst: mean(r.losses.slice(0, 10)),
    lossLast: mean(r.losses.slice(-10)),
    accuracy: r.accuracies[r.accuracies.length - 1]?.[1] ?? NaN,
    lr: r.lrs[r.lrs.length - 1] ?? NaN,
    refits: r.refits,
    accepted: r.accepted,
  }));
  const reasons: Record<string, number> = {};
  const gen = session?.runs.find((r) => r.id === 'gen');
  if (gen) for (const [k, v] of gen.reasons) reasons[k] = v;
  return {
    state,
    step: session?.step ?? 0,
    maxSteps: session?.settings.steps ?? 0,
    backend: tf.getBackend() ?? '',
    relaxedSimd,
    model: session?.spec.label ?? '',
    runs,
    numTensors: tensorCount(),
    reasons,
    reports: session?.reports.length ?? 0,
    stepFactorOpenReports: session?.reports.filter((r) => r.stepFactorOpen).length ?? 0,
  };
}

const api: PlaygroundApi = { summary };
(window as unknown as { genPlayground: PlaygroundApi }).genPlayground = api;

startButton.addEventListener('click', () => void onStart());
resetButton.addEventListener('click', () => void onReset());
form.addEventListener('change', () => {
  if (session !== null) pendingBox.hidden = false;
});
form.addEventListener('submit', (e) => e.preventDefault());

const autostart = applyQuery();
setState('loading');
queueDraw();
try {
  data = await loadDigits();
  showBackend(await activateBackend(field('backend') as BackendChoice, field('model') === 'cnn'));
  setState('idle');
  queueDraw();
  if (autostart) await onStart();
} catch (e) {
  setState('error');
  showError(`Could not start: ${e instanceof Error ? e.message : String(e)}`);
  console.error(e);
}
