// The shared conformance suite of GeN and its bases again, on the `wasm` backend with this
// project's kernels (its own process: Node's test runner runs each file separately).
import { before } from 'node:test';
import { describeConformance } from './conformance.js';
import { GEN_ENTRIES } from './conformance-entries.js';
import { useWasm } from './helpers.js';

before(useWasm);

describeConformance(GEN_ENTRIES, 'wasm');
