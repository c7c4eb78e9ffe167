export type { PaymentOutcome, PaymentRequest, PaymentResult } from './payment-result';
export { completeReceipt, type Receipt, RECEIPT_FIELD_WIDTHS, RECEIPT_KEYS, type ReceiptKey } from './receipt';
export { type Currency, currencyByAlpha, currencyByNumeric, majorToMinor, minorToMajorString } from './money';
export {
  type CheckStatus,
  type Command,
  type CommandType,
  encodeMessage,
  type JournalEntry,
  type LinkState,
  type Reply,
  type ReplyBody,
  type TlcResult,
  type TpManagerState,
  type UnattributedAnswer,
} from './ipc';
export { realClock } from './real-clock';
// The one result type lives in the protocol package (which imports nothing); every other package takes it from here.
export { fail, ok, type Result } from '@ecr/protocol';
// The one card-number masker lives with the protocols (which mask what terminals send); re-exported for the rest.
export { luhnValid, maskPan, maskPansInText, maskZeroPaddedPan } from '@ecr/protocol';
export { CONNECTION_TIME_OUT, ConnectorError, type ErrorCode } from './errors';
export { cleanDirSetting, dataDirProblem, dataPaths, type DataPaths, findRepoRoot, resolveDataDir } from './data-dir';
export {
  type Config,
  CONFIG_KEYS,
  ConfigError,
  type ConfigKey,
  configSecrets,
  type ConfigSource,
  configSummary,
  envName,
  loadConfig,
  type LoadConfigOptions,
  type LogFormat,
  type LogLevel,
  parseConfig,
  type SerialFormat,
  type TerminalLink,
  type TerminalProfile,
  type TerminalProtocol,
  type TimeOfDay,
} from './config';
export {
  closeLogger,
  consoleLineFormat,
  createLogger,
  type CreateLoggerOptions,
  createRedactor,
  DailyFileTransport,
  type DailyFileTransportOptions,
  jsonLineFormat,
  LOG_FORMATS,
  type LogFields,
  type Logger,
  type ProcessLogger,
  REDACTED,
  redactionFormat,
  type Redactor,
} from './logger';
export {
  connectorVersion,
  NODE_RUNTIME_FLAGS,
  ownProcessIdentity,
  type ProcessContext,
  type ProcessIdentity,
  type ProcessOptions,
  processUsage,
  readProcessArgs,
  runProcess,
  type Stop,
} from './process-main';
