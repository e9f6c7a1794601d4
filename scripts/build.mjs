// Builds the library from src/ into dist/ as ES modules only. CommonJS users `require('gen-optim')`
// through Node's require(esm) (unflagged since Node 20.19, hence engines.node), so both module
// systems load the same module instances: one GeN class, one registration, one tfjs-core (whose CJS
// build both already share, as it has no "exports" map).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
