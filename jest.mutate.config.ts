/** @jest-config-loader esbuild-register */
/**
 * The fast unit tests of the money path, for `npm run mutate` (StrykerJS) only: no end-to-end test, no child
 * process, so a mutant is judged in seconds. `npm test` keeps using jest.config.ts, which runs these too.
 */
import type { Config } from 'jest';
import base from './jest.config';

const config: Config = {
  ...base,
  // Stryker runs in a sandbox copy whose node_modules is a link to the real one: through it, @ecr/* would
  // resolve to the unmutated sources of the checkout. Map them to the sandbox's own sources instead.
  moduleNameMapper: { '^@ecr/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  testMatch: [
    '<rootDir>/packages/tp-manager/test/journal*.test.ts',
    '<rootDir>/packages/tp-manager/test/payment-runner*.test.ts',
    '<rootDir>/packages/tp-manager/test/answer-attribution*.test.ts',
    '<rootDir>/packages/tp-manager/test/command-handler.test.ts',
    '<rootDir>/packages/tp-manager/test/command-id-dedupe.test.ts',
    '<rootDir>/packages/tp-manager/test/*-mutants.test.ts',
    '<rootDir>/packages/supervisor/test/core/**/*.test.ts',
    '<rootDir>/packages/supervisor/test/hipay/{classify,outbox,outbox-hipay-rules}.test.ts',
    '<rootDir>/packages/supervisor/test/hipay/*-mutants.test.ts',
    '<rootDir>/packages/protocol/test/{result,v2,v3}.test.ts',
    '<rootDir>/packages/protocol/test/*-mutants.test.ts',
    '<rootDir>/packages/protocol/test/zvt/{session,vectors,properties}.test.ts',
    '<rootDir>/packages/protocol/test/zvt/*-mutants.test.ts',
    '<rootDir>/packages/common/test/log-redaction.test.ts',
    '<rootDir>/packages/protocol/test/pan*.test.ts',
  ],
  maxWorkers: 1,
  // A mutant that leaves a payment waiting for ever fails its test in seconds instead of timing the run out.
  testTimeout: 4_000,
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'],
};

export default config;
