import * as tf from '@tensorflow/tfjs-core';
import { providesDirection } from './directional.js';
import { restore, snapshot } from './params.js';

interface LearningRateKnobs {
  setLearningRate?: (lr: number) => void;
  learningRate?: unknown;
}

/**
 * Runs `step` with the base optimizer's learning rate set to 1 and returns the learning rate that
 * was used, so that the step it makes is D per unit learning rate. tfjs SGD/Momentum
 * expose `setLearningRate`; Adam, Adamax, Adagrad, Adadelta and RMSProp read a (TypeScript-
 * protected) `learningRate` number on every step. For an optimizer with neither, the step runs
 * as it is and its step is taken as D.
 */
function atUnitLearningRate(base: tf.Optimizer, step: () => void): void {
  const knobs = base as unknown as LearningRateKnobs;
  const old = knobs.learningRate;
  if (typeof knobs.setLearningRate === 'function' && typeof old === 'number') {
    knobs.setLearningRate(1);
    try {
      step();
    } finally {
      knobs.setLearningRate(old);
    }
  } else if (typeof old === 'number') {
    knobs.learningRate = 1;
    try {
      step();
    } finally {
      knobs.learningRate = old;
    }
  } else {
    step();
  }
}

/**
 * The base optimizer's direction D per unit learning rate (the base would move w to
 * w + lr_base·D), advancing its state (moments, step count) exactly once.
 *
 * Optimizers of this library provide D directly. Any other `tf.Optimizer` takes one real step at
 * unit learning rate from a zero-copy snapshot of the weights, D = w′ − w, and the weights are then
 * put back bit-exactly. In float32 that subtraction is accurate to about ε·|w| per entry, which is
 * why the unit learning rate matters: it keeps |D| large against |w|.
 * The variables hold w again on return; the caller disposes D.
 */
export function baseDirection(base: tf.Optimizer, variables: tf.Variable[], gradients: tf.Tensor[]): tf.Tensor[] {
  if (providesDirection(base)) return base.computeDirection(variables, gradients);
  const before = snapshot(variables);
  try {
    atUnitLearningRate(base, () =>
      base.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i] }))),
    );
    return tf.tidy(() => variables.map((v, i) => tf.keep(tf.sub(v, before[i]))));
  } finally {
    restore(variables, before);
  }
}
