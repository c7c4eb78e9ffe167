/**
 * The keys of config.txt (design.md, "Configuration"): one entry per key with its parser, its default and,
 * for a required key, what the technician must write.
 */
import {
  anyText,
  integerIn,
  parseBaudRate,
  parseBindAddress,
  parseEndpoint,
  parseHttpUrl,
  parseLogLevel,
  parseLogin,
  parsePort,
  parseSerialFormat,
  parseTerminalLink,
  parseTerminalProtocol,
  parseTerminalProfile,
  parseZvtPassword,
  parseTime,
  parseUpdateSource,
  type LogLevel,
  type Result,
  type SerialFormat,
  type TerminalLink,
  type TerminalProtocol,
  type TerminalProfile,
  type TimeOfDay,
  ok,
  fail,
} from './config-values';
import { LOG_FORMATS, type LogFormat } from './log-formats';

/** The value each key parses to. */
export interface ConfigValues {
  SERIAL_PORT: TerminalLink;
  LOCAL_PORT: number;
  TERMINAL_MANAGER_LOGIN: string;
  TERMINAL_MANAGER_PWD: string;
  HIPAY_LOGIN: string;
  HIPAY_PWD: string;
  UPDATE_TIME: TimeOfDay;
  TERMINAL_PROTOCOL: TerminalProtocol;
  TERMINAL_PROFILE: TerminalProfile;
  ZVT_PASSWORD: string;
  BAUD_RATE: number;
  SERIAL_FORMAT: SerialFormat;
  BIND_ADDRESS: string;
  TP_MANAGER_ENDPOINT: string;
  HIPAY_URL: string;
  HIPAY_HASHKEY: string;
  HIPAY_MID: string;
  HIPAY_ACQUIRER_ID: string;
  PAYMENT_TIMEOUT_S: number;
  HIPAY_TIMEOUT_MS: number;
  UPDATE_SOURCE: string;
  LOG_LEVEL: LogLevel;
  LOG_FORMAT: LogFormat;
  KIOSK_ID: string;
}

export type ConfigKey = keyof ConfigValues;

export interface KeySpec<T> {
  /** For a required key: the end of "KEY is missing: expected ...". */
  required?: string;
  /** Required unless HIPAY_LOGIN=sandbox (HiPay's merchant settings): the end of "KEY is missing: expected ...". */
  requiredForHipay?: string;
  /** The value used with HIPAY_LOGIN=sandbox when none is given (the embedded sandbox checks presence only). */
  sandboxDefault?: string;
  /** Raw default, parsed like a value from the file (a required key has none). */
  default?: string;
  /** Never shown in a message or a summary. */
  secret?: boolean;
  parse(raw: string, context: { dataDir: string }): Result<T>;
}

export const CONFIG_SPECS: { readonly [K in ConfigKey]: KeySpec<ConfigValues[K]> } = {
  SERIAL_PORT: {
    required:
      "the terminal's port, e.g. SERIAL_PORT=COM8, SERIAL_PORT=/dev/ttyUSB0, SERIAL_PORT=tcp://host:port or SERIAL_PORT=simulator",
    parse: parseTerminalLink,
  },
  LOCAL_PORT: { required: 'the HTTP port of the local API, e.g. LOCAL_PORT=8080', parse: parsePort },
  TERMINAL_MANAGER_LOGIN: {
    required: "the login of the local API's Basic auth, e.g. TERMINAL_MANAGER_LOGIN=kiosk",
    parse: parseLogin,
  },
  TERMINAL_MANAGER_PWD: { required: "the password of the local API's Basic auth", secret: true, parse: anyText },
  HIPAY_LOGIN: {
    required:
      'the HiPay API login, e.g. HIPAY_LOGIN=94654727.stage-secure-gateway.hipay-tpp.com, or HIPAY_LOGIN=sandbox',
    parse: (raw) => (raw.toLowerCase() === 'sandbox' ? { ok: true, value: 'sandbox' } : parseLogin(raw)),
  },
  HIPAY_PWD: { required: 'the HiPay API password', secret: true, parse: anyText },
  UPDATE_TIME: { required: 'the daily maintenance time as hh:mm, e.g. UPDATE_TIME=04:00', parse: parseTime },
  TERMINAL_PROTOCOL: { default: 'concert-v3', parse: parseTerminalProtocol },
  TERMINAL_PROFILE: { default: 'generic', parse: parseTerminalProfile },
  ZVT_PASSWORD: { default: '000000', parse: parseZvtPassword },
  BAUD_RATE: { default: '9600', parse: parseBaudRate },
  SERIAL_FORMAT: { default: '8N1', parse: parseSerialFormat },
  BIND_ADDRESS: { default: '127.0.0.1', parse: parseBindAddress },
  TP_MANAGER_ENDPOINT: { default: 'tcp://127.0.0.1:5555', parse: parseEndpoint },
  // Empty here means "derived from HIPAY_LOGIN" (config.ts).
  HIPAY_URL: { default: '', parse: parseHttpUrl },
  // HiPay refuses a passive point-of-sale order without hash, mid and acquirer_registrationid (1010101):
  // required at start, so a wrong config.txt never reaches a paid order (hipay-gateway.md, "Limits and codes").
  HIPAY_HASHKEY: {
    default: '',
    secret: true,
    requiredForHipay: "the merchant's hash key given by HiPay, which signs every order (not needed with HIPAY_LOGIN=sandbox)",
    parse: anyText,
  },
  HIPAY_MID: {
    default: '',
    requiredForHipay: 'the merchant id (MID) of the acquirer contract given by HiPay, e.g. HIPAY_MID=00001340 (not needed with HIPAY_LOGIN=sandbox)',
    sandboxDefault: 'sandbox-mid',
    parse: anyText,
  },
  HIPAY_ACQUIRER_ID: {
    default: '',
    requiredForHipay: 'the acquirer registration id of the merchant contract given by HiPay (not needed with HIPAY_LOGIN=sandbox)',
    sandboxDefault: 'sandbox-acquirer',
    parse: anyText,
  },
  PAYMENT_TIMEOUT_S: {
    default: '180',
    parse: integerIn(10, 900, 'is not a timeout: expected whole seconds from 10 to 900'),
  },
  HIPAY_TIMEOUT_MS: {
    default: '3000',
    parse: integerIn(100, 60000, 'is not a timeout: expected milliseconds from 100 to 60000'),
  },
  UPDATE_SOURCE: { default: '', parse: (raw, { dataDir }) => parseUpdateSource(raw, dataDir) },
  LOG_LEVEL: { default: 'info', parse: parseLogLevel },
  LOG_FORMAT: { default: 'text', parse: parseLogFormat },
  // Empty here means "the host name" (config.ts).
  KIOSK_ID: { default: '', parse: parseKioskId },
};

/** In the design's order, which is also the order of the "missing" checks. */
export const CONFIG_KEYS = Object.keys(CONFIG_SPECS) as ConfigKey[];

export function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(CONFIG_SPECS, name);
}

/** The environment variable that overrides a key. */
export const envName = (key: ConfigKey): string => `ECR_${key}`;

/** LOG_FORMAT: the console's lines, readable text or JSON (journald, Docker, Loki); the files are JSON always. */
export function parseLogFormat(raw: string): Result<LogFormat> {
  const value = raw.toLowerCase();
  const format = LOG_FORMATS.find((f) => f === value);
  return format ? ok(format) : fail('is not a log format: expected text (readable lines) or json (one JSON object a line)');
}

/** KIOSK_ID names the kiosk in GET /health, metrics and logs of a fleet: short, no spaces. */
export function parseKioskId(raw: string): Result<string> {
  if (raw === '') return ok('');
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(raw)
    ? ok(raw)
    : fail('is not a kiosk id: expected up to 64 letters, digits, ".", "_", ":" or "-", e.g. KIOSK_ID=paris-opera-3');
}
