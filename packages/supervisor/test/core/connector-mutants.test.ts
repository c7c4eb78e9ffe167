/**
 * What the mutation run of connector-service.ts found unproven (issue 15): the command tp-manager is sent,
 * how long a lost reply is waited for, the exact 599 line the kiosk gets, notificationHipaySent as the outbox
 * says, what GET /order and /cancel answer in each case, and the card number masked in GET /health.
 */
import { ConnectorError, type JournalEntry, type Reply } from '@ecr/common';
import { remask } from '../../src/connector-service';
import { TpManagerRestarted, type PaymentBody } from '../../src/tp-port';
import { core, order, settle, until } from './support';

type Core = ReturnType<typeof core>;

/** Records the wait each payment and command was given (the fake tp-manager ignores it). */
function recordWaits(c: Core): { payment: number[]; calls: { type: string; timeoutMs: number | undefined }[] } {
  const waits = { payment: [] as number[], calls: [] as { type: string; timeoutMs: number | undefined }[] };
  const payment = c.tp.payment.bind(c.tp);
  const call = c.tp.call.bind(c.tp);
  c.tp.payment = (body: PaymentBody, ...rest: unknown[]) => {
    waits.payment.push(rest[0] as number);
    return payment(body);
  };
  c.tp.call = (body, timeoutMs?: number) => {
    waits.calls.push({ type: body.type, timeoutMs });
    return call(body);
  };
  return waits;
}

describe('the payment sent to tp-manager (money rule 2, 4)', () => {
  test('one command with the order id, amount, currency and time-out; its reply waited for 10 s longer than the terminal', async () => {
    const c = core({ paymentTimeoutMs: 45_000 });
    const waits = recordWaits(c);
    const before = Date.now();
    const paying = c.connector.order(order('B1', 1234, 'USD'));
    await until(() => c.tp.paymentOpen);
    expect(c.tp.payments).toEqual([
      { id: expect.any(String), type: 'payment', orderId: 'B1', amount: 1234, currencyNumeric: '840', timeoutMs: 45_000, sentAt: expect.any(Number) },
    ]);
    expect(c.tp.payments[0]!.sentAt).toBeGreaterThanOrEqual(before);
    expect(c.tp.payments[0]!.sentAt).toBeLessThanOrEqual(Date.now());
    expect(waits.payment).toEqual([55_000]);
    expect(c.connector.paymentInProgress).toBe(true);
    expect(c.connector.activeCommandId).toBe(c.tp.payments[0]!.id);
    c.tp.answer();
    expect((await paying).status).toBe('Success');
    expect(c.connector.paymentInProgress).toBe(false);
    expect(c.connector.activeCommandId).toBeUndefined();
  });

  test('a reply of another type than payment: an internal error, never a Success', async () => {
    const c = core();
    c.tp.payment = async (body: PaymentBody): Promise<Reply> => ({ id: body.id, ok: true, type: 'stop' });
    const { error } = await settle(c.connector.order(order('B2')));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error!.code).toBe('internal');
    expect(c.delivery.added).toHaveLength(0);
  });

  test("tp-manager's refusal before the terminal keeps its own code (busy), the order failed and payable again (money rule 1)", async () => {
    const c = core();
    c.tp.refuseNextPayment = { code: 'busy', message: 'a payment is in progress' };
    const { error } = await settle(c.connector.order(order('B3')));
    expect(error!.code).toBe('busy');
    const stored = await c.connector.getOrder('B3');
    expect(stored.response).toMatchObject({ status: 'Failure', notificationHipaySent: false });
    expect(stored.hipay).toEqual({ state: 'not-needed', attempts: 0 });
    expect(c.connector.paymentInProgress).toBe(false);
  });
});

describe('one orderId, one order: what the refusal names (money rule 2)', () => {
  test('paid in part, then asked again with another amount: 409 saying it was already paid in part; the terminal not asked', async () => {
    const c = core();
    const paying = c.connector.order(order('Q1', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'approved', amount: 60 });
    await paying;
    const { error } = await settle(c.connector.order(order('Q1', 200)));
    expect(error!.code).toBe('in-progress');
    expect(error!.message).toBe('order Q1 was already paid (in part): 1.00 EUR; this request asks 2.00 EUR. Use a new orderId for a new payment');
    expect(c.tp.payments).toHaveLength(1);
  });
});

describe('a reply lost after a restart: the journal asked, and waited for up to the deadline (money rule 1)', () => {
  /** A payment whose wait was ended by a restart while its journal entry stays pending (the new process runs it). */
  async function restartedPending(paymentTimeoutMs = 60_000) {
    const c = core({ paymentTimeoutMs });
    const waits = recordWaits(c);
    const paying = settle(c.connector.order(order('L1', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.failWait(new TpManagerRestarted('instance-2'));
    return { c, waits, paying };
  }

  test("pending in the new process's journal: asked again until the terminal's answer is there, then Success", async () => {
    const { c, waits, paying } = await restartedPending();
    await until(() => c.tp.calls.filter((b) => b.type === 'journal-get').length >= 3, 'several journal look-ups');
    expect(c.tp.calls.every((b) => b.type !== 'journal-get' || b.commandId === c.tp.payments[0]!.id)).toBe(true);
    expect(waits.calls.find((w) => w.type === 'journal-get')!.timeoutMs).toBe(2000);
    c.tp.finishInJournal({ outcome: 'approved' }, c.tp.payments[0]!.id);
    const { value } = await paying;
    expect(value).toMatchObject({ status: 'Success', notificationHipaySent: true });
    expect(c.tp.payments).toHaveLength(1);
  });

  test('the journal sync records it while the core waits: the kiosk gets it from the order book', async () => {
    const { c, paying } = await restartedPending();
    await until(() => c.tp.calls.some((b) => b.type === 'journal-get'));
    // The entry stays pending in the journal-get answer, the order book learns the result another way.
    c.tp.replies['journal-get'] = (body) => ({
      id: body.id!,
      ok: true,
      type: 'journal-get',
      entry: { ...c.tp.journal.get(c.tp.payments[0]!.id)!, state: 'pending' },
      journalId: 'journal-1',
    });
    c.recorder.record(c.tp.finishInJournal({ outcome: 'declined', reason: 'card refused' }, c.tp.payments[0]!.id));
    const { value } = await paying;
    expect(value).toMatchObject({ status: 'Failure', error: 'payment declined: card refused' });
  });

  test('the deadline (payment time-out + 10 s) passed: 599 at once, the order left for the journal sync', async () => {
    let now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const { c, paying } = await restartedPending(1000);
      await until(() => c.tp.calls.filter((b) => b.type === 'journal-get').length >= 2, 'the journal asked');
      now += 10_999; // 1 ms before the deadline: still waiting
      const asked = c.tp.calls.length;
      await until(() => c.tp.calls.length >= asked + 2, 'more journal look-ups before the deadline');
      now += 1; // the deadline
      const { error } = await paying;
      expect(error!.code).toBe('outcome-unknown');
      expect(error!.message).toBe(
        "tp-manager restarted while it had the command, so its reply will never come: the payment's outcome is not known yet; ask GET /order/L1 in a moment",
      );
      expect((await c.connector.getOrder('L1')).state).toBe('in-progress');
    } finally {
      clock.mockRestore();
    }
  });

  test('not a restart (the wait ran out) and the entry pending: 599 after one look-up, the time-out named', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('L2', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    const { error } = await paying;
    expect(error!.message).toBe('no answer from tp-manager within 70 s; ask GET /order/L2 in a moment');
    expect(c.tp.calls.filter((b) => b.type === 'journal-get')).toHaveLength(1);
  });

  test("money rule 3: a journal answer that is another command's is never credited to this order", async () => {
    const c = core();
    const paying = settle(c.connector.order(order('L3', 100)));
    await until(() => c.tp.paymentOpen);
    const other: JournalEntry = {
      id: 'someone-elses-command',
      orderId: 'OTHER',
      amount: 100,
      currencyNumeric: '978',
      state: 'done',
      receivedAt: new Date().toISOString(),
      seq: 99,
      result: { outcome: 'approved', amount: 100, currencyNumeric: '978', authorisationNumber: '111111' },
    };
    c.tp.replies['journal-get'] = (body) => ({ id: body.id!, ok: true, type: 'journal-get', entry: other, journalId: 'journal-1' });
    c.tp.failWait(new TpManagerRestarted('instance-2'));
    const { error, value } = await paying;
    expect(value).toBeUndefined();
    expect(error!.code).toBe('outcome-unknown');
    expect((await c.connector.getOrder('L3')).state).toBe('in-progress');
  });

  test("money rule 3: the journal's answer to this attempt changes nothing (an earlier attempt was approved meanwhile): 599, not that attempt's Success", async () => {
    const c = core();
    const first = c.connector.order(order('L5', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'declined' });
    await first;
    const firstId = c.tp.payments[0]!.id;
    const paying = settle(c.connector.order(order('L5', 100)));
    await until(() => c.tp.paymentOpen);
    // The first attempt's late approval arrives (journal sync), and this attempt ends declined, its reply lost.
    c.recorder.record(c.tp.finishInJournal({ outcome: 'approved' }, firstId));
    c.tp.finishInJournal({ outcome: 'declined' });
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    const { error, value } = await paying;
    expect(value).toBeUndefined();
    expect(error!.code).toBe('outcome-unknown');
    expect((await c.connector.getOrder('L5')).response).toMatchObject({ status: 'Success' });
  });

  test('the journal cannot be asked (tp-manager gone): 599 naming why', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('L4', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.up = false;
    c.tp.failWait(new TpManagerRestarted('instance-2'));
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toMatch(/^tp-manager restarted while it had the command.*: the payment's outcome is not known yet; ask GET \/order\/L4 in a moment$/);
  });
});

describe("the kiosk's answer from the terminal's result", () => {
  test('the terminal timed out: terminal-timeout, and the orderId is not paid again (money rule 1)', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('T1', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'error', connectorCode: 'terminal-timeout', reason: 'no answer in 60 s' });
    const { error } = await paying;
    expect(error!.code).toBe('terminal-timeout');
    expect((await c.connector.getOrder('T1')).state).toBe('outcome-unknown');
  });

  test.each(['not-connected', 'send-failed'] as const)('nothing reached the terminal (%s): not-connected, the order failed and payable again (money rule 1)', async (connectorCode) => {
    const c = core();
    const paying = settle(c.connector.order(order('T2', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'error', connectorCode, reason: 'serial port closed' });
    const { error } = await paying;
    expect(error!.code).toBe('not-connected');
    expect(error!.message).toBe('Connection time out: serial port closed');
    expect((await c.connector.getOrder('T2')).state).toBe('done');
  });

  test("outcome unknown: the 599 line carries the terminal's reason", async () => {
    const c = core();
    const paying = settle(c.connector.order(order('T3', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'error', connectorCode: 'line-lost', reason: 'the line dropped' });
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toBe("the line dropped; ask GET /order/T3 for the terminal's answer");
  });

  test('outcome unknown recorded by the journal sync first: the 599 line carries the stored reason', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('T4', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.finishInJournal({ outcome: 'error', connectorCode: 'interrupted', reason: 'tp-manager stopped during this payment' });
    await c.sync.sync();
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toBe("payment failed: tp-manager stopped during this payment; ask GET /order/T4 for the terminal's answer");
  });

  test('paid: the outbox asked to deliver it now, within HIPAY_TIMEOUT_MS; its false is the kiosk\'s notificationHipaySent (money rule 5)', async () => {
    const c = core();
    const asked: [string, number][] = [];
    c.delivery.deliverNow = async (...args: unknown[]) => {
      asked.push(args as [string, number]);
      return false;
    };
    const paying = c.connector.order(order('H1', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    expect(await paying).toMatchObject({ status: 'Success', notificationHipaySent: false });
    expect(asked).toEqual([['H1', 100]]);
  });

  test('declined: the outbox is not asked, notificationHipaySent false', async () => {
    const c = core();
    const asked: unknown[] = [];
    c.delivery.deliverNow = async (...args: unknown[]) => {
      asked.push(args);
      return true;
    };
    const paying = c.connector.order(order('H3', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'declined' });
    expect(await paying).toMatchObject({ status: 'Failure', notificationHipaySent: false });
    expect(asked).toEqual([]);
  });

  test('the outbox failing to deliver now: Success all the same, notificationHipaySent false (money rule 1)', async () => {
    const c = core();
    c.delivery.deliverNow = () => Promise.reject(new Error('database is locked'));
    const paying = c.connector.order(order('H2', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    expect(await paying).toMatchObject({ status: 'Success', notificationHipaySent: false });
  });
});

describe('GET /order and a repeated POST /order read notificationHipaySent from the outbox (money rule 5)', () => {
  async function paid(c: Core, orderId: string) {
    const paying = c.connector.order(order(orderId, 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    await paying;
  }

  test('pending at HiPay: false on both; delivered: true on both', async () => {
    const c = core();
    let state: 'pending' | 'delivered' = 'pending';
    Object.assign(c.delivery, { status: () => ({ state, attempts: 1 }) });
    await paid(c, 'G1');
    expect((await c.connector.getOrder('G1')).response).toMatchObject({ status: 'Success', notificationHipaySent: false });
    expect(await c.connector.order(order('G1', 100))).toMatchObject({ status: 'Success', notificationHipaySent: false });
    state = 'delivered';
    expect((await c.connector.getOrder('G1')).response).toMatchObject({ notificationHipaySent: true });
    expect(await c.connector.order(order('G1', 100))).toMatchObject({ notificationHipaySent: true });
  });

  test('a paid order the outbox does not hold: false, not a crash', async () => {
    const c = core();
    c.delivery.status = () => undefined;
    await paid(c, 'G2');
    expect(await c.connector.order(order('G2', 100))).toMatchObject({ status: 'Success', notificationHipaySent: false });
    expect(await c.connector.getOrder('G2')).toMatchObject({ state: 'done', hipay: { state: 'not-needed', attempts: 0 } });
  });

  test('an unknown orderId: not-found', async () => {
    const c = core();
    expect((await settle(c.connector.getOrder('nope'))).error!.code).toBe('not-found');
  });

  test("in progress: no answer yet, and the terminal's display of this payment only (ZVT)", async () => {
    const c = core();
    c.tp.replies.ping = (body) => ({ id: body.id!, ok: true, type: 'ping', link: 'connected', busy: true, journalId: 'j', unattributed: 0, display: 'INSERT CARD' });
    const paying = c.connector.order(order('G3', 100));
    await until(() => c.tp.paymentOpen);
    expect(await c.connector.getOrder('G3')).toEqual({ state: 'in-progress', response: null, hipay: { state: 'not-needed', attempts: 0 }, display: 'INSERT CARD' });
    c.tp.answer();
    await paying;
    expect(await c.connector.getOrder('G3')).not.toHaveProperty('display');
  });

  test('in progress but not this payment of this supervisor (rebuilt from the journal): no display asked', async () => {
    const c = core();
    c.tp.replies.ping = (body) => ({ id: body.id!, ok: true, type: 'ping', link: 'connected', busy: true, journalId: 'j', unattributed: 0, display: 'INSERT CARD' });
    const paying = settle(c.connector.order(order('G4', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    await paying;
    expect((await c.connector.getOrder('G4')).state).toBe('in-progress');
    expect(await c.connector.getOrder('G4')).not.toHaveProperty('display');
    expect(c.tp.calls.some((b) => b.type === 'ping')).toBe(false);
  });

  test('this payment recorded, its answer not given yet (HiPay being told): no display asked', async () => {
    const c = core();
    c.tp.replies.ping = (body) => ({ id: body.id!, ok: true, type: 'ping', link: 'connected', busy: true, journalId: 'j', unattributed: 0, display: 'INSERT CARD' });
    let release!: (ok: boolean) => void;
    c.delivery.deliverNow = () => new Promise<boolean>((resolve) => (release = resolve));
    const paying = c.connector.order(order('G6', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    await until(() => release !== undefined, 'the outbox asked');
    expect(c.connector.paymentInProgress).toBe(true);
    expect(await c.connector.getOrder('G6')).not.toHaveProperty('display');
    expect(c.tp.calls.some((b) => b.type === 'ping')).toBe(false);
    release(true);
    await paying;
  });

  test('no display reported: none in the answer', async () => {
    const c = core();
    const paying = c.connector.order(order('G5', 100));
    await until(() => c.tp.paymentOpen);
    expect(await c.connector.getOrder('G5')).not.toHaveProperty('display');
    c.tp.answer();
    await paying;
  });
});

describe('/cancel where the protocol can abort (money rule 1: the terminal decides)', () => {
  const cancelled = (entry?: JournalEntry) => (body: { id?: string }) => ({ id: body.id!, ok: true as const, type: 'cancel' as const, cancelled: true, ...(entry && { entry }) });

  test("the abort's reply carries the payment's entry: the running payment's answer is the cancel's", async () => {
    const c = core();
    const paying = c.connector.order(order('X1', 500));
    await until(() => c.tp.paymentOpen);
    const entry = c.tp.finishInJournal({ outcome: 'abandoned', reason: 'aborted' });
    c.tp.replies.cancel = cancelled(entry);
    const cancelling = c.connector.cancel();
    await until(() => c.tp.calls.some((b) => b.type === 'cancel'));
    c.tp.answer({ outcome: 'abandoned', reason: 'aborted' });
    expect(await cancelling).toEqual([expect.objectContaining({ orderId: 'X1', status: 'Failure', error: 'payment abandoned: aborted' })]);
    await paying;
  });

  test("the abort came too late, the terminal approved: /cancel gives the running payment's own answer, HiPay told", async () => {
    const c = core();
    const paying = c.connector.order(order('X6', 500));
    await until(() => c.tp.paymentOpen);
    const entry = c.tp.finishInJournal({ outcome: 'approved' });
    c.tp.replies.cancel = cancelled(entry);
    const cancelling = c.connector.cancel();
    await until(() => c.tp.calls.some((b) => b.type === 'cancel'));
    c.tp.answer({ outcome: 'approved' });
    expect(await cancelling).toEqual([expect.objectContaining({ orderId: 'X6', status: 'Success', notificationHipaySent: true })]);
    expect(await paying).toMatchObject({ status: 'Success', notificationHipaySent: true });
  });

  test("the abort ended a payment this supervisor is not waiting for: it is recorded, and its answer is the cancel's", async () => {
    const c = core();
    // An earlier attempt whose reply was lost: the order is in progress, no payment is running here.
    const first = settle(c.connector.order(order('X2', 500)));
    await until(() => c.tp.paymentOpen);
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    await first;
    const entry = c.tp.finishInJournal({ outcome: 'abandoned', reason: 'aborted' }, c.tp.payments[0]!.id);
    c.tp.replies.cancel = cancelled(entry);
    expect(await c.connector.cancel()).toEqual([expect.objectContaining({ orderId: 'X2', status: 'Failure', error: 'payment abandoned: aborted' })]);
    expect((await c.connector.getOrder('X2')).state).toBe('done');
  });

  test("the abort names another payment than the running one: that one's answer (rebuilt from the journal), the running one not waited for", async () => {
    const c = core();
    const paying = c.connector.order(order('X3', 500));
    await until(() => c.tp.paymentOpen);
    c.tp.replies.cancel = cancelled({
      id: 'elsewhere',
      orderId: 'NOT-HERE',
      amount: 1,
      currencyNumeric: '978',
      state: 'done',
      receivedAt: new Date().toISOString(),
      seq: 50,
      result: { outcome: 'abandoned', amount: 1, currencyNumeric: '978' },
    });
    expect(await c.connector.cancel()).toEqual([expect.objectContaining({ orderId: 'NOT-HERE', status: 'Failure' })]);
    expect(c.tp.paymentOpen).toBe(true);
    c.tp.answer();
    expect((await paying).status).toBe('Success');
  });

  test('aborted, no entry, no payment here: []; the running payment ending in a 599: []', async () => {
    const c = core();
    c.tp.replies.cancel = cancelled();
    expect(await c.connector.cancel()).toEqual([]);
    const paying = settle(c.connector.order(order('X4', 500)));
    await until(() => c.tp.paymentOpen);
    const cancelling = c.connector.cancel();
    await until(() => c.tp.calls.filter((b) => b.type === 'cancel').length === 2);
    c.tp.answer({ outcome: 'error', connectorCode: 'line-lost', reason: 'the line dropped' });
    expect(await cancelling).toEqual([]);
    expect((await paying).error!.code).toBe('outcome-unknown');
  });

  test('not aborted (nothing running at the terminal): [] even with an entry', async () => {
    const c = core();
    const first = c.connector.order(order('X5', 500));
    await until(() => c.tp.paymentOpen);
    const entry = c.tp.answer();
    await first;
    c.tp.replies.cancel = (body) => ({ id: body.id!, ok: true, type: 'cancel', cancelled: false, entry });
    expect(await c.connector.cancel()).toEqual([]);
  });
});

describe('/stop when no payment runs', () => {
  test('tp-manager is asked to stop once', async () => {
    const c = core();
    await c.connector.stop();
    expect(c.tp.calls).toEqual([{ type: 'stop' }]);
  });
});

describe('the card number in GET /health, masked again (PAN rule)', () => {
  test.each([
    ['4970101234560014', '497010XXXXXX0014'],
    ['4970 1012 3456 0014', '497010XXXXXX0014'],
    ['4970101234567', '497010XXX4567'],
    ['497010123456', 'XXXXXXXXXXXX'],
    ['497010XXXXXX0014', '497010XXXXXX0014'],
    ['4970101234567890123', '497010XXXXXXXXX0123'],
  ])('%s is shown as %s', (pan, shown) => {
    expect(remask(pan)).toBe(shown);
  });
});
