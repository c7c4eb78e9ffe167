/**
 * The terminal's cable pulled (the pseudo-terminal pair closed) and plugged back (a new pair on the same paths):
 * GET /check says "not connected" meanwhile, tp-manager reopens the line by itself, and payments work again.
 */
import { ConnectorUnderTest } from '../../test-support/connector';
import { reportCounts, type TrackedOrder } from '../../test-support/fault-counts';
import { checkCr, errorOf, storedOrder, waitForCr, waitForTerminalRequest, type OrderAnswer } from '../../test-support/kiosk-checks';

describe('the terminal line pulled and plugged back', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', config: { PAYMENT_TIMEOUT_S: '10' } });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('while idle: cr "3" and a clear 599 while it is out, cr "0" once back, then a payment succeeds', async () => {
    const refused: TrackedOrder = { orderId: 'Order_line_out', amount: 3101 };
    const paid: TrackedOrder = { orderId: 'Order_line_back', amount: 3102 };
    expect(await checkCr(connector)).toBe('0');

    await connector.pullLine();
    await waitForCr(connector, '3', 5000);
    const meanwhile = await connector.post('/order', refused);
    expect(meanwhile.status).toBe(599);
    expect(errorOf(meanwhile)).toMatch(/^Connection time out: .*not connected.*nothing was sent/);
    await new Promise((r) => setTimeout(r, 3000)); // out for a while: tp-manager keeps trying with back-off
    expect(await checkCr(connector)).toBe('3');

    await connector.replugLine();
    await waitForCr(connector, '0', 20_000);
    const answer = await connector.post('/order', paid);
    expect(answer.status).toBe(200);
    expect((answer.body as OrderAnswer[])[0]!.status).toBe('Success');

    // One line per distinct reason while it retries, not one per try.
    const log = connector.process('tp-manager').output();
    expect(log).toMatch(/terminal line lost: serial device .* (disconnected|closed); reopening/);
    const notOpen = log.split('\n').filter((l) => /terminal line not open/.test(l));
    expect(notOpen.length).toBeGreaterThanOrEqual(1);
    expect(notOpen.length).toBeLessThanOrEqual(2);

    const counts = await reportCounts('line pulled while idle', connector, [refused, paid]);
    expect(counts).toEqual({ paymentsMade: 1, resultsRecorded: 2, deliveredToHipay: 1, duplicates: 0 });
    expect((await storedOrder(connector, refused.orderId))!.status).toBe('Failure');
  }, 60_000);

  test('during a payment: the kiosk gets 599 "Connection time out" at the time-out, cr "3" until the line is back, then payments work', async () => {
    const cut: TrackedOrder = { orderId: 'Order_line_cut', amount: 3201 };
    const after: TrackedOrder = { orderId: 'Order_after_cut', amount: 3202 };
    await connector.setTerminal({ delayMs: 4000 });
    const paying = connector.post('/order', cut);
    await waitForTerminalRequest(connector, cut.amount);
    const pulledAt = Date.now();
    await connector.pullLine();

    const answer = await paying;
    expect(answer.status).toBe(599);
    expect(errorOf(answer)).toBe('Connection time out');
    expect(Date.now() - pulledAt).toBeLessThan(15_000); // PAYMENT_TIMEOUT_S=10 from the request, plus slack
    await waitForCr(connector, '3', 5000);
    const stored = await storedOrder(connector, cut.orderId);
    // The terminal took the request: it may have charged the card, so the outcome is unknown, not failed.
    expect(stored).toMatchObject({ status: 'Failure', orderState: 'outcome-unknown' });

    await connector.replugLine();
    await waitForCr(connector, '0', 20_000);
    const next = await connector.post('/order', after);
    expect(next.status).toBe(200);
    expect((next.body as OrderAnswer[])[0]!.status).toBe('Success');

    const counts = await reportCounts('line pulled during a payment', connector, [cut, after]);
    expect(counts).toEqual({ paymentsMade: 2, resultsRecorded: 2, deliveredToHipay: 1, duplicates: 0 });
  }, 60_000);

  // A pulled cable is told even during a payment: "3", not "1" (busy) (once the other way round).
  test('during a payment: GET /check says "3" (not connected) while the cable is out, not "1" (busy)', async () => {
    const waiting: TrackedOrder = { orderId: 'Order_check_while_cut', amount: 3301 };
    await connector.setTerminal({ delayMs: 8000 });
    const paying = connector.post('/order', waiting);
    try {
      await waitForTerminalRequest(connector, waiting.amount);
      await connector.pullLine();
      // As soon as tp-manager has seen the line drop (the payment is still open: its answer cannot come).
      await waitForCr(connector, '3', 6_000);
    } finally {
      await connector.get('/cancel');
      await paying;
      if (connector.pty.socat.child.exitCode !== null || connector.pty.socat.child.signalCode !== null) await connector.replugLine();
    }
    await waitForCr(connector, '0', 20_000);
  }, 60_000);
});
