/** Shared pieces of the HiPay tests: a real SQLite file in a temp dir, a log recorder, waiting for a condition. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currencyByAlpha } from '@ecr/common';
import type { Logger } from '@ecr/common';
import type { HipayOrder } from '../../src/hipay';

export const LOGIN = '94654727.stage-secure-gateway.hipay-tpp.com';
export const PASSWORD = 'Test_pw_123';
export const SETTINGS = { hashKey: 'hk-123', mid: '00001326589', acquirerId: '91' };

export interface TempDb {
  path: string;
  open(): Database.Database;
  remove(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'hipay-outbox-'));
  const path = join(dir, 'supervisor.db');
  return {
    path,
    open() {
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      return db;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RecordingLogger extends Pick<Logger, 'info' | 'warn' | 'error'> {
  lines: { level: 'info' | 'warn' | 'error'; message: string }[];
  at(level: 'info' | 'warn' | 'error'): string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
    at: (level) => lines.filter((l) => l.level === level).map((l) => l.message),
  };
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function paidOrder(orderId: string, extra: Partial<HipayOrder> = {}): HipayOrder {
  return { orderId, amount: 899, currency: currencyByAlpha('EUR')!, authorisationNumber: '122603', ...extra };
}
