/**
 * How a log entry is written: one readable line on the console, one JSON object a line in the files.
 * Both run after redaction (logger.ts), on plain data.
 */
import { format, type Logform } from 'winston';

/** LOG_FORMAT: how the console shows entries; the files are always JSON lines. */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** Where winston's transports read the finished line (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');

/** Fields every entry has; the rest is the caller's meta. */
const CORE = new Set(['timestamp', 'level', 'message', 'stack']);

/** `2026-11-27T10:00:00.000Z info  supervisor: payment approved orderId=A1 amount=899` */
export function consoleLineFormat(name: string): Logform.Format {
  return format((info) => {
    const meta = Object.entries(info)
      .filter(([key, value]) => !CORE.has(key) && value !== undefined)
      .map(([key, value]) => ` ${key}=${metaText(value)}`)
      .join('');
    const level = info.level.padEnd(5);
    (info as Record<string | symbol, unknown>)[MESSAGE] =
      `${String(info.timestamp)} ${level} ${name}: ${oneLine(messageText(info.message))}${meta}`;
    return info;
  })();
}

/** `{"timestamp":"...","level":"info","process":"supervisor","message":"...",...meta}` */
export function jsonLineFormat(name: string): Logform.Format {
  return format((info) => {
    const entry: Record<string, unknown> = {
      timestamp: info.timestamp,
      level: info.level,
      process: name,
      message: info.message,
    };
    for (const [key, value] of Object.entries(info)) {
      if (!(key in entry)) entry[key] = value;
    }
    (info as Record<string | symbol, unknown>)[MESSAGE] = JSON.stringify(entry);
    return info;
  })();
}

function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message === undefined) return '';
  return JSON.stringify(message) ?? String(message);
}

/** Bare when it reads unambiguously, JSON otherwise (spaces, quotes, "=", objects). */
function metaText(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** One entry, one line: a newline inside a message must not forge a second entry. */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\\n');
}
