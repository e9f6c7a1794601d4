import { before } from 'node:test';
import { describeConformance } from './conformance.js';
import { GEN_ENTRIES } from './conformance-entries.js';
import { useCpu } from './helpers.js';

before(useCpu);

describeConformance(GEN_ENTRIES);
