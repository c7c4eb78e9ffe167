/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  // Workspace packages export their TypeScript sources under the "source" condition.
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'node-addons'] },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // npm run mutate copies the repository into .stryker-tmp while it runs: never two copies of a package.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'],
  setupFiles: ['<rootDir>/test-support/jest-setup.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
