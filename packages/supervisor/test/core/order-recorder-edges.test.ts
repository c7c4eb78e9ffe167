/**
 * The recorder's edges: HiPay gets the basket of an order paid as asked; an approval in a currency the
 * connector does not know is recorded but never queued with no currency (money rule 4, 5); a journal entry in
 * an unknown currency is not adopted; a lost attempt of a known order keeps that order's request; a waiter
 * hears only of a change, and one that stopped listening hears nothing and is forgotten.
 */
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { core, order } from './support';

function entry(id: string, orderId: string, result: Partial<PaymentResult> = {}, currencyNumeric = '978'): JournalEntry {
  return {
    id, orderId, amount: 100, currencyNumeric, state: 'done', seq: 1,
    result: { outcome: 'approved', amount: 100, currencyNumeric, authorisationNumber: 'A1B2C3', ...result },
    receivedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
  };
}

const basket = [{ product_reference: 'NF-a1690', name: 'Coffee', type: 'good' as const, quantity: 1, unit_price: 1, total_amount: 1 }];
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('OrderRecorder edges', () => {
  test('money rule 5: an order paid as asked goes to HiPay with its basket, customer, amount and currency', () => {
    const c = core();
    const asked = order('B1', 100, 'EUR', { basketItems: basket as never, customer: { email: 'a@b.c' } as never });
    c.orders.begin(asked, 'c1');
    c.recorder.record(entry('c1', 'B1'));
    expect(c.delivery.added).toEqual([
      expect.objectContaining({ orderId: 'B1', amount: 100, currency: asked.currency, basketItems: asked.basketItems, customer: asked.customer }),
    ]);
  });

  test('money rule 4: approved in a currency the connector does not know: paid-other-amount, never queued without a currency, said as an error', () => {
    const c = core();
    c.orders.begin(order('Q1'), 'c1');
    const changed = c.recorder.record(entry('c1', 'Q1', { currencyNumeric: '999' }));
    expect(changed!.state).toBe('paid-other-amount');
    expect(c.delivery.added).toEqual([]);
    expect(c.logger.lines).toContainEqual({ level: 'error', message: expect.stringMatching(/^order Q1 is paid but could not be queued for HiPay: .*999/) });
  });

  test('a lost journal entry in a currency the connector does not know is not adopted: no order made up', () => {
    const c = core();
    expect(c.recorder.record(entry('c1', 'Z1', {}, '999'))).toBeUndefined();
    expect(c.orders.get('Z1')).toBeUndefined();
    expect(c.orders.hasAttempt('c1')).toBe(false);
    expect(c.delivery.added).toEqual([]);
    expect(c.logger.lines).toContainEqual({ level: 'error', message: expect.stringMatching(/unknown currency 999; not recorded/) });
  });

  test('a lost attempt of a failed order keeps the request the kiosk made (basket, customer) for HiPay', () => {
    const c = core();
    const asked = order('K1', 100, 'EUR', { basketItems: basket as never, customer: { email: 'a@b.c' } as never });
    c.orders.begin(asked, 'c1');
    c.recorder.record(entry('c1', 'K1', { outcome: 'declined' }));
    expect(c.orders.get('K1')!.state).toBe('failed');
    c.recorder.record(entry('c2', 'K1')); // an attempt the order book lost, approved
    expect(c.orders.get('K1')).toMatchObject({ state: 'paid', commandId: 'c2', order: { basketItems: asked.basketItems, customer: asked.customer } });
    expect(c.delivery.added).toEqual([expect.objectContaining({ orderId: 'K1', customer: asked.customer, lookupFirst: true })]);
  });

  test('a waiter hears of a change only: an entry that changes nothing does not end its wait', async () => {
    const c = core();
    c.orders.begin(order('W1'), 'c1');
    c.recorder.record(entry('c1', 'W1'));
    let heard = false;
    const waiting = c.recorder.whenRecorded('c1');
    void waiting.recorded.then(() => (heard = true));
    c.recorder.record(entry('c1', 'W1')); // the same result again: no change
    await turns();
    expect(heard).toBe(false);
    waiting.cancel();
  });

  test('a waiter that stopped listening hears nothing, and no waiter is left behind', async () => {
    const c = core();
    c.orders.begin(order('W2'), 'c1');
    const waiters = (c.recorder as unknown as { waiters: Map<string, Set<unknown>> }).waiters;
    let heard = false;
    const first = c.recorder.whenRecorded('c1');
    const second = c.recorder.whenRecorded('c1');
    void first.recorded.then(() => (heard = true));
    first.cancel();
    expect(waiters.get('c1')!.size).toBe(1);
    second.cancel();
    expect(waiters.has('c1')).toBe(false);
    // Cancelled after a new wait began for the same id: the new one stays.
    const third = c.recorder.whenRecorded('c1');
    second.cancel();
    expect(waiters.get('c1')!.size).toBe(1);
    c.recorder.record(entry('c1', 'W2'));
    await expect(third.recorded).resolves.toMatchObject({ orderId: 'W2', state: 'paid' });
    await turns();
    expect(heard).toBe(false);
    expect(waiters.has('c1')).toBe(false);
  });
});
