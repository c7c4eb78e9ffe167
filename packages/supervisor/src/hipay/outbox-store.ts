/**
 * The outbox's table in supervisor.db. Every state change is one statement, so a crash leaves each row
 * either before or after it. Times are epoch milliseconds.
 */
import type { Database } from 'better-sqlite3';

export type OutboxState = 'pending' | 'delivered' | 'refused';

export interface OutboxRow {
  order_id: string;
  order_json: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  /** 1 when HiPay may have the order already: look it up before sending again. */
  lookup_first: number;
  /** 1 when HiPay said it has the orderid (3010004...): only look it up, never post it again. */
  held: number;
  transaction_reference: string | null;
  created_at: number;
  updated_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS hipay_outbox (
  order_id TEXT PRIMARY KEY,
  order_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'refused')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  lookup_first INTEGER NOT NULL DEFAULT 0,
  transaction_reference TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS hipay_outbox_due ON hipay_outbox (state, next_attempt_at);
`;

/** Where delivery stands, for GET /health (OutboxCounts in service.ts). Ages in seconds. */
export interface OutboxSummary {
  pending: number;
  refused: number;
  delivered: number;
  oldestPendingAgeS?: number;
  lastError?: string;
  oldestRefusedAgeS?: number;
  lastRefusedReason?: string;
}

/** A supervisor.db written before the column existed gets it (SQLite adds it in place). */
function addHeldColumn(db: Database): void {
  const columns = db.prepare('PRAGMA table_info(hipay_outbox)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'held')) db.exec('ALTER TABLE hipay_outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0');
}

export class OutboxStore {
  private readonly sql;

  constructor(db: Database) {
    db.exec(SCHEMA);
    addHeldColumn(db);
    this.sql = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO hipay_outbox (order_id, order_json, state, next_attempt_at, lookup_first, created_at, updated_at)
         VALUES (?, ?, 'pending', ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM hipay_outbox WHERE order_id = ?'),
      due: db.prepare(`SELECT order_id FROM hipay_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`),
      nextPending: db.prepare(`SELECT order_id, next_attempt_at FROM hipay_outbox WHERE state = 'pending' ORDER BY next_attempt_at LIMIT ?`),
      beginAttempt: db.prepare('UPDATE hipay_outbox SET attempts = attempts + 1, updated_at = ? WHERE order_id = ?'),
      markSending: db.prepare('UPDATE hipay_outbox SET lookup_first = 1, updated_at = ? WHERE order_id = ?'),
      beginSending: db.prepare('UPDATE hipay_outbox SET attempts = attempts + 1, lookup_first = 1, updated_at = ? WHERE order_id = ?'),
      delivered: db.prepare(
        `UPDATE hipay_outbox SET state = 'delivered', transaction_reference = ?, last_error = NULL, lookup_first = 0, updated_at = ? WHERE order_id = ?`,
      ),
      retryLater: db.prepare('UPDATE hipay_outbox SET next_attempt_at = ?, last_error = ?, lookup_first = ?, updated_at = ? WHERE order_id = ?'),
      held: db.prepare('UPDATE hipay_outbox SET held = 1, lookup_first = 1, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE order_id = ?'),
      refused: db.prepare(`UPDATE hipay_outbox SET state = 'refused', last_error = ?, updated_at = ? WHERE order_id = ?`),
      retryRefused: db.prepare(
        `UPDATE hipay_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lookup_first = 1, updated_at = ? WHERE state = 'refused'`,
      ),
      counts: db.prepare('SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM hipay_outbox GROUP BY state'),
      lastError: db.prepare('SELECT last_error FROM hipay_outbox WHERE state = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1'),
    };
  }

  /** True when the row is new; an orderId already stored is left as it is. */
  insert(orderId: string, orderJson: string, lookupFirst: boolean, now: number): boolean {
    return this.sql.insert.run(orderId, orderJson, now, lookupFirst ? 1 : 0, now, now).changes === 1;
  }

  get(orderId: string): OutboxRow | undefined {
    return this.sql.get.get(orderId) as OutboxRow | undefined;
  }

  due(now: number, limit: number): string[] {
    return (this.sql.due.all(now, limit) as { order_id: string }[]).map((r) => r.order_id);
  }

  /** When the earliest pending order not in `busy` is due, or undefined when none is pending. */
  nextDueAt(busy: ReadonlySet<string>): number | undefined {
    const rows = this.sql.nextPending.all(busy.size + 1) as { order_id: string; next_attempt_at: number }[];
    return rows.find((r) => !busy.has(r.order_id))?.next_attempt_at;
  }

  beginAttempt(orderId: string, now: number): void {
    this.sql.beginAttempt.run(now, orderId);
  }

  /** beginAttempt and markSending in one write (one commit), for a try that POSTs straight away. */
  beginSending(orderId: string, now: number): void {
    this.sql.beginSending.run(now, orderId);
  }

  /** Written before the POST leaves: if the process dies now, the next try looks the order up first. */
  markSending(orderId: string, now: number): void {
    this.sql.markSending.run(now, orderId);
  }

  delivered(orderId: string, transactionReference: string, now: number): void {
    this.sql.delivered.run(transactionReference, now, orderId);
  }

  retryLater(orderId: string, at: number, error: string, lookupFirst: boolean, now: number): void {
    this.sql.retryLater.run(at, error, lookupFirst ? 1 : 0, now, orderId);
  }

  held(orderId: string, at: number, reason: string, now: number): void {
    this.sql.held.run(at, reason, now, orderId);
  }

  refused(orderId: string, error: string, now: number): void {
    this.sql.refused.run(error, now, orderId);
  }

  retryRefused(now: number): number {
    return this.sql.retryRefused.run(now, now).changes;
  }

  summary(now: number): OutboxSummary {
    const summary: OutboxSummary = { pending: 0, refused: 0, delivered: 0 };
    const oldest: Partial<Record<OutboxState, number>> = {};
    for (const r of this.sql.counts.all() as { state: OutboxState; n: number; oldest: number }[]) {
      summary[r.state] = r.n;
      oldest[r.state] = r.oldest;
    }
    const ageS = (at: number): number => Math.max(0, Math.round((now - at) / 1000));
    const last = (state: OutboxState): string | undefined => (this.sql.lastError.get(state) as { last_error: string } | undefined)?.last_error;
    if (summary.pending > 0) {
      summary.oldestPendingAgeS = ageS(oldest.pending!);
      const error = last('pending');
      if (error !== undefined) summary.lastError = error;
    }
    if (summary.refused > 0) {
      summary.oldestRefusedAgeS = ageS(oldest.refused!);
      const reason = last('refused');
      if (reason !== undefined) summary.lastRefusedReason = reason;
    }
    return summary;
  }
}
