import nx from '@nx/eslint-plugin';

/**
 * Module boundaries (ARCHITECTURE.md, "What may import what") are enforced here, by tags:
 * type:domain imports nothing of ours; contracts and config only domain; data-access (the only
 * place for typeorm and pg) domain and config; platform (Nest plumbing shared by the apps)
 * those below it; apps any library but never another app; testing only from tests.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '**/*.js', '**/*.mjs', '**/*.cjs', 'jest.config.ts'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:formats', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:config'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:contracts', 'type:data-access'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:formats', 'type:config', 'type:contracts', 'type:data-access', 'type:platform', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:formats', 'type:config', 'type:contracts', 'type:data-access'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain core and the statement-file readers are pure: no framework, no database, no queue.
    files: ['libs/domain/src/**/*.ts', 'libs/statement-files/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'bullmq', 'ioredis'] }],
    },
  },
  {
    // Only libs/persistence talks to the database driver and the ORM.
    files: ['apps/**/*.ts', 'libs/domain/**/*.ts', 'libs/statement-files/**/*.ts', 'libs/config/**/*.ts', 'libs/queue-contracts/**/*.ts', 'libs/platform/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['typeorm', 'typeorm/*', 'pg', 'pg-copy-streams', '@nestjs/typeorm', '@concilia/testing'] }],
    },
  },
  {
    // The API is a producer: a @Processor would start consuming jobs wherever it is imported.
    files: ['apps/ingest-api/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "Decorator[expression.callee.name='Processor']", message: 'ingest-api registers queues as a producer only' }],
    },
  },
];
