// @ts-check
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const NON_PAYMENT_CALLS = new Set(['health', 'recentUnattributed', 'version', 'deviceId', 'tlc', 'check', 'terminalDisplay', 'reset', 'terminalCommandWaitMs']);
/** Keys whose value is a text for people. */
const TEXT_KEYS = new Set(['reason', 'why', 'message', 'error']);
/** A string, a template or a concatenation of them. */
const isText = (/** @type {any} */ n) =>
  n.type === 'StringLiteral' || n.type === 'TemplateLiteral' || (n.type === 'BinaryExpression' && n.operator === '+' && (isText(n.left) || isText(n.right)));
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * Log lines are for people (their wording is tested where it is promised: tests of the logs themselves); a
 * mutant of a logger call's text or arguments proves nothing about money and would only slow the run.
 * Anything else in the same function is still mutated.
 */
export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'logger-calls', {
    /** @param {any} path babel's NodePath */
    shouldIgnore(path) {
      if (!path.isCallExpression()) return undefined;
      const callee = path.node.callee;
      if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || !LOG_LEVELS.has(callee.property.name)) return undefined;
      const target = callee.object;
      const named = (/** @type {any} */ n) => n.type === 'Identifier' && /^(logger|log)$/.test(n.name);
      const isLogger = named(target) || (target.type === 'MemberExpression' && target.object.type === 'ThisExpression' && named(target.property));
      return isLogger ? 'a log line: text for people, not a money behaviour' : undefined;
    },
  }),
  /**
   * The words of an error or a reason for people (`new ConnectorError(code, message)`, `reason: ...`): their
   * wording is checked where it is promised (the HTTP and log tests); the code, outcome and amounts next to
   * them are still mutated, and so is every condition that decides which message is given.
   */
  declareValuePlugin(PluginKind.Ignore, 'message-texts', {
    /** @param {any} path babel's NodePath */
    shouldIgnore(path) {
      if (!isText(path.node)) return undefined;
      const parent = path.parentPath?.node;
      if (parent?.type === 'NewExpression' && parent.callee.type === 'Identifier' && /Error$/.test(parent.callee.name) && parent.arguments.at(-1) === path.node) {
        return 'the words of an error message';
      }
      if (parent?.type === 'ObjectProperty' && parent.value === path.node && parent.key.type === 'Identifier' && TEXT_KEYS.has(parent.key.name)) {
        return `the words of a ${parent.key.name}`;
      }
      return undefined;
    },
  }),
  /**
   * The connector core's calls that move no money (GET /health, /version, /device-id, /tlc, /check, /reset)
   * are outside the money path; its payment path (order, pay, settle, answer, getOrder, cancel, stop) is not.
   */
  declareValuePlugin(PluginKind.Ignore, 'connector-non-payment-calls', {
    /** @param {any} path babel's NodePath */
    shouldIgnore(path) {
      if (!path.isClassMethod() || path.node.key.type !== 'Identifier' || !NON_PAYMENT_CALLS.has(path.node.key.name)) return undefined;
      const owner = path.parentPath?.parentPath?.node;
      return owner?.type === 'ClassDeclaration' && owner.id?.name === 'Connector' ? 'not a payment: health, version, device id, telecollection, check, reset' : undefined;
    },
  }),
];

/**
 * Mutation testing of the money path (issue 15): `npm run mutate`. Not part of `npm test`: it takes minutes.
 * Each mutant of the files below is run against the fast unit tests that cover it (jest.mutate.config.ts,
 * per-test coverage); a mutant no test notices is a behaviour the suite does not prove.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  packageManager: 'npm',
  plugins: ['@stryker-mutator/jest-runner', './stryker.config.mjs'],
  ignorers: ['logger-calls', 'message-texts', 'connector-non-payment-calls'],
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.ts', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  // No TypeScript checker (not measured; a choice for run time): it would type-check the seven-package project
  // for each group of mutants before their tests, on two shared cores. A mutant that would not compile still
  // runs (swc strips the types) and is judged by the tests. To try it: checkers: ['typescript'], tsconfigFile.
  mutate: [
    // tp-manager: one payment at a time, journaled; which payment an answer belongs to (money rules 2, 3)
    'packages/tp-manager/src/payment-runner.ts',
    'packages/tp-manager/src/answer-attribution.ts',
    'packages/tp-manager/src/journal.ts',
    // supervisor: connector core, order book, recorder, journal sync, tp-manager client (money rules 1, 5)
    'packages/supervisor/src/connector-service.ts',
    'packages/supervisor/src/order-book.ts',
    'packages/supervisor/src/order-recorder.ts',
    'packages/supervisor/src/journal-sync.ts',
    'packages/supervisor/src/tp-client.ts',
    // HiPay outbox and how its answers are read (money rule 5)
    'packages/supervisor/src/hipay/outbox.ts',
    'packages/supervisor/src/hipay/classify.ts',
    'packages/supervisor/src/hipay/hipay-codes.ts',
    // Concert and ZVT decoders: outcome and amount (money rule 4)
    'packages/protocol/src/concert/result.ts',
    'packages/protocol/src/concert/v2.ts:113-153', // decodeV2Answer and amount8
    'packages/protocol/src/concert/v3-fields.ts:121-131', // the CB (amount) codec
    'packages/protocol/src/zvt/payment-result.ts',
    // PAN masking
    'packages/protocol/src/pan.ts',
  ],
  ignorePatterns: ['reports', '.stryker-tmp*', 'data', 'bench', 'soak', 'docker', 'dist', 'coverage', '*.tsbuildinfo'],
  // Static mutants (module-level constants) run every test: 6% of the mutants, half the time. See README.
  ignoreStatic: true,
  // `npm run mutate -- --incremental` reuses the last results (reports/stryker-incremental.json) for code and
  // tests that did not change; it does not test a surviving mutant again against tests added in new files.
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  // Above jest's own testTimeout (jest.mutate.config.ts): a mutant that hangs a test fails it, no restart.
  timeoutMS: 8_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

export default config;
