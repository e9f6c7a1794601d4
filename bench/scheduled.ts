// A base optimizer whose learning rate follows a schedule: the tuned baselines. AdamW and SGDW read
// their lr through the `directionScale` getter at every step, so the subclasses return the scheduled
// value of the current step instead of the fixed option. `applyGradients` reads it after
// `computeDirection` has counted the step, hence `iterations - 1`.
import { AdamW, SGDW, type AdamWOptions, type SGDWOptions } from '../src/index.js';
import { scheduledLr, type ScheduleName } from './schedules.js';

/** The schedule an optimizer follows: peak lr, shape and run length. */
export interface ScheduleConfig {
  lr: number;
  schedule: ScheduleName;
  totalSteps: number;
}

export class ScheduledAdamW extends AdamW {
  constructor(
    private readonly plan: ScheduleConfig,
    options: Partial<AdamWOptions> = {},
  ) {
    super({ ...options, lr: plan.lr });
  }
  protected override get directionScale(): number {
    return scheduledLr(this.plan.schedule, this.plan.lr, Math.max(0, this.iterations - 1), this.plan.totalSteps);
  }
}

export class ScheduledSGDW extends SGDW {
  constructor(
    private readonly plan: ScheduleConfig,
    options: Partial<SGDWOptions> = {},
  ) {
    super({ ...options, lr: plan.lr });
  }
  protected override get directionScale(): number {
    return scheduledLr(this.plan.schedule, this.plan.lr, Math.max(0, this.iterations - 1), this.plan.totalSteps);
  }
}
