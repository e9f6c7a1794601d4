// One training run: its own copy of the initial weights, an optimizer, and the history the charts draw.
import * as tf from '@tensorflow/tfjs';
import { AdamW, GeN, SGDW, type GeNOptions, type StepInfo } from '../../src/index.js';
import { DoG, Prodigy } from '../../src/peers/index.js';
import type { ModelSpec } from './models.js';

export type BaseKind = 'sgdm' | 'adamw';
export type PeerKind = 'none' | 'prodigy' | 'dog';

export const BASE_LABELS: Record<BaseKind, string> = { sgdm: 'SGD-momentum 0.9', adamw: 'AdamW' };
export const PEER_LABELS: Record<PeerKind, string> = { none: 'none', prodigy: 'Prodigy', dog: 'DoG' };

/** Creates the base optimizer (SGDW with momentum 0.9, or AdamW with weight decay 0.01) at a learning rate. */
export function makeBase(kind: BaseKind, lr: number): SGDW | AdamW {
  return kind === 'sgdm' ? new SGDW({ lr, momentum: 0.9 }) : new AdamW({ lr, weightDecay: 0.01 });
}

/** A refit of GeN, kept for the parabola chart. */
export interface Refit {
  info: StepInfo;
  /** Offset the step is measured from: 0, or −(previous applied lr) when the previous direction was probed. */
  start: number;
}

let generation = 0;

export class Run {
  readonly vars: tf.Variable[];
  readonly losses: number[] = [];
  readonly lrs: number[] = [];
  readonly accuracies: Array<[number, number]> = [];
  lastRefit: Refit | null = null;
  refits = 0;
  accepted = 0;
  /** GeN's refit outcomes by reason. */
  readonly reasons = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly label: string,
    /** A short name for chart legends. */
    readonly short: string,
    readonly color: string,
    readonly optimizer: tf.Optimizer,
    private readonly spec: ModelSpec,
    weights: Float32Array[],
    private readonly lrOf: () => number,
  ) {
    // tidy disposes each initial tensor, whose buffer the variable shares, and keeps the variable.
    this.vars = spec.shapes.map((shape, i) =>
      tf.tidy(() => tf.variable(tf.tensor(weights[i], shape), true, `${id}/w${i}/${++generation}`)),
    );
  }

  /** One training step on this batch; resolves to the loss at the weights before the step. */
  async step(x: tf.Tensor2D, y: tf.Tensor2D): Promise<number> {
    const loss = this.optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, this.spec.logits(this.vars, x)) as tf.Scalar,
      true,
      this.vars,
    );
    const value = loss === null ? NaN : (await loss.data())[0];
    loss?.dispose();
    this.losses.push(value);
    this.lrs.push(this.lrOf());
    return value;
  }

  /** Called by GeN after every step (`onStep`). */
  observe(info: StepInfo): void {
    if (info.refit) {
      this.refits++;
      if (info.accepted) this.accepted++;
      this.reasons.set(info.reason, (this.reasons.get(info.reason) ?? 0) + 1);
      this.lastRefit = { info, start: info.start };
    }
  }

  /** The mean cross-entropy on these images (labels as class indices), at the current weights. */
  async loss(x: tf.Tensor2D, labels: tf.Tensor1D): Promise<number> {
    const loss = tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10).toFloat(), this.spec.logits(this.vars, x)),
    );
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  }

  /** Accuracy on the validation images, recorded at `step`. */
  async evaluate(step: number, x: tf.Tensor2D, labels: tf.Tensor1D): Promise<number> {
    const acc = tf.tidy(() =>
      tf.mean(tf.cast(tf.equal(tf.argMax(this.spec.logits(this.vars, x), 1), labels), 'float32')),
    );
    const value = (await acc.data())[0];
    acc.dispose();
    this.accuracies.push([step, value]);
    return value;
  }

  dispose(): void {
    tf.dispose(this.vars);
    this.optimizer.dispose();
  }
}

export interface RunConfig {
  base: BaseKind;
  fixedLr: number;
  peer: PeerKind;
  gen: Partial<GeNOptions>;
}

/** The runs compared side by side: GeN over the base, the base at a fixed lr, and optionally a peer. */
export function makeRuns(config: RunConfig, spec: ModelSpec, weights: Float32Array[]): Run[] {
  const runs: Run[] = [];
  const baseLabel = BASE_LABELS[config.base];
  let genRun: Run | null = null;
  const gen = new GeN(makeBase(config.base, config.gen.initialLr ?? 1e-3), {
    ...config.gen,
    onStep: (info) => genRun?.observe(info),
  });
  genRun = new Run('gen', `GeN over ${baseLabel}`, 'GeN', '#d6336c', gen, spec, weights, () => gen.appliedStepSize);
  runs.push(genRun);
  runs.push(
    new Run(
      'fixed',
      `${baseLabel}, fixed lr ${config.fixedLr}`,
      `fixed lr ${config.fixedLr}`,
      '#1c7ed6',
      makeBase(config.base, config.fixedLr),
      spec,
      weights,
      () => config.fixedLr,
    ),
  );
  if (config.peer === 'prodigy') {
    const p = new Prodigy({ weightDecay: 0.01 });
    runs.push(new Run('peer', 'Prodigy (peer)', 'Prodigy', '#2f9e44', p, spec, weights, () => p.appliedStepSize));
  } else if (config.peer === 'dog') {
    const p = new DoG();
    runs.push(new Run('peer', 'DoG (peer)', 'DoG', '#2f9e44', p, spec, weights, () => p.appliedStepSize));
  }
  return runs;
}
