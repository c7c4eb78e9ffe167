/**
 * A winston transport writing `<dir>/<name>-YYYY-MM-DD.log` (UTC day, the same day as the entries' ISO
 * timestamps), keeping `retentionDays` days of files of that name: older ones are removed at start and at
 * each day change. Writes are synchronous so an entry logged just before a crash is on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import TransportStream = require('winston-transport');

const MESSAGE = Symbol.for('message');
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DailyFileTransportOptions extends TransportStream.TransportStreamOptions {
  dir: string;
  /** File name prefix, e.g. "tp-manager". */
  name: string;
  /** Days of files kept, today included. Default 14. */
  retentionDays?: number;
  /** The clock, for entries without a timestamp. */
  now?: () => Date;
}

export class DailyFileTransport extends TransportStream {
  readonly dir: string;
  readonly name: string;
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private readonly filePattern: RegExp;
  private fd: number | undefined;
  private day = '';

  constructor(options: DailyFileTransportOptions) {
    super(options);
    this.dir = options.dir;
    this.name = options.name;
    this.retentionDays = options.retentionDays ?? 14;
    this.now = options.now ?? (() => new Date());
    this.filePattern = new RegExp(`^${options.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2})\\.log$`);
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      throw new Error(`cannot create the log directory ${this.dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    this.openDay(utcDay(this.now()));
    this.once('finish', () => this.close());
  }

  /** The file entries of `day` (YYYY-MM-DD) go to. */
  fileFor(day: string): string {
    return path.join(this.dir, `${this.name}-${day}.log`);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const day = dayOfTimestamp(info.timestamp) ?? utcDay(this.now());
    try {
      if (day !== this.day || this.fd === undefined) this.openDay(day);
      fs.writeSync(this.fd as number, `${String(info[MESSAGE])}\n`);
    } catch (err) {
      // A full disk must not stop a payment: tell the logger's listeners, do not throw.
      this.emit('warn', err);
    }
    this.emit('logged', info);
    next();
  }

  override close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }

  private openDay(day: string): void {
    this.close();
    this.day = day;
    this.fd = fs.openSync(this.fileFor(day), 'a');
    this.prune(day);
  }

  /** Removes this name's files older than the retention (by the date in their name). */
  private prune(today: string): void {
    const cutoff = utcDay(new Date(Date.parse(`${today}T00:00:00Z`) - (this.retentionDays - 1) * DAY_MS));
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const file of names) {
      const m = this.filePattern.exec(file);
      if (m && m[1] < cutoff) {
        try {
          fs.unlinkSync(path.join(this.dir, file));
        } catch {
          // removed by someone else meanwhile, or not ours to remove: not worth a failure
        }
      }
    }
  }
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function dayOfTimestamp(timestamp: unknown): string | undefined {
  return typeof timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(timestamp) ? timestamp.slice(0, 10) : undefined;
}
