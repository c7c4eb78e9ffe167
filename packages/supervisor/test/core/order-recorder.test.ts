/** The recorder: the order book and the HiPay outbox in one commit, whichever way a result arrives. */
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { core, order } from './support';

function entry(id: string, orderId: string, result: Partial<PaymentResult> = {}, amount = 100): JournalEntry {
  return {
    id,
    orderId,
    amount,
    currencyNumeric: '978',
    state: 'done',
    result: { outcome: 'approved', amount, currencyNumeric: '978', authorisationNumber: 'A1B2C3', ...result },
    receivedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    seq: 1,
  };
}

describe('OrderRecorder', () => {
  test('a paid order is queued for HiPay once, with what the terminal approved (money rule 5)', () => {
    const c = core();
    c.orders.begin(order('R1', 100, 'EUR', { customData: { shop: 'x' } }), 'c1');
    c.recorder.record(entry('c1', 'R1'));
    c.recorder.record(entry('c1', 'R1'));
    expect(c.delivery.added).toEqual([
      expect.objectContaining({ orderId: 'R1', amount: 100, authorisationNumber: 'A1B2C3', customData: { shop: 'x' } }),
    ]);
    expect(c.delivery.added[0]).not.toHaveProperty('lookupFirst');
  });

  test('an order rebuilt from the journal asks the outbox to look HiPay up first (issue 10 case 6)', () => {
    const c = core();
    c.recorder.record(entry('c9', 'Lost_1', {}, 250));
    expect(c.orders.get('Lost_1')).toMatchObject({ state: 'paid', order: { amount: 250 } });
    expect(c.delivery.added).toEqual([expect.objectContaining({ orderId: 'Lost_1', amount: 250, lookupFirst: true })]);
    expect(c.logger.text()).toMatch(/Lost_1 was missing from the order book/);
  });

  test('a lost attempt of a known order is adopted too, and looked up first', () => {
    const c = core();
    c.orders.begin(order('R2'), 'c1');
    c.recorder.record(entry('c1', 'R2', { outcome: 'declined' }));
    c.recorder.record(entry('c2', 'R2'));
    expect(c.orders.get('R2')).toMatchObject({ state: 'paid', commandId: 'c2' });
    expect(c.delivery.added).toEqual([expect.objectContaining({ lookupFirst: true })]);
  });

  test('the outbox refusing the row never rolls the payment back', () => {
    const c = core();
    c.delivery.failAdd = new Error('disk I/O error');
    c.orders.begin(order('R3'), 'c1');
    c.recorder.record(entry('c1', 'R3'));
    expect(c.orders.get('R3')!.state).toBe('paid');
    expect(c.logger.text()).toMatch(/R3 is paid but could not be queued for HiPay: disk I\/O error/);
  });

  test('whenRecorded resolves with the order when its command is recorded, by any path; cancel stops it', async () => {
    const c = core();
    c.orders.begin(order('R4'), 'c1');
    const waiting = c.recorder.whenRecorded('c1');
    const other = c.recorder.whenRecorded('c-other');
    other.cancel();
    c.recorder.record(entry('c1', 'R4', { outcome: 'declined' }));
    await expect(waiting.recorded).resolves.toMatchObject({ orderId: 'R4', state: 'failed' });
  });
});
