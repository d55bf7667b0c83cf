// Lint rules that protect correctness, not style:
// - workflow code is deterministic: no Node built-ins, no I/O packages, no Temporal server-side SDKs;
// - no floating promises anywhere (a forgotten await in a workflow is a silent bug; in an activity, a lost write).
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'process',
  'stream',
  'events',
  'timers',
  'dns',
  'tls',
  'zlib',
  'worker_threads',
  'cluster',
  'readline',
  'buffer',
  'v8',
  'vm',
];

const workerConnectorPattern = {
  group: [
    '**/connectors/*',
    '**/connectors/*/**',
    '!**/connectors/index',
    '!**/connectors/ports',
    '!**/connectors/errors',
  ],
  message:
    "The worker and the ingress go through connectors/index (ports, errors, the registry), never one vendor's folder.",
};

const commandsMessage =
  "Commands run no SQL and hold no transaction: use a store repository (store/*.ts) or an activity's function.";

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins
              .flatMap((m) => [m, `node:${m}`])
              .map((name) => ({ name, message: 'Workflow and domain code must be deterministic: no Node built-ins.' })),
            ...[
              '@temporalio/client',
              '@temporalio/worker',
              '@temporalio/activity',
              '@temporalio/testing',
              'pg',
              'axios',
              'stripe',
              'fastify',
            ].map((name) => ({ name, message: 'Workflow and domain code must not do I/O: call an activity instead.' })),
          ],
          patterns: [
            {
              group: [
                '**/activities/*',
                '**/activities',
                '**/connectors/*',
                '**/store/*',
                '**/worker/*',
                '**/sandbox/*',
              ],
              allowTypeImports: true,
              message: 'Workflows may only import types from side-effecting layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No environment reads in workflow code: pass values as arguments.' },
      ],
    },
  },
  // Folder boundaries: activities act through ports, connectors translate one vendor, the store keeps data.
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['stripe', 'nodemailer', 'simple-oauth2', 'axios'].map((name) => ({
            name,
            message: 'Activities reach vendors through a port (connectors/ports.ts), never a vendor SDK.',
          })),
          patterns: [
            {
              group: ['**/worker/*', '**/worker'],
              message: 'Activities must not depend on the worker: it depends on them.',
              allowTypeImports: true,
            },
            {
              group: ['**/workflows/*', '**/workflows'],
              message: 'Activities must not import workflow code (shared contracts live in shared/).',
            },
            {
              group: [
                '**/connectors/*',
                '**/connectors/*/**',
                '!**/connectors/ports',
                '!**/connectors/errors',
                '!**/connectors/index',
              ],
              message: "Activities see ports and typed errors (connectors/index), never one vendor's folder.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/store/*',
                '**/store',
                '**/activities/*',
                '**/activities',
                '**/worker/*',
                '**/worker',
                '**/workflows/*',
              ],
              allowTypeImports: false,
              message:
                'A connector translates one vendor: it is given what it needs (a port-shaped store), it imports no layer above it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['stripe', 'nodemailer', 'axios', 'fastify'].map((name) => ({
            name,
            message: 'The store keeps data: no vendor or HTTP code.',
          })),
          patterns: [
            {
              group: ['**/activities/*', '**/activities', '**/worker/*', '**/worker', '**/workflows/*', '**/workflows'],
              message: 'The store is below activities, the worker and workflows.',
            },
            {
              group: ['**/connectors/*', '**/connectors/**'],
              allowTypeImports: true,
              message: 'The store may name port types, never call a connector.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [workerConnectorPattern] }],
    },
  },
  // The command line is thin: it reads and writes through the store's repositories and the activities' functions.
  {
    files: ['worker/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: commandsMessage },
            { name: '../../store/db', importNames: ['inTransaction'], message: commandsMessage },
            { name: '../../store/invoices', importNames: ['lockMatter'], message: commandsMessage },
          ],
          patterns: [workerConnectorPattern],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...['Literal', 'TemplateLiteral'].map((type) => ({
          selector: `CallExpression[callee.property.name='query'][arguments.0.type='${type}']`,
          message: commandsMessage,
        })),
      ],
    },
  },
);
