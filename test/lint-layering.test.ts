import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// The layering src/core -> src/tfjs -> src/peers, src/backend -> bench -> cli, report, playground
// is enforced by eslint.config.js; these lint a few import lines as if they were a file in
// each folder (the file need not exist) and read the no-restricted-imports errors (the probes'
// unused imports draw other errors, which are not the point here).
const eslint = new ESLint({ overrideConfigFile: 'eslint.config.js' });

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath });
  assert.ok(!result.messages.some((m) => m.fatal), `${filePath}: ${JSON.stringify(result.messages)}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2).map((m) => m.message);
}

/** [file inside the folder, an import that breaks the layering, an import that keeps it]. */
const cases: { rule: string; file: string; wrong: string; right: string; says: RegExp }[] = [
  {
    rule: 'src never imports bench',
    file: 'src/tfjs/layering-probe.ts',
    wrong: "import { runOne } from '../../bench/runner.js';",
    right: "import { fitParabola } from '../core/parabola.js';",
    says: /src \(the library\) never imports/,
  },
  {
    rule: 'src never imports cli',
    file: 'src/peers/layering-probe.ts',
    wrong: "import { main } from '../../cli/main.js';",
    right: "import { Slot } from '../tfjs/slots.js';",
    says: /src \(the library\) never imports/,
  },
  {
    rule: 'src never imports report',
    file: 'src/backend/kernels/layering-probe.ts',
    wrong: "import { build } from '../../../report/build.js';",
    right: "import { WASM_KERNEL_NAMES } from '../wasm-kernels.js';",
    says: /src \(the library\) never imports/,
  },
  {
    rule: 'src never imports playground, demo, experiments or test',
    file: 'src/layering-probe.ts',
    wrong:
      "import '../playground/src/main.js';\nimport '../demo/main.js';\nimport '../experiments/warm-up.js';\nimport { useCpu } from '../test/helpers.js';",
    right: "import { GeN } from './tfjs/gen.js';\nimport { Prodigy } from './peers/prodigy.js';",
    says: /src \(the library\) never imports/,
  },
  {
    rule: 'src/core imports nothing from @tensorflow',
    file: 'src/core/layering-probe.ts',
    wrong: "import * as tf from '@tensorflow/tfjs-core';",
    right: "import { acceptProposal } from './accept.js';",
    says: /tensor-free/,
  },
  {
    rule: 'src/core imports nothing from src/tfjs, src/peers, src/backend or the entry point',
    file: 'src/core/layering-probe.ts',
    wrong:
      "import { GeN } from '../tfjs/gen.js';\nimport { SLS } from '../peers/sls.js';\nimport { setupBackend } from '../backend/index.js';\nimport { GeN as G } from '../index.js';",
    right: "import { STEP_REASONS } from './reasons.js';",
    says: /src\/core is pure numbers/,
  },
  {
    rule: 'src/core still never imports test (the src rule holds inside src/core)',
    file: 'src/core/layering-probe.test.ts',
    wrong: "import { useCpu } from '../../test/helpers.js';",
    right: "import { test } from 'node:test';",
    says: /src \(the library\) never imports/,
  },
  {
    rule: 'src/tfjs never imports src/peers or src/backend',
    file: 'src/tfjs/layering-probe.ts',
    wrong: "import { Prodigy } from '../peers/prodigy.js';\nimport { setupBackend } from '../backend/index.js';",
    right: "import * as tf from '@tensorflow/tfjs-core';\nimport { fitParabola } from '../core/parabola.js';",
    says: /src\/tfjs sits below/,
  },
  {
    rule: 'bench never imports cli, report or playground',
    file: 'bench/backend/layering-probe.ts',
    wrong: "import '../../cli/main.js';\nimport '../../report/build.js';\nimport '../../playground/src/runs.js';",
    right: "import { GeN } from '../../src/index.js';\nimport { median } from '../stats.js';",
    says: /bench sits below/,
  },
  {
    rule: 'experiments never import test',
    file: 'experiments/layering-probe.ts',
    wrong: "import { normals } from '../test/helpers.js';",
    right: "import { GeN } from '../src/index.js';\nimport { runOne } from '../bench/runner.js';",
    says: /experiments never import test/,
  },
];

describe('eslint.config.js encodes the layering', () => {
  for (const c of cases) {
    test(`${c.rule}: the wrong import is an error, the right one is not`, async () => {
      const wrongCount = c.wrong.split('\n').length;
      const errors = await restricted(c.file, c.wrong);
      assert.equal(errors.length, wrongCount, `${c.file}: ${JSON.stringify(errors)}`);
      for (const e of errors) assert.match(e, c.says);
      assert.deepEqual(await restricted(c.file, c.right), []);
    });
  }

  test('cli, report and playground may import bench (the rules bind only downward)', async () => {
    assert.deepEqual(await restricted('cli/layering-probe.ts', "import { runOne } from '../bench/runner.js';"), []);
    assert.deepEqual(await restricted('report/layering-probe.ts', "import { median } from '../bench/stats.js';"), []);
  });
});
