/**
 * kill -9 of tp-manager during a payment, and the terminal's answer comes while tp-manager is dead, so nobody
 * takes it (test/e2e/crash.test.ts covers the answer that comes after the restart). After the restart the
 * journal says the payment was interrupted, GET /order/{orderId} shows it, nothing is paid twice, and the
 * connector takes payments again.
 */
import { ConnectorUnderTest } from '../../test-support/connector';
import { reportCounts, type TrackedOrder } from '../../test-support/fault-counts';
import { errorOf, storedOrder, waitForTerminalRequest, type OrderAnswer } from '../../test-support/kiosk-checks';
import { waitUntil } from '../../test-support/net';

describe('kill -9 of tp-manager, the answer lost meanwhile', () => {
  let connector: ConnectorUnderTest;
  const lost: TrackedOrder = { orderId: 'Order_answer_lost', amount: 7101 };
  const next: TrackedOrder = { orderId: 'Order_after_restart', amount: 7102 };

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3' });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('a clear 599 within seconds; after the restart GET /order tells the payment was interrupted; counts', async () => {
    await connector.setTerminal({ outcome: 'approve', delayMs: 1500 });
    const paying = connector.post('/order', lost);
    await waitForTerminalRequest(connector, lost.amount);
    await connector.kill9('tp-manager');
    const killedAt = Date.now();
    const answer = await paying;
    expect(Date.now() - killedAt).toBeLessThan(8000);
    expect(answer.status).toBe(599);
    expect(errorOf(answer)).toMatch(/not known yet/);

    // The terminal tries to give its answer, nobody acknowledges it, and it gives up.
    await connector.simulator.waitFor(/answer not delivered/, 30_000);
    expect((await storedOrder(connector, lost.orderId))!.orderState).toBe('in-progress');

    await connector.startProcess('tp-manager');
    const stored = await waitUntil(async () => {
      const s = await storedOrder(connector, lost.orderId);
      return s?.orderState === 'outcome-unknown' ? s : undefined;
    }, 20_000, "the interrupted payment to be recorded from tp-manager's journal");
    expect(stored.status).toBe('Failure');
    expect(stored.error).toMatch(/tp-manager stopped during this payment.*terminal's own journal/);
    expect(connector.process('tp-manager').output()).toMatch(/payment interrupted by a tp-manager restart orderId=Order_answer_lost/);

    // The terminal may have charged the card: the same orderId is not paid again.
    const again = await connector.post('/order', lost);
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatch(/may have been charged.*not paid again/);

    const paid = await connector.post('/order', next);
    expect(paid.status).toBe(200);
    expect((paid.body as OrderAnswer[])[0]!.status).toBe('Success');

    const counts = await reportCounts('tp-manager killed, answer lost', connector, [lost, next]);
    expect(counts).toEqual({ paymentsMade: 2, resultsRecorded: 2, deliveredToHipay: 1, duplicates: 0 });
  }, 60_000);
});
