/**
 * Parsers for the value kinds of config.txt. Each returns the typed value, or the end of a one-line message
 * ("is not a port: expected ...") that the loader prefixes with the file, the line and KEY=VALUE.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { fail, ok, type Result } from '@ecr/protocol';

// The one result type (protocol/src/result.ts), with its two constructors, for the parsers of config-keys.ts.
export { fail, ok, type Result };

export type TerminalProtocol = 'concert-v2' | 'concert-v3' | 'zvt';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface SerialFormat {
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** How tp-manager reaches the terminal, decoded from SERIAL_PORT. */
export type TerminalLink =
  | { kind: 'serial'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'simulator' };

/** Whole decimal number within bounds; "8080.0", "+1" or "1e3" are refused so the file says what is used. */
export function integerIn(min: number, max: number, problem: string) {
  return (raw: string): Result<number> => {
    if (!/^\d{1,9}$/.test(raw)) return fail(problem);
    const n = Number(raw);
    return n >= min && n <= max ? ok(n) : fail(problem);
  };
}

export const PORT_PROBLEM = 'is not a port: expected an integer from 1 to 65535';
export const parsePort = integerIn(1, 65535, PORT_PROBLEM);

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostname(host: string): boolean {
  return host.length > 0 && host.length <= 253 && host.split('.').every((label) => HOST_LABEL.test(label));
}

/** `host:port` where host is a name, an IPv4 address or a bracketed IPv6 address. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]*\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = parsePort(m[2]);
  if (!port.ok) return undefined;
  const bracketed = m[1].startsWith('[');
  const host = bracketed ? m[1].slice(1, -1) : m[1];
  const valid = bracketed ? net.isIPv6(host) : net.isIPv4(host) || isHostname(host);
  return valid ? { host, port: port.value } : undefined;
}

export function parseTerminalLink(raw: string): Result<TerminalLink> {
  const problem =
    'is not a terminal port: expected a serial port such as COM8 or /dev/ttyUSB0, tcp://host:port, or simulator';
  if (raw.toLowerCase() === 'simulator') return ok({ kind: 'simulator' });
  if (/^tcp:\/\//i.test(raw)) {
    const hostPort = parseHostPort(raw.slice('tcp://'.length));
    return hostPort ? ok({ kind: 'tcp', ...hostPort }) : fail(problem);
  }
  // Windows names its ports COM1..COM256; ports from COM10 on may also be written \\.\COM10.
  const com = /^(?:\\\\\.\\)?(COM\d{1,3})$/i.exec(raw);
  if (com) return ok({ kind: 'serial', path: raw.slice(0, raw.length - com[1].length) + com[1].toUpperCase() });
  if (raw.startsWith('/') && raw.length > 1 && !/\s/.test(raw)) return ok({ kind: 'serial', path: raw });
  return fail(problem);
}

export function terminalLinkText(link: TerminalLink): string {
  switch (link.kind) {
    case 'simulator':
      return 'simulator';
    case 'serial':
      return link.path;
    case 'tcp':
      return `tcp://${link.host.includes(':') ? `[${link.host}]` : link.host}:${link.port}`;
  }
}

/** Basic auth puts a colon between login and password (RFC 7617), so a login cannot hold one. */
export function parseLogin(raw: string): Result<string> {
  return raw.includes(':')
    ? fail('is not a login: expected no ":" in it (Basic auth puts one between login and password)')
    : ok(raw);
}

export function parseTime(raw: string): Result<TimeOfDay> {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59) return ok({ hour, minute });
  return fail('is not a time: expected hh:mm from 00:00 to 23:59');
}

export function parseTerminalProtocol(raw: string): Result<TerminalProtocol> {
  const value = raw.toLowerCase();
  if (value === 'concert-v2' || value === 'concert-v3' || value === 'zvt') return ok(value);
  return fail('is not a terminal protocol: expected concert-v2, concert-v3 or zvt');
}

/** TERMINAL_PROFILE: how the terminal frames requests beyond its protocol (terminal-protocols.md, "Real terminals"). */
export type TerminalProfile = 'generic' | 'hipay-nepting';

export function parseTerminalProfile(raw: string): Result<TerminalProfile> {
  const value = raw.toLowerCase();
  if (value === 'generic' || value === 'hipay-nepting') return ok(value);
  return fail("is not a terminal profile: expected generic, or hipay-nepting (HiPay's Android terminals, CR/LF after each request)");
}

export function parseZvtPassword(raw: string): Result<string> {
  return /^\d{6}$/.test(raw) ? ok(raw) : fail("is not a ZVT password: expected the terminal's 6 digits, e.g. ZVT_PASSWORD=000000");
}

export const STANDARD_BAUD_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;

export function parseBaudRate(raw: string): Result<number> {
  const rate = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if ((STANDARD_BAUD_RATES as readonly number[]).includes(rate)) return ok(rate);
  return fail(`is not a standard baud rate: expected one of ${STANDARD_BAUD_RATES.join(', ')}`);
}

const PARITIES = { N: 'none', E: 'even', O: 'odd' } as const;

export function parseSerialFormat(raw: string): Result<SerialFormat> {
  const m = /^([78])([NEO])([12])$/.exec(raw.toUpperCase());
  if (!m) {
    return fail(
      'is not a serial format: expected data bits 7 or 8, parity N, E or O, stop bits 1 or 2, e.g. 8N1 or 7E1',
    );
  }
  return ok({
    dataBits: m[1] === '7' ? 7 : 8,
    parity: PARITIES[m[2] as keyof typeof PARITIES],
    stopBits: m[3] === '1' ? 1 : 2,
  });
}

export function serialFormatText(format: SerialFormat): string {
  const parity = { none: 'N', even: 'E', odd: 'O' }[format.parity];
  return `${format.dataBits}${parity}${format.stopBits}`;
}

export function parseBindAddress(raw: string): Result<string> {
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (bare.toLowerCase() === 'localhost') return ok('localhost');
  if (net.isIP(bare)) return ok(bare);
  return fail('is not an address: expected an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0 or ::1) or localhost');
}

/** Both processes use the same endpoint (one binds, one connects), so a wildcard host is refused. */
export function parseEndpoint(raw: string): Result<string> {
  const problem = 'is not an endpoint: expected tcp://host:port, e.g. tcp://127.0.0.1:5555';
  if (!/^tcp:\/\//i.test(raw)) return fail(problem);
  const hostPort = parseHostPort(raw.slice('tcp://'.length));
  if (!hostPort) return fail(problem);
  return ok(terminalLinkText({ kind: 'tcp', ...hostPort }));
}

/** An http(s) base URL, kept without its trailing slash so paths can be appended. */
export function parseHttpUrl(raw: string): Result<string> {
  const problem = 'is not a URL: expected an http:// or https:// base address, e.g. https://stage-secure-gateway.hipay-tpp.com';
  if (raw === '') return ok('');
  const url = safeUrl(raw);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.search || url.hash) {
    return fail(problem);
  }
  return ok(url.href.replace(/\/+$/, ''));
}

export function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * HiPay API logins look like 94654727.stage-secure-gateway.hipay-tpp.com: the gateway host follows the first dot
 * (reference/hipay-gateway.md). Undefined when the login carries no host.
 */
export function gatewayUrlFromLogin(login: string): string | undefined {
  const dot = login.indexOf('.');
  if (dot < 0) return undefined;
  const host = login.slice(dot + 1);
  return isHostname(host) ? `https://${host.toLowerCase()}` : undefined;
}

/**
 * Empty (no update), an https:// URL, or a directory; a relative directory is taken from the data directory so
 * the result does not depend on where a program was started.
 */
export function parseUpdateSource(raw: string, dataDir: string): Result<string> {
  if (raw === '') return ok('');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw)) {
    const url = safeUrl(raw);
    if (url && url.protocol === 'https:' && url.hostname) return ok(url.href);
    return fail('is not an update source: expected a directory or an https:// URL (releases are not fetched over plain http)');
  }
  if (path.posix.isAbsolute(raw) || path.win32.isAbsolute(raw)) return ok(raw);
  return ok(path.resolve(dataDir, raw));
}

export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export function parseLogLevel(raw: string): Result<LogLevel> {
  const value = raw.toLowerCase();
  const level = LOG_LEVELS.find((l) => l === value);
  return level ? ok(level) : fail('is not a log level: expected error, warn, info or debug');
}

export function anyText(raw: string): Result<string> {
  return ok(raw);
}
