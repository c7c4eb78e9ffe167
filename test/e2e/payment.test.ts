/**
 * The local API end to end, as a kiosk uses it: real supervisor and tp-manager processes, the terminal
 * simulator on a real pseudo-terminal, the HiPay sandbox over real HTTP.
 */
import { RECEIPT_KEYS } from '@ecr/common';
import { ConnectorUnderTest, seedOrder } from '../../test-support/connector';
import { waitUntil } from '../../test-support/net';

type OrderAnswer = Record<string, unknown> & { status: string; error: string | null; receipt: Record<string, string> | null; ticket: string | null };

describe.each(['concert-v3', 'concert-v2'] as const)('payments over %s', (protocol) => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  afterEach(async () => {
    await connector.setTerminal({ outcome: 'approve', delayMs: 200 });
  });

  test("the seed's example request is paid: Success, a full receipt, a ticket, and the request echoed", async () => {
    const orderId = `Order_${protocol}_seed`;
    const answer = await connector.post('/order', seedOrder(orderId));
    expect(answer.status).toBe(200);
    const body = answer.body as OrderAnswer[];
    expect(body).toHaveLength(1);
    const [order] = body;
    expect(order!.status).toBe('Success');
    expect(order!.error).toBeNull();
    expect(Object.keys(order!.receipt!).sort()).toEqual([...RECEIPT_KEYS].sort());
    expect(order!.receipt!.amount).toBe('00000100');
    expect(order!.receipt!.currencyAlphaCode).toBe('EUR');
    expect(order!.receipt!.primaryAccountNumber).toMatch(/^\d{6}X+\d{4}\s*$/);
    expect(order!.ticket).toMatch(/MONTANT.*1,00 EUR/);
    const request = seedOrder(orderId);
    for (const key of ['amount', 'currency', 'orderId', 'basket', 'customer', 'customData']) expect(order![key]).toEqual(request[key]);
    expect(order!.notificationHipaySent).toBe(true);
    expect(connector.terminalRequests().filter((r) => r.amount === 100)).toHaveLength(1);
  });

  test('a declined card: 200, Failure and an error text', async () => {
    await connector.setTerminal({ outcome: 'decline' });
    const answer = await connector.post('/order', { amount: 250, orderId: `Order_${protocol}_declined` });
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Failure');
    expect(order!.error).toMatch(/declined|refused/i);
    expect(order!.receipt).toBeNull();
    expect(order!.notificationHipaySent).toBe(false);
    // Nothing is ever queued for a decline: HiPay has no such order (the sandbox's own store, not our flag).
    expect(connector.sandbox.orders().some((o) => o.orderid === `Order_${protocol}_declined`)).toBe(false);
  });

  test('an abandoned payment: 200, Failure, abandoned', async () => {
    await connector.setTerminal({ outcome: 'abandon' });
    const answer = await connector.post('/order', { amount: 260, orderId: `Order_${protocol}_abandoned` });
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Failure');
    expect(order!.error).toMatch(/abandon|not completed/i);
    expect(connector.sandbox.orders().some((o) => o.orderid === `Order_${protocol}_abandoned`)).toBe(false);
  });
});

describe('the local API of one connector', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3' });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  afterEach(async () => {
    await connector.setTerminal({ outcome: 'approve', delayMs: 200 });
  });

  test('no credentials: 401 with the Basic challenge; a wrong password: 401', async () => {
    const none = await connector.get('/check', { auth: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(Array.isArray(none.body) && typeof (none.body as { error: unknown }[])[0]?.error === 'string').toBe(true);
    const wrong = await connector.get('/check', { auth: `Basic ${Buffer.from('kiosk:wrong').toString('base64')}` });
    expect(wrong.status).toBe(401);
  });

  test.each([
    ['missing amount', { orderId: 'bad-1' }, 400, /amount/],
    ['9.99 as amount', { amount: 9.99, orderId: 'bad-2' }, 400, /amount.*integer/],
    ['unknown currency', { amount: 100, currency: 'ABC', orderId: 'bad-3' }, 400, /currency/],
    ['nested customData', { amount: 100, orderId: 'bad-4', customData: { shop: { name: 'Opera' } } }, 400, /customData\.shop/],
  ])('%s: an error naming the field, and nothing reaches the terminal', async (_what, body, status, message) => {
    const before = connector.terminalRequests().length;
    const answer = await connector.post('/order', body);
    expect(answer.status).toBe(status);
    expect((answer.body as { error: string }[])[0]!.error).toMatch(message);
    expect(connector.terminalRequests()).toHaveLength(before);
  });

  test('malformed JSON: 400; a 2 MB body: 413; nothing reaches the terminal', async () => {
    const before = connector.terminalRequests().length;
    const malformed = await connector.post('/order', undefined, { rawBody: '{"amount": 100,' });
    expect(malformed.status).toBe(400);
    expect((malformed.body as { error: string }[])[0]!.error).toMatch(/JSON/);
    const huge = await connector.post('/order', undefined, { rawBody: JSON.stringify({ amount: 100, orderId: 'big', pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(connector.terminalRequests()).toHaveLength(before);
  });

  test('a form-encoded order is paid too', async () => {
    const answer = await connector.post('/order', undefined, {
      rawBody: 'amount=450&orderId=Order_form&currency=EUR&customData%5Bshop%5D=Opera',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(200);
    expect((answer.body as OrderAnswer[])[0]!.status).toBe('Success');
    // The amount charged is the form's 450 minor units, on the terminal and at HiPay.
    expect(connector.terminalRequests().filter((r) => r.amount === 450)).toHaveLength(1);
    const atHipay = await waitUntil(() => connector.sandbox.orders().find((o) => o.orderid === 'Order_form'), 20_000, 'the order at HiPay');
    expect(atHipay.fields.amount).toMatch(/^4\.50?$/);
  });

  test("/cancel on Concert is 501 and ends nothing: the payment ends with the terminal's own answer, once (money rule 1, 2)", async () => {
    await connector.setTerminal({ delayMs: 3000 });
    const orderId = 'Order_cancelled';
    const paying = connector.post('/order', { amount: 700, orderId });
    await waitUntil(() => connector.terminalRequests().some((r) => r.amount === 700) || undefined, 10_000, 'the terminal to get the payment');
    const check = await connector.get('/check');
    expect(check.status).toBe(200);
    expect((check.body as { cr: string }[])[0]!.cr).toBe('1');
    const cancel = await connector.get('/cancel');
    expect(cancel.status).toBe(501);
    expect((cancel.body as { error: string }[])[0]!.error).toMatch(/^[^\n]*no abort[^\n]*$/i);
    // A retry of the same orderId while the terminal still has the payment: 409, nothing written to the terminal.
    const retry = await connector.post('/order', { amount: 700, orderId });
    expect(retry.status).toBe(409);
    const answer = await paying;
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Success');
    const stored = (await connector.get(`/order/${orderId}`)).body as (OrderAnswer & { orderState: string })[];
    expect(stored[0]).toMatchObject({ status: 'Success', orderState: 'done' });
    // After the end, the same request gets the stored answer.
    const after = await connector.post('/order', { amount: 700, orderId });
    expect(after.status).toBe(200);
    expect((after.body as OrderAnswer[])[0]!.receipt).toEqual(order!.receipt);
    expect(connector.terminalRequests().filter((r) => r.amount === 700)).toHaveLength(1);
  });

  test('/stop during a payment: 409, nothing stops, the payment ends as the terminal says (money rule 1)', async () => {
    await connector.setTerminal({ delayMs: 2000 });
    const orderId = 'Order_stop_refused';
    const paying = connector.post('/order', { amount: 710, orderId });
    await waitUntil(() => connector.terminalRequests().some((r) => r.amount === 710) || undefined, 10_000, 'the terminal to get the payment');
    const stop = await connector.get('/stop');
    expect(stop.status).toBe(409);
    expect((stop.body as { error: string }[])[0]!.error).toMatch(/payment is in progress/);
    const answer = await paying;
    expect((answer.body as OrderAnswer[])[0]!.status).toBe('Success');
    const health = (await connector.get('/health')).body as { tpManager: { reachable: boolean; link: string } }[];
    expect(health[0]!.tpManager).toMatchObject({ reachable: true, link: 'connected' });
  });

  test('the same orderId paid twice: one payment on the terminal, the stored answer the second time', async () => {
    const orderId = 'Order_twice';
    const first = await connector.post('/order', { amount: 1234, orderId });
    const second = await connector.post('/order', { amount: 1234, orderId });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((second.body as OrderAnswer[])[0]!.receipt).toEqual((first.body as OrderAnswer[])[0]!.receipt);
    expect(connector.terminalRequests().filter((r) => r.amount === 1234)).toHaveLength(1);
  });

  test('a paid orderId sent again with another amount and currency: 409 naming what is stored; the terminal is not asked (money rule 2)', async () => {
    const orderId = 'Order_12345';
    expect((await connector.post('/order', { amount: 100, currency: 'EUR', orderId })).status).toBe(200);
    const before = connector.terminalRequests().length;
    const again = await connector.post('/order', { amount: 999, currency: 'USD', orderId });
    expect(again.status).toBe(409);
    expect((again.body as { error: string }[])[0]!.error).toMatch(/^order Order_12345 was already paid: 1\.00 EUR; this request asks 9\.99 USD/);
    expect(connector.terminalRequests()).toHaveLength(before);
  });

  test('a partial approval is never Success: Failure naming the amount paid, orderState paid-other-amount, HiPay gets 0.60 (money rule 4)', async () => {
    // The terminal approves 60 % of the amount asked (V3 CB is the amount really paid: terminal-protocols.md).
    await connector.setTerminal({ partialPercent: 60 });
    try {
      const orderId = 'Order_partial';
      const answer = await connector.post('/order', { amount: 100, orderId });
      expect(answer.status).toBe(200);
      const [order] = answer.body as OrderAnswer[];
      expect(order!.status).toBe('Failure');
      expect(order!.error).toMatch(/^the terminal approved 0\.60 EUR of the 1\.00 EUR asked/);
      const stored = (await connector.get(`/order/${orderId}`)).body as { orderState: string }[];
      expect(stored[0]!.orderState).toBe('paid-other-amount');
      const atHipay = await waitUntil(() => connector.sandbox.orders().find((o) => o.orderid === orderId), 20_000, 'the order at HiPay');
      expect(Number(atHipay.fields.amount)).toBe(0.6);
      expect(atHipay.fields.currency).toBe('EUR');
    } finally {
      await connector.setTerminal({ partialPercent: 100 });
    }
  });

  test('an answer carrying a reference that is not ours settles nothing and shows, masked, on /health (money rule 3)', async () => {
    // One more approval with a foreign reference after the real answer (simulator answer form `extraAnswer`).
    await connector.setTerminal({ extraAnswer: { ref: '0000009999', outcome: 'approve', position: 'after' } });
    try {
      const answer = await connector.post('/order', { amount: 730, orderId: 'Order_foreign_answer' });
      expect((answer.body as OrderAnswer[])[0]!.status).toBe('Success');
      type Health = { tpManager: { unattributed?: number; unattributedRecent?: { ref?: string; maskedPan?: string; why: string }[] } };
      const health = await waitUntil(async () => {
        const h = ((await connector.get('/health')).body as Health[])[0]!;
        return (h.tpManager.unattributed ?? 0) > 0 ? h : undefined;
      }, 15_000, 'the foreign answer on /health');
      const [newest] = health.tpManager.unattributedRecent!;
      expect(newest!.ref).toBe('0000009999');
      expect(newest!.why.length).toBeGreaterThan(0);
      expect(JSON.stringify(health)).not.toMatch(/\d{7,}X|X\d{5,}/);
      // Nothing was credited: one order, paid once, one order at HiPay.
      expect((await connector.get('/order/Order_foreign_answer')).body).toEqual([expect.objectContaining({ status: 'Success', orderState: 'done' })]);
      const atHipay = await waitUntil(() => connector.sandbox.orders().find((o) => o.orderid === 'Order_foreign_answer'), 20_000, 'the order at HiPay');
      expect(atHipay.duplicatePosts).toBe(0);
    } finally {
      await connector.setTerminal({ extraAnswer: null });
    }
  });

  test('an order still in progress gets 409; GET /order/{orderId} tells its state and then its outcome', async () => {
    await connector.setTerminal({ delayMs: 2000 });
    const orderId = 'Order_in_progress';
    const paying = connector.post('/order', { amount: 1500, orderId });
    await waitUntil(() => connector.terminalRequests().some((r) => r.amount === 1500) || undefined, 10_000, 'the terminal to get the payment');
    const again = await connector.post('/order', { amount: 1500, orderId });
    expect(again.status).toBe(409);
    const other = await connector.post('/order', { amount: 1600, orderId: 'Order_other' });
    expect(other.status).toBe(409);
    await paying;
    const stored = await connector.get(`/order/${orderId}`);
    expect(stored.status).toBe(200);
    expect((stored.body as OrderAnswer[])[0]!.status).toBe('Success');
    expect(connector.terminalRequests().filter((r) => r.amount === 1500)).toHaveLength(1);
    expect(connector.terminalRequests().filter((r) => r.amount === 1600)).toHaveLength(0);
  });

  test('an orderId is generated when missing and returned', async () => {
    const answer = await connector.post('/order', { amount: 320 });
    const [order] = answer.body as OrderAnswer[];
    expect(answer.status).toBe(200);
    expect(typeof order!.orderId).toBe('string');
    expect((order!.orderId as string).length).toBeGreaterThan(0);
    expect(order!.status).toBe('Success');
    expect(connector.terminalRequests().filter((r) => r.amount === 320)).toHaveLength(1);
    const atHipay = await waitUntil(() => connector.sandbox.orders().find((o) => o.orderid === order!.orderId), 20_000, 'the order at HiPay');
    expect(atHipay.fields.amount).toMatch(/^3\.20?$/);
  });

  test('maintenance calls: /version, /config and /tlc as the protocol allows', async () => {
    const version = await connector.get('/version');
    expect(version.status).toBe(200);
    expect((version.body as { version: string; type: string; os: string }[])[0]).toMatchObject({ type: 'tpa', os: expect.stringMatching(/_(64|32)$/) });
    const config = await connector.get('/config');
    expect(config.status).toBe(501);
    expect((config.body as { error: string }[])[0]!.error).toMatch(/concert-v3/);
    const tlc = await connector.get('/tlc');
    expect(tlc.status).toBe(501);
  });
});
