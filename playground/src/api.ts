/** What the page exposes as `window.genPlayground` for the end-to-end test (plain data only). */
export interface RunSummary {
  id: string;
  label: string;
  steps: number;
  /** Mean training loss over the first 10 steps and over the last 10 steps. */
  lossFirst: number;
  lossLast: number;
  /** Last validation accuracy (NaN before the first evaluation). */
  accuracy: number;
  /** Learning rate at the last step. */
  lr: number;
  refits: number;
  accepted: number;
}

export interface PlaygroundSummary {
  state: 'loading' | 'idle' | 'running' | 'paused' | 'done' | 'error';
  step: number;
  maxSteps: number;
  backend: string;
  /** Whether wasm runs the library kernels' relaxed-SIMD build (setupBackend's report); null on other backends or before one started. */
  relaxedSimd: boolean | null;
  model: string;
  runs: RunSummary[];
  /** tf.memory().numTensors (between steps when paused or done). */
  numTensors: number;
  /** Reasons of GeN's refits so far, with counts. */
  reasons: Record<string, number>;
  /** Validation losses reported to GeN so far (`reportValidationLoss`), and after how many its step factor was open. */
  reports: number;
  stepFactorOpenReports: number;
}

export interface PlaygroundApi {
  summary(): PlaygroundSummary;
}
