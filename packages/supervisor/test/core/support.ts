/** The connector core on an in-memory SQLite database, a fake tp-manager and a recording HiPay delivery. */
import Database from 'better-sqlite3';
import { currencyByAlpha } from '@ecr/common';
import { Connector } from '../../src/connector-service';
import type { ValidatedOrder } from '../../src/contract';
import { JournalSync } from '../../src/journal-sync';
import { OrderBook } from '../../src/order-book';
import { OrderRecorder, type OrderDelivery } from '../../src/order-recorder';
import type { OutboxCounts } from '../../src/service';
import { FakeTpManager } from './fake-tp-manager';

export type Added = Parameters<OrderDelivery['add']>[0];

export class RecordingDelivery implements OrderDelivery {
  readonly added: Added[] = [];
  failAdd?: Error;
  counted: OutboxCounts = { pending: 0, refused: 0 };

  add(order: Added): void {
    if (this.failAdd) throw this.failAdd;
    this.added.push(order);
  }

  async deliverNow(): Promise<boolean> {
    return true;
  }

  status(orderId: string) {
    return this.added.some((a) => a.orderId === orderId) ? { state: 'delivered' as const, attempts: 1 } : undefined;
  }

  counts(): OutboxCounts {
    return this.counted;
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export function recordingLogger() {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string) => void lines.push({ level, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), text: () => lines.map((l) => `${l.level} ${l.message}`).join('\n') };
}

export function order(orderId: string, amount = 100, currency = 'EUR', extra: Partial<ValidatedOrder> = {}): ValidatedOrder {
  return { orderId, amount, currency: currencyByAlpha(currency)!, ...extra };
}

export function core(options: { paymentTimeoutMs?: number } = {}) {
  const db = new Database(':memory:');
  const orders = new OrderBook(db);
  const tp = new FakeTpManager();
  const delivery = new RecordingDelivery();
  const logger = recordingLogger();
  const recorder = new OrderRecorder(orders, delivery, logger);
  const connector = new Connector(orders, tp, delivery, recorder, logger, {
    paymentTimeoutMs: options.paymentTimeoutMs ?? 60_000,
    hipayTimeoutMs: 100,
    version: '1.0.0-test',
    settlePollMs: 5,
  });
  const sync = new JournalSync(orders, tp, recorder, logger, () => connector.activeCommandId);
  return { db, orders, tp, delivery, logger, recorder, connector, sync };
}

/** Resolves once probe() is true, checking after each turn of the event loop (no fixed sleep). */
export async function until(probe: () => boolean, what = 'condition', turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (probe()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

/** The settled value or error of a promise, to assert on either. */
export function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: Error & { code?: string } }> {
  return p.then(
    (value) => ({ value }),
    (error: Error & { code?: string }) => ({ error }),
  );
}
