/** The order book alone, on in-memory SQLite: what a result may change and what it may not. */
import Database from 'better-sqlite3';
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { OrderBook } from '../../src/order-book';
import { buildOrderResponse } from '../../src/order-response';
import { order } from './support';

function entry(id: string, orderId: string, result: Partial<PaymentResult>, amount = 100): JournalEntry {
  return {
    id,
    orderId,
    amount,
    currencyNumeric: '978',
    state: 'done',
    result: { outcome: 'approved', amount, currencyNumeric: '978', ...result },
    receivedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    seq: 1,
  };
}

function book() {
  return new OrderBook(new Database(':memory:'));
}

const respond = buildOrderResponse;

describe('OrderBook', () => {
  test('begin refuses an orderId that is in progress, paid or of unknown outcome; a failed one starts again', () => {
    const b = book();
    expect(b.begin(order('O1'), 'c1')).toEqual({ started: true });
    expect(b.begin(order('O1'), 'c2')).toMatchObject({ started: false, existing: { state: 'in-progress', commandId: 'c1' } });
    b.record(entry('c1', 'O1', { outcome: 'declined' }), respond);
    expect(b.begin(order('O1'), 'c2')).toEqual({ started: true });
    b.record(entry('c2', 'O1', { outcome: 'error', connectorCode: 'terminal-timeout' }), respond);
    expect(b.get('O1')!.state).toBe('unknown');
    expect(b.begin(order('O1'), 'c3').started).toBe(false);
  });

  test('a later non-approved result never overwrites a paid order (money rule 5)', () => {
    const b = book();
    b.begin(order('O2'), 'c1');
    b.record(entry('c1', 'O2', { outcome: 'approved' }), respond);
    // The same attempt's entry replaced by a placeholder, or by a decline (a second answer of the terminal).
    expect(b.record(entry('c1', 'O2', { outcome: 'declined' }), respond)).toBeUndefined();
    expect(b.record(entry('c1', 'O2', { outcome: 'error', connectorCode: 'interrupted' }), respond)).toBeUndefined();
    expect(b.get('O2')).toMatchObject({ state: 'paid', response: { status: 'Success' } });
  });

  test('a partial approval is paid-other-amount, and stays paid against a later decline (money rule 4)', () => {
    const b = book();
    b.begin(order('O3'), 'c1');
    const changed = b.record(entry('c1', 'O3', { outcome: 'approved', amount: 60 }), respond);
    expect(changed).toMatchObject({ state: 'paid-other-amount', response: { status: 'Failure' } });
    expect(b.record(entry('c1', 'O3', { outcome: 'declined' }), respond)).toBeUndefined();
    expect(b.get('O3')!.state).toBe('paid-other-amount');
    expect(b.begin(order('O3'), 'c2').started).toBe(false);
  });

  test('a late approval of an earlier attempt wins over the latest attempt (money moved)', () => {
    const b = book();
    b.begin(order('O4'), 'c1');
    b.record(entry('c1', 'O4', { outcome: 'declined' }), respond);
    b.begin(order('O4'), 'c2');
    b.record(entry('c2', 'O4', { outcome: 'declined' }), respond);
    // A decline of an earlier attempt does not change the order; its approval does.
    expect(b.record(entry('c1', 'O4', { outcome: 'abandoned' }), respond)).toBeUndefined();
    expect(b.record(entry('c1', 'O4', { outcome: 'approved' }), respond)).toMatchObject({ state: 'paid', commandId: 'c1' });
  });

  test('a late answer replaces the unknown outcome', () => {
    const b = book();
    b.begin(order('O5'), 'c1');
    b.record(entry('c1', 'O5', { outcome: 'error', connectorCode: 'line-lost' }), respond);
    expect(b.get('O5')!.state).toBe('unknown');
    expect(b.record(entry('c1', 'O5', { outcome: 'declined' }), respond)).toMatchObject({ state: 'failed' });
  });

  test('recording is idempotent; an unknown command id changes nothing', () => {
    const b = book();
    b.begin(order('O6'), 'c1');
    expect(b.record(entry('c1', 'O6', {}), respond)).toBeDefined();
    expect(b.record(entry('c1', 'O6', {}), respond)).toBeUndefined();
    expect(b.record(entry('zz', 'O6', { outcome: 'declined' }), respond)).toBeUndefined();
  });

  test('fail() only fails the attempt it names, and only while in progress', () => {
    const b = book();
    b.begin(order('O7'), 'c1');
    const failure = { ...respond(order('O7'), entry('c1', 'O7', { outcome: 'error' })), error: 'never sent' };
    b.fail('O7', 'other', failure);
    expect(b.get('O7')!.state).toBe('in-progress');
    b.record(entry('c1', 'O7', {}), respond);
    b.fail('O7', 'c1', failure);
    expect(b.get('O7')!.state).toBe('paid');
  });
});
