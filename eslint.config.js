import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'playground/dist/**', 'results/**', '.cache/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CommonJS files (examples/commonjs.cjs shows require('gen-optim')).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The library never prints: diagnostics are returned as data.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  ...layering(),
);

/**
 * The layering src/core -> src/tfjs -> src/peers, src/backend -> bench -> cli, report, playground,
 * as one `no-restricted-imports` per folder (ESLint applies only the last matching config of a rule
 * to a file, so a folder's entry repeats the rules of the folders that contain it). Relative imports
 * are matched by the folder they reach (`../../bench/x.js`); dynamic `import()` is not checked.
 */
function layering() {
  const folders = (names) => `^(\\.\\./)+(${names.join('|')})(/|\\.js$|$)`;
  const rule = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
  const srcRule = {
    regex: folders(['bench', 'cli', 'report', 'playground', 'demo', 'experiments', 'test']),
    message: 'src (the library) never imports bench, cli, report, playground, demo, experiments or test',
  };
  return [
    { files: ['src/**/*.ts'], rules: rule(srcRule) },
    {
      files: ['src/core/**/*.ts'],
      rules: rule(
        srcRule,
        { group: ['@tensorflow/*'], message: 'src/core is tensor-free' },
        {
          regex: folders(['tfjs', 'peers', 'backend', 'index', 'register']),
          message:
            'src/core is pure numbers: it imports nothing from src/tfjs, src/peers, src/backend or the entry point',
        },
      ),
    },
    {
      files: ['src/tfjs/**/*.ts'],
      rules: rule(srcRule, {
        regex: folders(['peers', 'backend', 'index', 'register']),
        message: 'src/tfjs sits below src/peers and src/backend: it never imports them or the entry point',
      }),
    },
    {
      files: ['bench/**/*.ts'],
      rules: rule({
        regex: folders(['cli', 'report', 'playground']),
        message: 'bench sits below cli, report and playground: it never imports them',
      }),
    },
    {
      files: ['experiments/**/*.ts'],
      rules: rule({ regex: folders(['test']), message: 'experiments never import test code' }),
    },
  ];
}
