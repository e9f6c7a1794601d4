import { before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { describeConformance } from './conformance.js';
import { useCpu } from './helpers.js';

before(useCpu);

describeConformance([
  {
    name: 'GeN over SGDW (plain)',
    make: () => new GeN(new SGDW()),
    invalid: [
      [
        'a base that is not an optimizer',
        () => new GeN({} as tf.Optimizer),
        /GeN: the base optimizer must be a tf.Optimizer/,
      ],
      ['a GeN as base', () => new GeN(new GeN(new SGDW())), /already a GeN/],
      ['a misspelt option', () => new GeN(new SGDW(), { learningRate: 1 } as never), /unknown option 'learningRate'/],
      [
        'a non-function onStep',
        () => new GeN(new SGDW(), { onStep: 3 } as never),
        /option 'onStep' must be a function \(or null\); got 3/,
      ],
    ],
  },
  {
    name: 'GeN over SGDW (Nesterov momentum, weight decay)',
    make: () => new GeN(new SGDW({ momentum: 0.9, nesterov: true, weightDecay: 1e-4 })),
  },
  { name: 'GeN over AdamW', make: () => new GeN(new AdamW()) },
  { name: 'GeN over tf.train.sgd', make: () => new GeN(tf.train.sgd(0.01)) },
  { name: 'GeN over tf.train.momentum', make: () => new GeN(tf.train.momentum(0.01, 0.9)) },
  { name: 'GeN over tf.train.adam', make: () => new GeN(tf.train.adam()) },
  { name: 'GeN over tf.train.adagrad', make: () => new GeN(tf.train.adagrad(0.01)) },
  { name: 'GeN over tf.train.rmsprop', make: () => new GeN(tf.train.rmsprop(0.01)) },
  { name: 'GeN over tf.train.adadelta', make: () => new GeN(tf.train.adadelta()) },
  {
    name: 'GeN over tf.train.adamax',
    make: () => new GeN(tf.train.adamax()),
    noRoundTrip: 'tfjs 4.22 AdamaxOptimizer does not implement getWeights()',
  },
  {
    name: 'AdamW',
    make: () => new AdamW({ lr: 0.05 }),
    invalid: [
      ['beta1 = 1', () => new AdamW({ beta1: 1 }), /AdamW: option 'beta1' must be a number >= 0 and < 1; got 1/],
      [
        'a negative weight decay',
        () => new AdamW({ weightDecay: -1 }),
        /AdamW: option 'weightDecay' must be a number >= 0; got -1/,
      ],
      ['an unknown option', () => new AdamW({ decay: 1 } as never), /AdamW: unknown option 'decay'/],
    ],
  },
  {
    name: 'SGDW',
    make: () => new SGDW({ lr: 0.05, momentum: 0.9 }),
    invalid: [
      ['Nesterov without momentum', () => new SGDW({ nesterov: true }), /SGDW: option 'nesterov' needs 'momentum' > 0/],
      ['momentum = 1', () => new SGDW({ momentum: 1 }), /SGDW: option 'momentum' must be a number >= 0 and < 1; got 1/],
    ],
  },
]);
