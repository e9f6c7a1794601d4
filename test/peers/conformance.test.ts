import { before } from 'node:test';
import { describeConformance } from '../conformance.js';
import { useCpu } from '../helpers.js';
import { PEER_ENTRIES } from './conformance-entries.js';

before(useCpu);

describeConformance(PEER_ENTRIES);
