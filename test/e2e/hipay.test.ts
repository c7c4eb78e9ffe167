/**
 * Orders at HiPay after a card payment, with the sandbox as a separate real HTTP server: the fields HiPay
 * receives, and delivery exactly once whatever fails in between.
 */
import { ConnectorUnderTest, seedOrder } from '../../test-support/connector';
import { waitUntil } from '../../test-support/net';
import { sample } from '../../test-support/metrics-text';

type Answer = { status: string; notificationHipaySent: boolean; receipt: Record<string, string> | null };
type Stored = Answer & { hipay?: { state: string; lastError?: string; attempts: number; nextAttemptAt?: string } };

describe('orders delivered to HiPay', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', config: { HIPAY_TIMEOUT_MS: '1500' } });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  afterEach(() => connector.sandbox.setFaults({}));

  test('one payment: one order at HiPay with the passive point-of-sale fields, and notificationHipaySent true', async () => {
    const order = seedOrder('Order_hipay_fields');
    // A basket that adds up to the amount goes to HiPay as a JSON array.
    (order.basket as Record<string, unknown>).total_amount = 1;
    (order.basket as Record<string, unknown>).unit_price = 1;
    const answer = await connector.post('/order', order);
    const [paid] = answer.body as Answer[];
    expect(paid!.status).toBe('Success');
    expect(paid!.notificationHipaySent).toBe(true);
    const received = connector.sandbox.orders().filter((o) => o.orderid === 'Order_hipay_fields');
    expect(received).toHaveLength(1);
    const fields = received[0]!.fields;
    expect(fields).toMatchObject({
      orderid: 'Order_hipay_fields',
      amount: '1.00',
      currency: 'EUR',
      eci: '10',
      payment_product: 'tpe',
      initialize_payment_terminal: '0',
      operation: 'Sale',
      cid: '283749291',
      firstname: 'John',
      lastname: 'Doe',
      email: 'johnDoe@test.com',
    });
    expect(fields.description).toMatch(/Order_hipay_fields/);
    const params = JSON.parse(fields.payment_product_parameters!) as Record<string, string>;
    expect(params).toMatchObject({ code: '200100', mid: '00001340', acquirer_registrationid: '1234567' });
    expect(params.authorization_code).toBe(paid!.receipt!.authorizationNumber!.trim());
    expect(params.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(JSON.parse(fields.basket!)).toEqual([expect.objectContaining({ product_reference: 'NF-a1690', european_article_numbering: '4711892728946' })]);
    expect(JSON.parse(fields.custom_data!)).toEqual({ shop: 'Opera', vendor: 'Mario', newCustomer: true, event: 42 });
  });

  test("issue 10 case 7: the seed's example with its mangled e-mail is paid; HiPay gets the customer without it", async () => {
    const order = seedOrder('Order_hipay_mangled');
    (order.customer as Record<string, unknown>).email = '[email protected]';
    const answer = await connector.post('/order', order);
    expect(answer.status).toBe(200);
    expect((answer.body as Answer[])[0]).toMatchObject({ status: 'Success', notificationHipaySent: true });
    const [received] = connector.sandbox.orders().filter((o) => o.orderid === 'Order_hipay_mangled');
    expect(received!.fields).toMatchObject({ cid: '283749291', firstname: 'John', lastname: 'Doe' });
    expect(received!.fields.email).toBeUndefined();
    const warnings = connector.process('supervisor').output().split('\n').filter((l) => l.includes('Order_hipay_mangled') && l.includes('customer data left out'));
    expect(warnings).toHaveLength(1);
  });

  test('money rule 5, issue 10 case 1: an orderId HiPay would refuse (33 characters) is a 400 before the terminal', async () => {
    const before = connector.terminalRequests().length;
    const answer = await connector.post('/order', { amount: 100, orderId: 'O'.repeat(33) });
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }[])[0]!.error).toMatch(/at most 32 characters \(HiPay's limit for an orderid\)/);
    expect(connector.terminalRequests()).toHaveLength(before);
  });

  test('acceptance, money rule 5: answer lost, lookups miss it for seconds with 400 + 3000001, resend refused as duplicate: delivered, held once', async () => {
    connector.sandbox.setFaults({ loseCreationAnswer: true, lookupLagMs: 3000, unknownOrderStatus: 400 });
    const answer = await connector.post('/order', seedOrder('Order_hipay_lost'));
    expect((answer.body as Answer[])[0]).toMatchObject({ status: 'Success', notificationHipaySent: false });
    const delivered = await waitUntil(
      async () => {
        const stored = ((await connector.get('/order/Order_hipay_lost')).body as Stored[])[0];
        return stored?.hipay?.state === 'delivered' ? stored : undefined;
      },
      30_000,
      'Order_hipay_lost delivered',
    );
    expect(delivered.notificationHipaySent).toBe(true);
    const atHipay = connector.sandbox.orders().filter((o) => o.orderid === 'Order_hipay_lost');
    expect(atHipay).toHaveLength(1);
    expect(atHipay[0]!.duplicatePosts).toBe(1);
    const health = (await connector.get('/health')).body as { outbox: { refused: number } }[];
    expect(health[0]!.outbox.refused).toBe(0);
  }, 60_000);

  test('a basket that does not add up: the order goes to HiPay without it', async () => {
    const answer = await connector.post('/order', seedOrder('Order_hipay_no_basket'));
    expect((answer.body as Answer[])[0]!.notificationHipaySent).toBe(true);
    const [received] = connector.sandbox.orders().filter((o) => o.orderid === 'Order_hipay_no_basket');
    expect(received!.fields.basket ?? '[]').toBe('[]');
  });

  test('money rule 5: HiPay down during the payment: false; HiPay back, with a supervisor restart in between: delivered exactly once', async () => {
    await connector.stopSandbox();
    const answer = await connector.post('/order', { amount: 990, orderId: 'Order_hipay_down' });
    const [paid] = answer.body as Answer[];
    expect(paid!.status).toBe('Success');
    expect(paid!.notificationHipaySent).toBe(false);
    const pending = (await connector.get('/order/Order_hipay_down')).body as Stored[];
    expect(pending[0]!.hipay).toMatchObject({ state: 'pending' });
    expect(pending[0]!.hipay!.nextAttemptAt).toBeDefined();

    await connector.restart('supervisor');
    await connector.startSandbox();
    await waitUntil(() => connector.sandbox.orders().some((o) => o.orderid === 'Order_hipay_down') || undefined, 30_000, 'the order at HiPay');
    const delivered = await waitUntil(async () => {
      const s = ((await connector.get('/order/Order_hipay_down')).body as Stored[])[0];
      return s?.hipay?.state === 'delivered' ? s : undefined;
    }, 10_000, 'GET /order to say delivered');
    expect(delivered.notificationHipaySent).toBe(true);
    // The outbox has moved on: the try that delivered it is counted (metrics are told at the end of each try)
    // and nothing is pending. One try per order runs at a time and a later one reads the row as delivered
    // before posting, so from here no second POST of this order can come: the sandbox's count is final.
    await waitUntil(async () => {
      const metrics = (await connector.get('/metrics')).text;
      return (sample(metrics, 'ecr_hipay_deliveries_total{result="delivered"}') ?? 0) >= 1 && sample(metrics, 'ecr_hipay_outbox_orders{state="pending"}') === 0
        ? true
        : undefined;
    }, 10_000, 'the delivering try counted and the outbox idle on GET /metrics');
    // money rule 5: sent once (the sandbox's duplicate-post count sees a second POST; its order rows do not)
    expect(connector.sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0 });
    expect(connector.sandbox.orders().find((o) => o.orderid === 'Order_hipay_down')!.duplicatePosts).toBe(0);
  }, 60_000);

  test('HiPay slow past the bound but storing the order: after the lookup, no second order', async () => {
    connector.sandbox.setFaults({ delayMs: 4000 });
    const before = connector.sandbox.stats();
    const answer = await connector.post('/order', { amount: 991, orderId: 'Order_hipay_slow' });
    expect((answer.body as Answer[])[0]!.notificationHipaySent).toBe(false);
    connector.sandbox.setFaults({});
    await waitUntil(async () => {
      const s = ((await connector.get('/order/Order_hipay_slow')).body as Stored[])[0];
      return s?.hipay?.state === 'delivered' ? s : undefined;
    }, 30_000, 'the slow order to be confirmed by lookup');
    const after = connector.sandbox.stats();
    expect(after.ordersStored - before.ordersStored).toBe(1);
    expect(after.duplicatePosts - before.duplicatePosts).toBe(0);
    expect(after.lookupsReceived).toBeGreaterThan(before.lookupsReceived);
  }, 60_000);
});

describe('wrong HiPay credentials', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', config: { HIPAY_PWD: 'Test_wrong-password' } });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('the kiosk still gets its payment; one clear log line; the refusal on GET /order; HiPay not hammered', async () => {
    const answer = await connector.post('/order', { amount: 1200, orderId: 'Order_hipay_refused' });
    const [paid] = answer.body as Answer[];
    expect(paid!.status).toBe('Success');
    expect(paid!.notificationHipaySent).toBe(false);
    const stored = ((await connector.get('/order/Order_hipay_refused')).body as Stored[])[0]!;
    expect(stored.hipay).toMatchObject({ state: 'refused' });
    expect(stored.hipay!.lastError).toMatch(/1000001|credential/i);
    // HiPay not hammered: the try that met the refusal is counted and nothing is left pending, so no other try
    // of this order is planned (a refusal is never retried); the sandbox's POST count is final from here.
    await waitUntil(async () => {
      const metrics = (await connector.get('/metrics')).text;
      return sample(metrics, 'ecr_hipay_outbox_orders{state="refused"}') === 1 && sample(metrics, 'ecr_hipay_outbox_orders{state="pending"}') === 0
        ? true
        : undefined;
    }, 10_000, 'the refused order counted and nothing pending on GET /metrics');
    expect(connector.sandbox.stats().postsReceived).toBe(1);
    const lines = connector.process('supervisor').output().split('\n').filter((l) => /HiPay refused order Order_hipay_refused/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('Test_wrong-password');
  }, 30_000);
});
