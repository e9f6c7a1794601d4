// The page's seeded generator is the library core's (one implementation for tests, bench, demo and playground).
export { mulberry32, permutation } from '../../src/core/rng.js';
