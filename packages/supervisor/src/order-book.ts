/**
 * The order book (orders and their payment attempts in supervisor.db). Written before the terminal is asked
 * and before the kiosk is answered, so that a repeated POST /order never pays twice and an answer the kiosk
 * lost can be read back. An order is final once paid; a failed one may be paid again with the same orderId.
 */
import type Database from 'better-sqlite3';
import type { JournalEntry } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import { paidAsAsked } from './order-response';

/**
 * 'unknown': the terminal got the request but its answer never came (time-out, line lost, tp-manager
 * restarted). It may have charged the card, so the orderId is not paid again; a late answer settles it.
 * 'paid-other-amount': the terminal approved another amount or currency than the one asked (a partial
 * approval): money moved, so the order is paid (with what was paid), but the kiosk was told Failure.
 */
export type OrderState = 'in-progress' | 'paid' | 'paid-other-amount' | 'failed' | 'unknown';

/** Money moved for this order: it is final, never paid again, and no later non-approval changes it. */
export function isPaid(state: OrderState): boolean {
  return state === 'paid' || state === 'paid-other-amount';
}

/** Placeholder results after which the terminal may still have charged the card. */
const UNKNOWN_OUTCOME: readonly (string | undefined)[] = ['terminal-timeout', 'interrupted', 'line-lost'];

export interface OrderRecord {
  orderId: string;
  state: OrderState;
  order: ValidatedOrder;
  response: OrderResponse | null;
  /** Command id of the latest payment attempt. */
  commandId: string;
  updatedAt: string;
}

interface OrderRow {
  order_id: string;
  state: OrderState;
  request: string;
  response: string | null;
  command_id: string;
  updated_at: string;
}

export class OrderBook {
  /** Prepared once: preparing costs more than running these one-row statements. */
  private readonly sql: Record<
    'get' | 'upsert' | 'insertAttempt' | 'attempt' | 'setAttemptResult' | 'finish' | 'fail' | 'inProgress' | 'getSetting' | 'setSetting',
    Database.Statement
  >;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        request TEXT NOT NULL,
        response TEXT,
        command_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS attempts (
        command_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        result TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.sql = {
      get: db.prepare('SELECT * FROM orders WHERE order_id = ?'),
      upsert: db.prepare(
        `INSERT INTO orders (order_id, state, request, response, command_id, created_at, updated_at)
         VALUES (?, 'in-progress', ?, NULL, ?, ?, ?)
         ON CONFLICT(order_id) DO UPDATE SET state = 'in-progress', request = excluded.request, response = NULL,
           command_id = excluded.command_id, updated_at = excluded.updated_at`,
      ),
      insertAttempt: db.prepare('INSERT INTO attempts (command_id, order_id, result, created_at) VALUES (?, ?, NULL, ?)'),
      attempt: db.prepare('SELECT order_id, result FROM attempts WHERE command_id = ?'),
      setAttemptResult: db.prepare('UPDATE attempts SET result = ? WHERE command_id = ?'),
      finish: db.prepare('UPDATE orders SET state = ?, response = ?, command_id = ?, updated_at = ? WHERE order_id = ?'),
      fail: db.prepare(`UPDATE orders SET state = 'failed', response = ?, updated_at = ? WHERE order_id = ? AND command_id = ? AND state = 'in-progress'`),
      inProgress: db.prepare(`SELECT * FROM orders WHERE state = 'in-progress'`),
      getSetting: db.prepare('SELECT value FROM settings WHERE name = ?'),
      setSetting: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value'),
    };
  }

  get(orderId: string): OrderRecord | undefined {
    const row = this.sql.get.get(orderId) as OrderRow | undefined;
    return row && toRecord(row);
  }

  /**
   * Starts a payment attempt. Returns the existing record instead when the order is paid, in progress or of
   * unknown outcome: the caller answers with it and the terminal is not asked.
   */
  begin(order: ValidatedOrder, commandId: string, now = new Date()): { started: true } | { started: false; existing: OrderRecord } {
    return this.db.transaction(() => {
      const existing = this.get(order.orderId);
      if (existing && existing.state !== 'failed') return { started: false as const, existing };
      const at = now.toISOString();
      this.sql.upsert.run(order.orderId, JSON.stringify(order), commandId, at, at);
      this.sql.insertAttempt.run(commandId, order.orderId, at);
      return { started: true as const };
    })();
  }

  /**
   * Records a journal entry of tp-manager. Idempotent. The latest attempt sets the order's answer; an
   * approved result of any attempt wins (money moved: the order is paid, and no later non-approval of any
   * attempt changes that). Returns the order when it changed.
   */
  record(entry: JournalEntry, respond: (order: ValidatedOrder, entry: JournalEntry) => OrderResponse, now = new Date()): OrderRecord | undefined {
    return this.db.transaction(() => {
      const attempt = this.sql.attempt.get(entry.id) as
        | { order_id: string; result: string | null }
        | undefined;
      if (!attempt || !entry.result) return undefined;
      const resultText = JSON.stringify(entry.result);
      if (attempt.result === resultText) return undefined;
      this.sql.setAttemptResult.run(resultText, entry.id);
      const order = this.get(attempt.order_id);
      if (!order) return undefined;
      const approved = entry.result.outcome === 'approved';
      if (!approved && (order.commandId !== entry.id || isPaid(order.state))) return undefined;
      const response = respond(order.order, entry);
      const state: OrderState = approved
        ? paidAsAsked(order.order, entry.result)
          ? 'paid'
          : 'paid-other-amount'
        : UNKNOWN_OUTCOME.includes(entry.result.connectorCode)
          ? 'unknown'
          : 'failed';
      this.sql.finish.run(state, JSON.stringify(response), entry.id, now.toISOString(), order.orderId);
      return this.get(order.orderId);
    })();
  }

  /** An attempt of an existing order, without changing the order (record() decides what its result means). */
  addAttempt(orderId: string, commandId: string, now = new Date()): void {
    this.sql.insertAttempt.run(commandId, orderId, now.toISOString());
  }

  hasAttempt(commandId: string): boolean {
    return this.sql.attempt.get(commandId) !== undefined;
  }

  /** The attempt never reached the terminal (tp-manager never journaled it): the order may be paid again. */
  fail(orderId: string, commandId: string, response: OrderResponse, now = new Date()): void {
    this.sql.fail.run(JSON.stringify(response), now.toISOString(), orderId, commandId);
  }

  /** Runs fn in one transaction (one commit, one fsync) with whatever else it writes to supervisor.db. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  inProgress(): OrderRecord[] {
    return (this.sql.inProgress.all() as OrderRow[]).map(toRecord);
  }

  /** How many orders are in each state, and the latest change in each (GET /health, GET /metrics). */
  stateSummary(): Record<OrderState, { count: number; lastUpdatedAt?: string }> {
    const summary: Record<OrderState, { count: number; lastUpdatedAt?: string }> = {
      'in-progress': { count: 0 },
      paid: { count: 0 },
      'paid-other-amount': { count: 0 },
      failed: { count: 0 },
      unknown: { count: 0 },
    };
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n, MAX(updated_at) AS last FROM orders GROUP BY state').all() as { state: OrderState; n: number; last: string }[];
    for (const r of rows) summary[r.state] = { count: r.n, lastUpdatedAt: r.last };
    return summary;
  }

  getSetting(name: string): string | undefined {
    return (this.sql.getSetting.get(name) as { value: string } | undefined)?.value;
  }

  setSetting(name: string, value: string): void {
    this.sql.setSetting.run(name, value);
  }
}

function toRecord(row: OrderRow): OrderRecord {
  return {
    orderId: row.order_id,
    state: row.state,
    order: JSON.parse(row.request) as ValidatedOrder,
    response: row.response ? (JSON.parse(row.response) as OrderResponse) : null,
    commandId: row.command_id,
    updatedAt: row.updated_at,
  };
}
