/**
 * The processes' logger (winston): a readable line on the console (or one JSON object a line with LOG_FORMAT=json,
 * for journald, Docker and Loki) and, with a data directory, daily JSON-line files under <dataDir>/logs kept 14 days. Every entry goes through redaction first, so card numbers and
 * secrets never reach a console or a file (design.md, "Data directory").
 */
import * as path from 'node:path';
import winston from 'winston';
import TransportStream = require('winston-transport');
import { DailyFileTransport } from './daily-file-transport';
import { consoleLineFormat, jsonLineFormat, type LogFormat } from './log-formats';
import { createRedactor, type Redactor } from './log-redaction';

/**
 * The one logger interface of the project: what a module logs with. A module that needs only some levels
 * asks for `Pick<Logger, 'info' | 'warn'>`; the processes' winston logger fits it, and so does a test's
 * recorder. `meta` fields are written as fields of the line (JSON logs), never inside the message.
 */
export interface Logger {
  error(message: string, meta?: LogFields): void;
  warn(message: string, meta?: LogFields): void;
  info(message: string, meta?: LogFields): void;
  debug(message: string, meta?: LogFields): void;
  /** A logger whose every line also carries `fields` (e.g. one payment's orderId and command id). */
  child(fields: LogFields): Logger;
}

export type LogFields = Record<string, unknown>;

/** The logger a process makes with createLogger: winston's, closed with closeLogger before a planned exit. */
export type ProcessLogger = winston.Logger;
export { DailyFileTransport, type DailyFileTransportOptions } from './daily-file-transport';
export { createRedactor, REDACTED, type Redactor } from './log-redaction';
export { consoleLineFormat, jsonLineFormat, LOG_FORMATS, type LogFormat } from './log-formats';

export interface CreateLoggerOptions {
  /** The process, e.g. "tp-manager" or "supervisor": shown on each line and used in file names. */
  name: string;
  /** With it, entries also go to <dataDir>/logs/<name>-YYYY-MM-DD.log. */
  dataDir?: string;
  /** error, warn, info (default) or debug; winston's other npm levels are accepted too. */
  level?: string;
  /** Write to the console (stdout). Default true. */
  console?: boolean;
  /** The console's format: 'text' (default), readable lines; 'json', the files' JSON lines (LOG_FORMAT). */
  consoleFormat?: LogFormat;
  /** Values replaced by *** wherever they appear (the configured passwords, see configSecrets). */
  secrets?: readonly string[];
  /** Days of log files kept, today included. Default 14. */
  retentionDays?: number;
  /** The clock for timestamps and file days (tests). */
  clock?: () => Date;
}

export function createLogger(options: CreateLoggerOptions): ProcessLogger {
  const { name } = options;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(`logger name "${name}" cannot name a log file: expected letters, digits, ".", "_" or "-"`);
  }
  const level = options.level ?? 'info';
  if (!Object.hasOwn(winston.config.npm.levels, level)) {
    throw new Error(`log level "${level}" is unknown: expected error, warn, info or debug`);
  }
  const clock = options.clock ?? (() => new Date());

  const transports: TransportStream[] = [];
  if (options.console ?? true) {
    const format = options.consoleFormat === 'json' ? jsonLineFormat(name) : consoleLineFormat(name);
    transports.push(new winston.transports.Console({ format }));
  }
  if (options.dataDir !== undefined) {
    transports.push(
      new DailyFileTransport({
        dir: path.join(options.dataDir, 'logs'),
        name,
        retentionDays: options.retentionDays,
        now: clock,
        format: jsonLineFormat(name),
      }),
    );
  }
  // winston complains on every entry when it has no transport at all.
  if (transports.length === 0) transports.push(new TransportStream({ log: (_info, next) => next() }));

  return winston.createLogger({
    level,
    levels: winston.config.npm.levels,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp({ format: () => clock().toISOString() }),
      redactionFormat(createRedactor(options.secrets ?? [])),
    ),
    transports,
    exitOnError: false,
  });
}

/** Redacts the message and every meta value of an entry (the caller's objects are copied, not changed). */
export function redactionFormat(redactor: Redactor): winston.Logform.Format {
  return winston.format((info) => {
    const fields = info as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (key === 'level' || key === 'timestamp') continue;
      fields[key] = redactor.value(fields[key], key === 'message' ? undefined : key);
    }
    return info;
  })();
}

/** Flushes every transport and closes the log files; resolves when done (call before a planned exit). */
export function closeLogger(logger: ProcessLogger): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      logger.close();
      resolve();
    };
    if (logger.writableFinished) return done();
    logger.once('finish', done);
    logger.end();
  });
}
