import type { Config } from 'jest';

/** swc compiles TypeScript for tests (no type check here: `npm run typecheck` does that). */
const swc = (syntax: 'typescript') =>
  [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax, decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ] as [string, Record<string, unknown>];

const transform: Config['transform'] = {
  '^.+\\.ts$': swc('typescript'),
};


/** Tests import the libraries' sources, never their build output. */
const moduleNameMapper = {
  '^@concilia/statement-files/testing$': '<rootDir>/libs/statement-files/src/testing/index.ts',
  '^@concilia/(config|domain|persistence|platform|queue-contracts|statement-files|testing|webhooks)$': '<rootDir>/libs/$1/src/index.ts',
};

const common = { rootDir: __dirname, transform, moduleNameMapper, moduleFileExtensions: ['ts', 'js', 'json'], testEnvironment: 'node', roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'] };

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/service-test-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/service-test-timeout.ts'],
    },
  ],
};

export default config;
