import { SETS_OWN_STEP_SIZE } from '../tfjs/base-check.js';
import { DirectionalOptimizer } from '../tfjs/directional.js';

/**
 * What D-Adaptation's Adam and Prodigy share: a running estimate d of the distance to the solution
 * (d₀ at the start, never decreasing), its last raw estimate d̂ and the numerator r behind it.
 * The step on the Adam direction is d·lr, with the user's `lr` a multiplier on d (1 as published).
 */
export abstract class DistanceEstimator<O extends { lr: number; d0: number }> extends DirectionalOptimizer<O> {
  /** GeN refuses it as a base: it sets its own step size. */
  readonly [SETS_OWN_STEP_SIZE]: string = this.getClassName();
  /** The current estimate d. */
  protected dCur: number;
  /** The last raw estimate d̂. */
  protected dHatLast: number;
  /** The running numerator r of d̂. */
  protected numerator = 0;

  constructor(options: Readonly<O>) {
    super(options);
    this.dCur = options.d0;
    this.dHatLast = options.d0;
  }

  protected get directionScale(): number {
    return this.options.lr;
  }

  /** The step size d·lr applied to the Adam direction. */
  override get appliedStepSize(): number {
    return this.dCur * this.options.lr;
  }

  /** The current distance estimate d (the step is d·lr, times the bias correction if on). */
  get d(): number {
    return this.dCur;
  }

  /** The last raw estimate d̂. */
  get dHat(): number {
    return this.dHatLast;
  }
}
