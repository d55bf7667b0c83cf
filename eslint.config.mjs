// Lint rules that protect correctness, not style:
// - workflow code is deterministic: no Node built-ins, no I/O packages, no Temporal server-side SDKs;
// - no floating promises anywhere (a forgotten await in a workflow is a silent bug; in an activity, a lost write).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'process', 'stream',
  'events', 'timers', 'dns', 'tls', 'zlib', 'worker_threads', 'cluster', 'readline', 'buffer', 'v8', 'vm'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow and domain code must be deterministic: no Node built-ins.' })),
          ...['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', 'pg', 'axios', 'stripe', 'fastify']
            .map((name) => ({ name, message: 'Workflow and domain code must not do I/O: call an activity instead.' })),
        ],
        patterns: [{ group: ['**/activities/*', '**/activities', '**/connectors/*', '**/store/*', '**/worker/*', '**/sandbox/*'],
          allowTypeImports: true, message: 'Workflows may only import types from side-effecting layers.' }],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'No environment reads in workflow code: pass values as arguments.' }],
    },
  },
);
