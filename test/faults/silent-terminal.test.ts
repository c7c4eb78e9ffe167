/**
 * A terminal that goes quiet: one that takes the request and never answers (outcome timeout), and one that
 * hears nothing at all (fault deaf, as a cut cable). With PAYMENT_TIMEOUT_S=10 the kiosk gets the contract's
 * 599 [{"error":"Connection time out"}] once the time-out has passed, and the outcome is recorded.
 */
import { ConnectorUnderTest } from '../../test-support/connector';
import { reportCounts, type TrackedOrder } from '../../test-support/fault-counts';
import { checkCr, errorOf, storedOrder, waitForCr, type OrderAnswer } from '../../test-support/kiosk-checks';

describe('a silent terminal, PAYMENT_TIMEOUT_S=10', () => {
  let connector: ConnectorUnderTest;
  const ignored: TrackedOrder = { orderId: 'Order_never_answered', amount: 5101 };
  const unheard: TrackedOrder = { orderId: 'Order_deaf_terminal', amount: 5102 };
  const after: TrackedOrder = { orderId: 'Order_terminal_back', amount: 5103 };

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', delayMs: 100, config: { PAYMENT_TIMEOUT_S: '10' } });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('the request taken, no answer ever: 599 [{"error":"Connection time out"}] after 10 s, recorded as Failure', async () => {
    await connector.setTerminal({ outcome: 'timeout' });
    const started = Date.now();
    const answer = await connector.post('/order', ignored);
    const waited = Date.now() - started;
    expect(answer.status).toBe(599);
    expect(answer.body).toEqual([{ error: 'Connection time out' }]);
    expect(waited).toBeGreaterThanOrEqual(9500);
    expect(waited).toBeLessThan(20_000);
    expect(connector.terminalRequests().filter((r) => r.amount === ignored.amount)).toHaveLength(1);
    const stored = await storedOrder(connector, ignored.orderId);
    // The terminal took the request: it may yet charge the card, so the outcome is unknown, not failed.
    expect(stored).toMatchObject({ status: 'Failure', orderState: 'outcome-unknown' });
    expect(stored!.error).toMatch(/did not answer within 10 s/);
  }, 30_000);

  test('a deaf terminal: GET /check says "3", the kiosk gets 599 "Connection time out" within the time-out, nothing reaches it', async () => {
    await connector.setTerminal({ outcome: 'approve', faults: { deaf: true } });
    await waitForCr(connector, '3', 10_000);
    const started = Date.now();
    const answer = await connector.post('/order', unheard);
    expect(answer.status).toBe(599);
    expect(errorOf(answer)).toMatch(/^Connection time out/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(connector.terminalRequests().filter((r) => r.amount === unheard.amount)).toHaveLength(0);
    expect(await storedOrder(connector, unheard.orderId)).toMatchObject({ status: 'Failure', orderState: 'done' });
  }, 30_000);

  test('the terminal hears again: cr "0", a payment succeeds; counts', async () => {
    await connector.setTerminal({ faults: { deaf: false } });
    await waitForCr(connector, '0', 10_000);
    const answer = await connector.post('/order', after);
    expect(answer.status).toBe(200);
    expect((answer.body as OrderAnswer[])[0]!.status).toBe('Success');
    expect(await checkCr(connector)).toBe('0');

    const counts = await reportCounts('silent terminal', connector, [ignored, unheard, after]);
    expect(counts).toEqual({ paymentsMade: 2, resultsRecorded: 3, deliveredToHipay: 1, duplicates: 0 });
  }, 30_000);
});
