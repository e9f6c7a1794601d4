// The shared conformance suite of the peers again, on the `wasm` backend with this project's
// kernels (its own process: Node's test runner runs each file separately).
import { before } from 'node:test';
import { describeConformance } from '../conformance.js';
import { useWasm } from '../helpers.js';
import { PEER_ENTRIES } from './conformance-entries.js';

before(useWasm);

describeConformance(PEER_ENTRIES, 'wasm');
