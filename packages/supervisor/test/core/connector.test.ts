/**
 * The connector core (connector-service.ts) with its real order book, recorder and journal sync on in-memory
 * SQLite, and a fake tp-manager: what the kiosk is told in every race of a payment.
 */
import { ConnectorError } from '@ecr/common';
import { core, order, settle, until } from './support';

describe('a payment', () => {
  test('approved as asked: Success, the order paid, HiPay gets it (money rule 4, 5)', async () => {
    const c = core();
    const paying = c.connector.order(order('A1', 100));
    await until(() => c.tp.paymentOpen, 'the payment to reach tp-manager');
    c.tp.answer({ outcome: 'approved' });
    const answer = await paying;
    expect(answer.status).toBe('Success');
    expect(answer.notificationHipaySent).toBe(true);
    expect((await c.connector.getOrder('A1')).state).toBe('done');
    expect(c.delivery.added).toEqual([expect.objectContaining({ orderId: 'A1', amount: 100, currency: expect.objectContaining({ alpha: 'EUR' }) })]);
    expect(c.delivery.added[0]).not.toHaveProperty('lookupFirst');
  });

  test('declined: Failure with the reason, nothing for HiPay, the orderId may be paid again', async () => {
    const c = core();
    const paying = c.connector.order(order('D1'));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'declined', reason: 'card refused' });
    const answer = await paying;
    expect(answer).toMatchObject({ status: 'Failure', error: 'payment declined: card refused' });
    expect(c.delivery.added).toHaveLength(0);
    const again = c.connector.order(order('D1'));
    await until(() => c.tp.payments.length === 2, 'a second attempt');
    c.tp.answer();
    expect((await again).status).toBe('Success');
  });
});

describe('/cancel (issue 9 case 1)', () => {
  test("Concert: 501 'unsupported', the payment keeps waiting and ends with the terminal's own answer (money rule 1, 2)", async () => {
    const c = core();
    const paying = c.connector.order(order('C1', 700));
    await until(() => c.tp.paymentOpen);
    const cancel = await settle(c.connector.cancel());
    expect(cancel.error).toBeInstanceOf(ConnectorError);
    expect(cancel.error!.code).toBe('unsupported');
    // Nothing ended: the same orderId is still in progress, another payment is refused before the terminal.
    expect((await settle(c.connector.order(order('C1', 700)))).error!.code).toBe('in-progress');
    expect((await settle(c.connector.order(order('C2', 700)))).error!.code).toBe('busy');
    expect((await c.connector.getOrder('C1')).state).toBe('in-progress');
    c.tp.answer({ outcome: 'approved' });
    expect((await paying).status).toBe('Success');
    expect(c.tp.payments).toHaveLength(1);
    // After the end, a retry gets the stored answer and the terminal is not asked again.
    expect((await c.connector.order(order('C1', 700))).status).toBe('Success');
    expect(c.tp.payments).toHaveLength(1);
  });

  test('a protocol that aborts (ZVT): the abort is sent, and /cancel answers with the payment as the terminal ended it', async () => {
    const c = core();
    c.tp.replies.cancel = (body) => ({ id: body.id!, ok: true, type: 'cancel', cancelled: true });
    const paying = c.connector.order(order('Z1', 500));
    await until(() => c.tp.paymentOpen);
    const cancelling = c.connector.cancel();
    await until(() => c.tp.calls.some((b) => b.type === 'cancel'), 'the abort to be sent');
    c.tp.answer({ outcome: 'abandoned', reason: 'aborted by the cash register' });
    const [cancelled] = await cancelling;
    expect(cancelled).toMatchObject({ orderId: 'Z1', status: 'Failure', error: 'payment abandoned: aborted by the cash register' });
    expect((await paying).status).toBe('Failure');
  });

  test('the terminal approved although the abort was sent: /cancel says Success, as the terminal did (money rule 1)', async () => {
    const c = core();
    c.tp.replies.cancel = (body) => ({ id: body.id!, ok: true, type: 'cancel', cancelled: true });
    const paying = c.connector.order(order('Z2', 500));
    await until(() => c.tp.paymentOpen);
    const cancelling = c.connector.cancel();
    await until(() => c.tp.calls.some((b) => b.type === 'cancel'));
    c.tp.answer({ outcome: 'approved' });
    expect((await cancelling)[0]!.status).toBe('Success');
    expect((await paying).status).toBe('Success');
  });

  test('no payment running: []', async () => {
    const c = core();
    c.tp.replies.cancel = (body) => ({ id: body.id!, ok: true, type: 'cancel', cancelled: false });
    expect(await c.connector.cancel()).toEqual([]);
  });
});

describe('one orderId, one order (issue 9 case 3, money rule 2)', () => {
  async function paid(amount = 100) {
    const c = core();
    const paying = c.connector.order(order('Order_12345', amount));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    await paying;
    return c;
  }

  test('a paid orderId with another amount and currency: 409 naming what is stored; the terminal is not asked', async () => {
    const c = await paid();
    const again = await settle(c.connector.order(order('Order_12345', 999, 'USD')));
    expect(again.error!.code).toBe('in-progress');
    expect(again.error!.message).toMatch(/^order Order_12345 was already paid: 1\.00 EUR; this request asks 9\.99 USD/);
    expect(c.tp.payments).toHaveLength(1);
  });

  test('the same currency, another amount: 409; another currency, the same amount: 409', async () => {
    const c = await paid();
    expect((await settle(c.connector.order(order('Order_12345', 101)))).error!.message).toMatch(/1\.00 EUR; this request asks 1\.01 EUR/);
    expect((await settle(c.connector.order(order('Order_12345', 100, 'USD')))).error!.message).toMatch(/1\.00 EUR; this request asks 1\.00 USD/);
    expect(c.tp.payments).toHaveLength(1);
  });

  test('the same contents: the stored answer, no second payment', async () => {
    const c = await paid();
    expect((await c.connector.order(order('Order_12345', 100))).status).toBe('Success');
    expect(c.tp.payments).toHaveLength(1);
  });

  test('in flight with another amount: 409 naming the amount being paid', async () => {
    const c = core();
    const paying = c.connector.order(order('F1', 100));
    await until(() => c.tp.paymentOpen);
    const again = await settle(c.connector.order(order('F1', 250)));
    expect(again.error!.message).toMatch(/^order F1 is being paid right now: 1\.00 EUR; this request asks 2\.50 EUR/);
    c.tp.answer();
    await paying;
    expect(c.tp.payments).toHaveLength(1);
  });

  test('outcome unknown with another amount: 409 naming it', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('U1', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'error', connectorCode: 'line-lost', reason: 'the line dropped' });
    expect((await paying).error!.code).toBe('outcome-unknown');
    const again = await settle(c.connector.order(order('U1', 300)));
    expect(again.error!.message).toMatch(/^order U1 reached the terminal and its outcome is not known yet: 1\.00 EUR; this request asks 3\.00 EUR/);
  });

  test('a failed orderId may be paid again, with another amount too', async () => {
    const c = core();
    const first = c.connector.order(order('R1', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'declined' });
    await first;
    const second = c.connector.order(order('R1', 120));
    await until(() => c.tp.payments.length === 2);
    c.tp.answer();
    expect((await second).amount).toBe(120);
  });
});

describe('the amount check (issue 9 case 5, money rule 4)', () => {
  test('a partial approval: Failure naming what was approved, the order paid-other-amount, HiPay gets the amount paid', async () => {
    const c = core();
    const paying = c.connector.order(order('P1', 100, 'EUR', { basketItems: [] }));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'approved', amount: 60 });
    const answer = await paying;
    expect(answer.status).toBe('Failure');
    expect(answer.error).toMatch(/^the terminal approved 0\.60 EUR of the 1\.00 EUR asked: /);
    expect(answer.amount).toBe(100); // the request's echo, as the contract wants
    expect((await c.connector.getOrder('P1')).state).toBe('paid-other-amount');
    expect(c.delivery.added).toEqual([expect.objectContaining({ orderId: 'P1', amount: 60, basketItems: undefined })]);
    // It is paid: the same request gets the stored answer, never a second payment.
    expect((await c.connector.order(order('P1', 100))).error).toBe(answer.error);
    expect(c.tp.payments).toHaveLength(1);
  });

  test('another currency approved: Failure naming it, HiPay gets that currency', async () => {
    const c = core();
    const paying = c.connector.order(order('P2', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'approved', currencyNumeric: '840' });
    expect((await paying).error).toMatch(/^the terminal approved 1\.00 USD of the 1\.00 EUR asked/);
    expect(c.delivery.added[0]!.currency.alpha).toBe('USD');
  });

  test('a declined answer with amount 0 is a plain Failure, not a payment of 0', async () => {
    const c = core();
    const paying = c.connector.order(order('P3', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer({ outcome: 'declined', amount: 0 });
    expect((await paying).error).toBe('payment declined');
    expect(c.delivery.added).toHaveLength(0);
  });
});

describe('tp-manager restarts during a payment (issue 9 case 6)', () => {
  test("the terminal's answer was journaled before the restart: the kiosk gets it at once", async () => {
    const c = core();
    const paying = c.connector.order(order('K1', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.finishInJournal({ outcome: 'approved' });
    c.tp.restart();
    const answer = await paying;
    expect(answer.status).toBe('Success');
    expect(c.delivery.added).toHaveLength(1);
    expect(c.tp.calls.filter((b) => b.type === 'journal-get')).toHaveLength(1);
  });

  test('no answer before the restart: 599 outcome unknown at once, the order outcome-unknown, a late answer settles it (money rule 1, 3)', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('K2', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.restart();
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toMatch(/tp-manager stopped during this payment.*ask GET \/order\/K2/);
    expect((await c.connector.getOrder('K2')).state).toBe('outcome-unknown');
    expect((await settle(c.connector.order(order('K2', 100)))).error!.code).toBe('in-progress');
    // The terminal's late answer reaches the new journal (a late answer replaces the placeholder).
    const commandId = c.tp.payments[0]!.id;
    c.tp.finishInJournal({ outcome: 'approved' }, commandId);
    await c.sync.sync();
    expect((await c.connector.getOrder('K2')).response!.status).toBe('Success');
    expect(c.delivery.added).toHaveLength(1);
    expect(c.tp.payments).toHaveLength(1);
  });

  test('the journal does not have the command: 599 outcome unknown, never Failure (money rule 1)', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('K3', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.journal.clear();
    c.tp.restart();
    expect((await paying).error!.code).toBe('outcome-unknown');
    expect((await c.connector.getOrder('K3')).state).toBe('in-progress');
  });

  test('tp-manager gone for good (the down path): 599 outcome unknown', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('K4', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.up = false;
    c.tp.failWait(new ConnectorError('outcome-unknown', 'tp-manager not answering during the payment: its outcome is not known yet'));
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toMatch(/not known yet/);
  });
});

describe('the wait ends whichever way the result comes (item 7)', () => {
  test('the journal sync records the result first: the kiosk hears at once; the late reply changes nothing (money rule 5)', async () => {
    const c = core();
    const paying = c.connector.order(order('J1', 100));
    await until(() => c.tp.paymentOpen);
    const entry = c.tp.finishInJournal({ outcome: 'approved' });
    await c.sync.sync();
    expect((await paying).status).toBe('Success');
    expect(c.connector.paymentInProgress).toBe(false);
    // The reply arrives after all: recorded once, HiPay queued once.
    c.tp.answer({ outcome: 'approved', authorisationNumber: entry.result!.authorisationNumber });
    await new Promise((r) => setImmediate(r));
    expect(c.delivery.added).toHaveLength(1);
  });

  test('the reply times out but the journal has the answer: the real outcome, not 599', async () => {
    const c = core();
    const paying = c.connector.order(order('J2', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.finishInJournal({ outcome: 'declined', reason: 'insufficient funds' });
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    expect(await paying).toMatchObject({ status: 'Failure', error: 'payment declined: insufficient funds' });
  });

  test('the reply times out and the entry is still pending: 599, and the order is not marked failed', async () => {
    const c = core();
    const paying = settle(c.connector.order(order('J3', 100)));
    await until(() => c.tp.paymentOpen);
    c.tp.failWait(new ConnectorError('outcome-unknown', 'no answer from tp-manager within 70 s'));
    expect((await paying).error!.code).toBe('outcome-unknown');
    expect((await c.connector.getOrder('J3')).state).toBe('in-progress');
  });
});

describe('refused before the terminal', () => {
  test("'unavailable' (journal not writable): 503's code with tp-manager's line, the order failed and retryable (item 10)", async () => {
    const c = core();
    c.tp.refuseNextPayment = { code: 'unavailable', message: "tp-manager's journal cannot be written (disk full): payments are refused" };
    const { error } = await settle(c.connector.order(order('N1', 100)));
    expect(error!.code).toBe('unavailable');
    expect(error!.message).toBe("tp-manager's journal cannot be written (disk full): payments are refused");
    expect((await c.connector.getOrder('N1')).response).toMatchObject({ status: 'Failure' });
    expect(c.tp.payments).toHaveLength(0);
    const retry = c.connector.order(order('N1', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    expect((await retry).status).toBe('Success');
  });

  test('tp-manager not running: not-connected, failed, retryable', async () => {
    const c = core();
    c.tp.up = false;
    expect((await settle(c.connector.order(order('N2', 100)))).error!.code).toBe('not-connected');
    c.tp.up = true;
    const retry = c.connector.order(order('N2', 100));
    await until(() => c.tp.paymentOpen);
    c.tp.answer();
    expect((await retry).status).toBe('Success');
  });
});

describe('/stop (issue 9 case 7)', () => {
  test('during a payment: busy (409), tp-manager is not even asked (money rule 1)', async () => {
    const c = core();
    const paying = c.connector.order(order('S1', 100));
    await until(() => c.tp.paymentOpen);
    const stop = await settle(c.connector.stop());
    expect(stop.error!.code).toBe('busy');
    expect(stop.error!.message).toMatch(/payment is in progress \(orderId S1\)/);
    expect(c.tp.calls.some((b) => b.type === 'stop')).toBe(false);
    c.tp.answer();
    await paying;
    await c.connector.stop();
    expect(c.tp.calls.filter((b) => b.type === 'stop')).toHaveLength(1);
  });

  test("tp-manager's own 'busy' is passed on", async () => {
    const c = core();
    c.tp.replies.stop = (body) => ({ id: body.id!, ok: false, code: 'busy', message: 'a payment is in progress' });
    expect((await settle(c.connector.stop())).error!.code).toBe('busy');
  });
});

describe('GET /health (item 9)', () => {
  test("tp-manager's state, the unattributed answers masked, the outbox counts whole", async () => {
    const c = core();
    c.delivery.counted = { pending: 2, refused: 1, delivered: 5, oldestPendingAgeS: 30, lastError: 'HiPay answered 503' };
    c.tp.replies.ping = (body) => ({
      id: body.id!,
      ok: true,
      type: 'ping',
      link: 'disconnected',
      linkReason: '/dev/ttyUSB0 is missing',
      busy: false,
      journalId: 'j',
      unattributed: 1,
      journalFault: 'SQLITE_FULL: database or disk is full',
    });
    c.tp.unattributed = [
      {
        id: 7,
        receivedAt: '2026-01-01T10:00:00.000Z',
        ref: '0000009999',
        result: { outcome: 'approved', amount: 100, currencyNumeric: '978', maskedPan: '4970101234560014', authorisationNumber: '654321' },
        why: 'reference 0000009999 is not ours',
      },
    ];
    const report = await c.connector.health();
    expect(report.tpManager).toEqual({
      reachable: true,
      link: 'disconnected',
      linkReason: '/dev/ttyUSB0 is missing',
      busy: false,
      journalFault: 'SQLITE_FULL: database or disk is full',
      unattributed: 1,
      unattributedRecent: [
        {
          receivedAt: '2026-01-01T10:00:00.000Z',
          ref: '0000009999',
          outcome: 'approved',
          amount: '1.00 EUR',
          maskedPan: '497010XXXXXX0014',
          authorisationNumber: '654321',
          why: 'reference 0000009999 is not ours',
        },
      ],
    });
    expect(report.outbox).toEqual(c.delivery.counted);
  });

  test('tp-manager away: reachable false, the rest still answered', async () => {
    const c = core();
    c.tp.up = false;
    const report = await c.connector.health();
    expect(report.tpManager).toEqual({ reachable: false });
    expect(report.supervisor.version).toBe('1.0.0-test');
  });
});
