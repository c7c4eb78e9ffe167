/**
 * HiPay unreachable from the start (nothing listens on its address): the kiosk's payments still succeed, each
 * with notificationHipaySent false, and once HiPay is back every order reaches it exactly once.
 */
import { ConnectorUnderTest } from '../../test-support/connector';
import { reportCounts, type TrackedOrder } from '../../test-support/fault-counts';
import { storedOrder, type OrderAnswer } from '../../test-support/kiosk-checks';
import { sample } from '../../test-support/metrics-text';
import { waitUntil } from '../../test-support/net';

describe('HiPay down for the whole run', () => {
  let connector: ConnectorUnderTest;
  const orders: TrackedOrder[] = [1, 2, 3, 4].map((n) => ({ orderId: `Order_hipay_away_${n}`, amount: 6100 + n }));

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', delayMs: 100, config: { HIPAY_TIMEOUT_MS: '1000' } });
    await connector.stopSandbox();
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('payments succeed with notificationHipaySent false; HiPay back: every order delivered once', async () => {
    for (const order of orders) {
      const answer = await connector.post('/order', order);
      expect(answer.status).toBe(200);
      expect((answer.body as OrderAnswer[])[0]).toMatchObject({ status: 'Success', notificationHipaySent: false });
    }
    for (const order of orders) {
      expect((await storedOrder(connector, order.orderId))!.hipay).toMatchObject({ state: 'pending' });
    }
    const whileDown = await reportCounts('HiPay down', connector, orders);
    expect(whileDown).toEqual({ paymentsMade: 4, resultsRecorded: 4, deliveredToHipay: 0, duplicates: 0 });

    await connector.startSandbox();
    await waitUntil(
      async () => {
        for (const order of orders) if ((await storedOrder(connector, order.orderId))?.hipay?.state !== 'delivered') return undefined;
        return true;
      },
      45_000,
      'every order to be delivered to HiPay',
    );
    for (const order of orders) expect((await storedOrder(connector, order.orderId))!.notificationHipaySent).toBe(true);
    // The outbox has moved on: the delivering tries are counted and nothing is pending, so no second POST of
    // these orders can come (a later try reads the row as delivered before posting): the count is final.
    await waitUntil(async () => {
      const metrics = (await connector.get('/metrics')).text;
      return (sample(metrics, 'ecr_hipay_deliveries_total{result="delivered"}') ?? 0) >= orders.length && sample(metrics, 'ecr_hipay_outbox_orders{state="pending"}') === 0
        ? true
        : undefined;
    }, 10_000, 'the delivering tries counted and nothing pending on GET /metrics');
    expect(connector.sandbox.stats()).toMatchObject({ ordersStored: orders.length, duplicatePosts: 0 });
    const back = await reportCounts('HiPay back', connector, orders);
    expect(back).toEqual({ paymentsMade: 4, resultsRecorded: 4, deliveredToHipay: 4, duplicates: 0 });
  }, 60_000);
});
