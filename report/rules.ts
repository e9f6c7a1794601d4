// The report's rules in words, shown on the page and in the Markdown summary, next to the numbers
// report/analyze.ts computes with them (docs/benchmarks.md repeats them).

export const TARGET_RULE =
  'GeN within 0.5 points of accuracy (other metrics: 1% relative) of the best-tuned configuration of the same base, ' +
  'mean over seeds on the test split, with no diverged GeN seed.';

export const DECIDING_RULE =
  'a task decides the verdict for a base only if the tuned grid’s best and median differ by clearly more than ' +
  'seed noise: |best − median| > 2 × the seed sd of the grid’s best configuration, on the test metric (GeN’s own ' +
  'spread does not count: an unstable GeN must not exempt a task). With fewer than 2 finite seeds of that ' +
  'configuration the noise is unknown and the task is undecided. ' +
  'Where tuning does not beat the median configuration by more than noise, matching the tuned grid says nothing.';

export const DIVERGED_RULE =
  'the grid’s best configuration is chosen among the seed-0 runs that did not diverge; the grid’s median counts a ' +
  'diverged configuration as the worst value; mean ± sd are over finite seeds, with the number diverged shown; ' +
  'a GeN entry with a diverged seed does not meet the target.';
