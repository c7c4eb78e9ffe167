/**
 * The order book's counts per state (GET /health, GET /metrics), and a result for an attempt whose order the
 * book does not hold: it changes nothing and never throws (the sync would stop on it, and every later answer
 * with it: money rule 5).
 */
import Database from 'better-sqlite3';
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { OrderBook } from '../../src/order-book';
import { buildOrderResponse } from '../../src/order-response';
import { order } from './support';

function entry(id: string, orderId: string, result: Partial<PaymentResult>): JournalEntry {
  return {
    id, orderId, amount: 100, currencyNumeric: '978', state: 'done', seq: 1,
    result: { outcome: 'approved', amount: 100, currencyNumeric: '978', ...result },
    receivedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

describe('OrderBook.stateSummary', () => {
  test('every state is listed, at 0 when no order is in it', () => {
    const summary = new OrderBook(new Database(':memory:')).stateSummary();
    expect(summary).toEqual({
      'in-progress': { count: 0 }, paid: { count: 0 }, 'paid-other-amount': { count: 0 }, failed: { count: 0 }, unknown: { count: 0 },
    });
  });

  test('counts each state and gives its latest change', () => {
    const b = new OrderBook(new Database(':memory:'));
    const at = (s: string) => new Date(`2026-01-01T00:00:0${s}.000Z`);
    b.begin(order('P1'), 'c1', at('1'));
    b.record(entry('c1', 'P1', {}), buildOrderResponse, at('2'));
    b.begin(order('P2'), 'c2', at('3'));
    b.record(entry('c2', 'P2', {}), buildOrderResponse, at('4'));
    b.begin(order('F1'), 'c3', at('5'));
    b.record(entry('c3', 'F1', { outcome: 'declined' }), buildOrderResponse, at('6'));
    b.begin(order('U1'), 'c4', at('7'));
    b.record(entry('c4', 'U1', { outcome: 'error', connectorCode: 'line-lost' }), buildOrderResponse, at('8'));
    b.begin(order('O1'), 'c5', at('9'));
    b.begin(order('X1'), 'c6', at('1'));
    b.record(entry('c6', 'X1', { amount: 60 }), buildOrderResponse, at('2'));
    expect(b.stateSummary()).toEqual({
      'in-progress': { count: 1, lastUpdatedAt: '2026-01-01T00:00:09.000Z' },
      paid: { count: 2, lastUpdatedAt: '2026-01-01T00:00:04.000Z' },
      'paid-other-amount': { count: 1, lastUpdatedAt: '2026-01-01T00:00:02.000Z' },
      failed: { count: 1, lastUpdatedAt: '2026-01-01T00:00:06.000Z' },
      unknown: { count: 1, lastUpdatedAt: '2026-01-01T00:00:08.000Z' },
    });
  });
});

describe('OrderBook.record of an attempt without its order', () => {
  test('changes nothing and does not throw; the attempt keeps the result', () => {
    const b = new OrderBook(new Database(':memory:'));
    b.addAttempt('GONE', 'c1');
    expect(b.record(entry('c1', 'GONE', {}), buildOrderResponse)).toBeUndefined();
    expect(b.get('GONE')).toBeUndefined();
    // Recorded once: the same entry again is not news.
    expect(b.record(entry('c1', 'GONE', {}), buildOrderResponse)).toBeUndefined();
    expect(b.hasAttempt('c1')).toBe(true);
  });
});
