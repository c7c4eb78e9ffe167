/**
 * Loads data/config.txt (design.md, "Configuration"): KEY=VALUE lines, each key overridable by ECR_<KEY> in the
 * environment. Anything wrong stops the program at start with a ConfigError naming the file, the line (or the
 * environment variable), the key and what was expected. Password values never appear in a message.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_KEYS, CONFIG_SPECS, envName, type ConfigKey, type ConfigValues, type KeySpec } from './config-keys';
import { ConfigError, showValue } from './config-error';
import { decodeConfigBytes, parseConfigLines } from './config-text';
import {
  gatewayUrlFromLogin,
  safeUrl,
  serialFormatText,
  terminalLinkText,
  type LogLevel,
  type SerialFormat,
  type TerminalLink,
  type TerminalProtocol,
  type TerminalProfile,
  type TimeOfDay,
} from './config-values';
import { resolveDataDir } from './data-dir';
import type { LogFormat } from './log-formats';

export { ConfigError } from './config-error';
export { CONFIG_KEYS, envName, type ConfigKey } from './config-keys';
export type { LogFormat } from './log-formats';
export type { LogLevel, SerialFormat, TerminalLink, TerminalProfile, TerminalProtocol, TimeOfDay } from './config-values';

/** Where a key's value came from. A value derived from another key (HIPAY_URL) counts as a default. */
export type ConfigSource =
  | { readonly from: 'file'; readonly line: number }
  | { readonly from: 'env'; readonly variable: string }
  | { readonly from: 'default' };

export interface Config {
  /** SERIAL_PORT as written (COM ports upper-cased, "simulator" lower-cased). */
  readonly serialPort: string;
  /** SERIAL_PORT decoded: a serial device, a TCP link, or the embedded simulator. */
  readonly terminalLink: Readonly<TerminalLink>;
  readonly localPort: number;
  readonly terminalManagerLogin: string;
  readonly terminalManagerPwd: string;
  /** "sandbox" for the embedded HiPay sandbox. */
  readonly hipayLogin: string;
  readonly hipayPwd: string;
  readonly hipaySandbox: boolean;
  readonly updateTime: Readonly<TimeOfDay>;
  readonly terminalProtocol: TerminalProtocol;
  readonly terminalProfile: TerminalProfile;
  readonly zvtPassword: string;
  readonly baudRate: number;
  readonly serialFormat: Readonly<SerialFormat>;
  readonly bindAddress: string;
  readonly tpManagerEndpoint: string;
  /** Gateway base URL without a trailing slash; empty with the sandbox until the supervisor starts it. */
  readonly hipayUrl: string;
  readonly hipayHashkey: string;
  readonly hipayMid: string;
  readonly hipayAcquirerId: string;
  readonly paymentTimeoutS: number;
  readonly hipayTimeoutMs: number;
  /** Empty: no update; else an https:// URL or an absolute directory. */
  readonly updateSource: string;
  readonly logLevel: LogLevel;
  /** LOG_FORMAT: the console's format ('text' or 'json'); the files are JSON lines always. */
  readonly logFormat: LogFormat;
  /** KIOSK_ID, or the host name when it is not set. */
  readonly kioskId: string;
  readonly dataDir: string;
  /** The config.txt that was read. */
  readonly configFile: string;
  readonly source: Readonly<Record<ConfigKey, ConfigSource>>;
}

export interface LoadConfigOptions {
  /** Default: resolveDataDir(env). */
  dataDir?: string;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: <dataDir>/config.txt. */
  file?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir ?? resolveDataDir(env));
  const file = path.resolve(options.file ?? path.join(dataDir, 'config.txt'));
  return parseConfig(readConfigText(file, env), { dataDir, env, file });
}

function readConfigText(file: string, env: NodeJS.ProcessEnv): string {
  try {
    return decodeConfigBytes(fs.readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    // A container may give every key through the environment and no file at all.
    if (code === 'ENOENT' && CONFIG_KEYS.every((key) => !CONFIG_SPECS[key].required || envValue(env, key))) return '';
    const name = path.basename(file);
    if (code === 'ENOENT') {
      throw new ConfigError(
        `${name} not found: read ${file}; create it there, or set ECR_DATA_DIR to the data directory that holds it`,
      );
    }
    throw new ConfigError(
      `${name} cannot be read: ${file} (${code}); check that it is a readable file, or set ECR_DATA_DIR to another data directory`,
    );
  }
}

/** The non-empty, trimmed ECR_<KEY> value; an empty variable counts as unset (compose files often leave them so). */
function envValue(env: NodeJS.ProcessEnv, key: ConfigKey): string | undefined {
  const value = env[envName(key)]?.trim();
  return value ? value : undefined;
}

/** A value given for a key, with what a message needs to point at it. */
interface Given {
  key: ConfigKey;
  raw: string;
  source: ConfigSource;
  /** "config.txt line 2: " or "environment ". */
  prefix: string;
  /** KEY or ECR_KEY. */
  name: string;
}

/** Parses config.txt's text; loadConfig reads the file then calls this. */
export function parseConfig(
  text: string,
  options: { dataDir: string; env?: NodeJS.ProcessEnv; file?: string },
): Config {
  const env = options.env ?? {};
  const dataDir = path.resolve(options.dataDir);
  const file = path.resolve(options.file ?? path.join(dataDir, 'config.txt'));
  const fileName = path.basename(file);
  const lines = new Map(parseConfigLines(text, fileName).map((l) => [l.key, l]));

  const given: Given[] = [];
  for (const key of CONFIG_KEYS) {
    const fromEnv = envValue(env, key);
    const line = lines.get(key);
    if (fromEnv !== undefined) {
      given.push({ key, raw: fromEnv, source: { from: 'env', variable: envName(key) }, prefix: 'environment ', name: envName(key) });
    } else if (line) {
      given.push({ key, raw: line.value, source: { from: 'file', line: line.line }, prefix: `${fileName} line ${line.line}: `, name: key });
    }
  }
  // Problems are told in the order a technician reads them: down the file, then the environment.
  given.sort((a, b) => order(a.source) - order(b.source));

  const secretValues = given.filter((g) => CONFIG_SPECS[g.key].secret).map((g) => g.raw);
  const values: Partial<Record<ConfigKey, unknown>> = {};
  const source: Partial<Record<ConfigKey, ConfigSource>> = {};
  const givenByKey = new Map<ConfigKey, Given>();
  const givenEmpty = new Map<ConfigKey, Given>();
  for (const g of given) {
    const spec: KeySpec<unknown> = CONFIG_SPECS[g.key];
    if (g.raw === '') {
      if (spec.required) throw new ConfigError(`${g.prefix}${g.name} is empty: expected ${spec.required}`, g.key, lineOf(g));
      givenEmpty.set(g.key, g);
      continue; // "KEY=" leaves an optional key at its default
    }
    const parsed = spec.parse(g.raw, { dataDir });
    if (!parsed.ok) {
      // A password pasted onto another key's line must not be quoted back either.
      const shown = spec.secret ? '***' : showValue(maskSecrets(g.raw, secretValues));
      throw new ConfigError(`${g.prefix}${g.name}=${shown} ${parsed.error}`, g.key, lineOf(g));
    }
    values[g.key] = parsed.value;
    source[g.key] = g.source;
    givenByKey.set(g.key, g);
  }

  for (const key of CONFIG_KEYS) {
    if (key in values) continue;
    const spec: KeySpec<unknown> = CONFIG_SPECS[key];
    if (spec.required) throw new ConfigError(`${fileName}: ${key} is missing: expected ${spec.required}`, key);
    const parsed = spec.parse(spec.default ?? '', { dataDir });
    // A default that does not parse is a bug in config-keys.ts, not the technician's mistake.
    if (!parsed.ok) throw new Error(`default of ${key} does not parse: ${parsed.error}`);
    values[key] = parsed.value;
    source[key] = { from: 'default' };
  }

  const v = values as ConfigValues;
  const hipaySandbox = v.HIPAY_LOGIN === 'sandbox';
  let hipayUrl = v.HIPAY_URL;
  if (!hipayUrl && !hipaySandbox) {
    const derived = gatewayUrlFromLogin(v.HIPAY_LOGIN);
    if (!derived) {
      const g = givenByKey.get('HIPAY_LOGIN') as Given;
      throw new ConfigError(
        `${g.prefix}${g.name}=${showValue(maskSecrets(g.raw, secretValues))} has no gateway host after its first dot: expected a login such as ` +
          '94654727.stage-secure-gateway.hipay-tpp.com, HIPAY_LOGIN=sandbox, or a HIPAY_URL',
        'HIPAY_LOGIN',
        lineOf(g),
      );
    }
    hipayUrl = derived;
  }
  for (const key of CONFIG_KEYS) {
    const spec: KeySpec<unknown> = CONFIG_SPECS[key];
    if (!spec.requiredForHipay || values[key] !== '') continue;
    if (hipaySandbox) {
      if (spec.sandboxDefault !== undefined) values[key] = spec.sandboxDefault;
      continue;
    }
    const empty = givenEmpty.get(key);
    if (empty) throw new ConfigError(`${empty.prefix}${empty.name} is empty: expected ${spec.requiredForHipay}`, key, lineOf(empty));
    throw new ConfigError(`${fileName}: ${key} is missing: expected ${spec.requiredForHipay}`, key);
  }

  return deepFreeze<Config>({
    serialPort: terminalLinkText(v.SERIAL_PORT),
    terminalLink: v.SERIAL_PORT,
    localPort: v.LOCAL_PORT,
    terminalManagerLogin: v.TERMINAL_MANAGER_LOGIN,
    terminalManagerPwd: v.TERMINAL_MANAGER_PWD,
    hipayLogin: v.HIPAY_LOGIN,
    hipayPwd: v.HIPAY_PWD,
    hipaySandbox,
    updateTime: v.UPDATE_TIME,
    terminalProtocol: v.TERMINAL_PROTOCOL,
    terminalProfile: v.TERMINAL_PROFILE,
    zvtPassword: v.ZVT_PASSWORD,
    baudRate: v.BAUD_RATE,
    serialFormat: v.SERIAL_FORMAT,
    bindAddress: v.BIND_ADDRESS,
    tpManagerEndpoint: v.TP_MANAGER_ENDPOINT,
    hipayUrl,
    hipayHashkey: v.HIPAY_HASHKEY,
    hipayMid: v.HIPAY_MID,
    hipayAcquirerId: v.HIPAY_ACQUIRER_ID,
    paymentTimeoutS: v.PAYMENT_TIMEOUT_S,
    hipayTimeoutMs: v.HIPAY_TIMEOUT_MS,
    updateSource: v.UPDATE_SOURCE,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    kioskId: v.KIOSK_ID || os.hostname(),
    dataDir,
    configFile: file,
    source: source as Record<ConfigKey, ConfigSource>,
  });
}

/** Every occurrence of a secret value replaced by ***. */
function maskSecrets(text: string, secrets: string[]): string {
  return secrets.filter((v) => v.length >= 3).reduce((t, v) => t.split(v).join(MASK), text);
}

function order(source: ConfigSource): number {
  return source.from === 'file' ? source.line : Number.MAX_SAFE_INTEGER;
}

function lineOf(g: Given): number | undefined {
  return g.source.from === 'file' ? g.source.line : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const MASK = '***';

/** Every key's value as text, secrets masked, for one log line at start. */
export function configSummary(config: Config): Record<string, string> {
  const secret = (value: string): string => (value ? MASK : '');
  const time = `${String(config.updateTime.hour).padStart(2, '0')}:${String(config.updateTime.minute).padStart(2, '0')}`;
  return {
    SERIAL_PORT: config.serialPort,
    LOCAL_PORT: String(config.localPort),
    TERMINAL_MANAGER_LOGIN: config.terminalManagerLogin,
    TERMINAL_MANAGER_PWD: secret(config.terminalManagerPwd),
    HIPAY_LOGIN: config.hipayLogin,
    HIPAY_PWD: secret(config.hipayPwd),
    UPDATE_TIME: time,
    TERMINAL_PROTOCOL: config.terminalProtocol,
    TERMINAL_PROFILE: config.terminalProfile,
    ZVT_PASSWORD: config.zvtPassword ? '***' : '',
    BAUD_RATE: String(config.baudRate),
    SERIAL_FORMAT: serialFormatText(config.serialFormat),
    BIND_ADDRESS: config.bindAddress,
    TP_MANAGER_ENDPOINT: config.tpManagerEndpoint,
    HIPAY_URL: withoutUrlPassword(config.hipayUrl),
    HIPAY_HASHKEY: secret(config.hipayHashkey),
    HIPAY_MID: config.hipayMid,
    HIPAY_ACQUIRER_ID: config.hipayAcquirerId,
    PAYMENT_TIMEOUT_S: String(config.paymentTimeoutS),
    HIPAY_TIMEOUT_MS: String(config.hipayTimeoutMs),
    UPDATE_SOURCE: withoutUrlPassword(config.updateSource),
    LOG_LEVEL: config.logLevel,
    LOG_FORMAT: config.logFormat,
    KIOSK_ID: config.kioskId,
    DATA_DIR: config.dataDir,
  };
}

/** A URL may carry user:password@; the summary shows the URL without the password. */
function withoutUrlPassword(text: string): string {
  const url = /^https?:\/\//i.test(text) ? safeUrl(text) : undefined;
  if (!url?.password) return text;
  url.password = MASK;
  return url.href.replace(/\/$/, text.endsWith('/') ? '/' : '');
}

/** The secret values of a config, for createLogger({ secrets }). */
export function configSecrets(config: Config): string[] {
  return [config.terminalManagerPwd, config.hipayPwd, config.hipayHashkey].filter((s) => s !== '');
}
