// The benchmark's seeded generator is the library core's (one implementation for tests, bench, demo and playground).
export { mulberry32, permutation, uniformArray, normalArray } from '../src/core/rng.js';
