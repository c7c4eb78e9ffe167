/**
 * A bad line between the connector and the terminal: answers spoiled by a wrong LRC, noise and a truncated
 * frame before the answer, request frames refused with NAK. The link layer recovers where the protocol allows,
 * gives up cleanly where it does not, never pays twice, and never lets the card number out.
 */
import { ConnectorUnderTest } from '../../test-support/connector';
import { reportCounts, type TrackedOrder } from '../../test-support/fault-counts';
import { errorOf, storedOrder, type OrderAnswer } from '../../test-support/kiosk-checks';

/** The simulator's published test card; V2 sends it in clear in the full answer's report. */
const TEST_PAN = '4970100000000014';

type PaidAnswer = OrderAnswer & { receipt: Record<string, string> | null; ticket: string | null };

describe.each(['concert-v2', 'concert-v3'] as const)('a noisy line, %s', (protocol) => {
  let connector: ConnectorUnderTest;
  const base = protocol === 'concert-v2' ? 4100 : 4200;
  const orders = {
    garbage: { orderId: `Order_${protocol}_garbage`, amount: base + 1 },
    noise: { orderId: `Order_${protocol}_noise`, amount: base + 2 },
    nak: { orderId: `Order_${protocol}_nak`, amount: base + 3 },
    refused: { orderId: `Order_${protocol}_nak_limit`, amount: base + 4 },
  } satisfies Record<string, TrackedOrder>;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol, delayMs: 100 });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  afterEach(async () => {
    await connector.setTerminal({ faults: { nakNext: 0, noiseBeforeAnswer: '', garbageAnswer: false, deaf: false } });
  });

  /** tp-manager's debug lines for bytes its link layer threw away (it logs their count, never their content). */
  const noiseLines = () => connector.process('tp-manager').output().split('\n').filter((l) => /ignored \d+ byte\(s\) of line noise/.test(l)).length;
  const naksLeft = async () => (await connector.terminalBehaviour()).faults.nakNext;

  async function pay(order: TrackedOrder): Promise<PaidAnswer> {
    const answer = await connector.post('/order', order);
    expect(answer.status).toBe(200);
    return (answer.body as PaidAnswer[])[0]!;
  }

  test('an answer first sent with a bad LRC: NAKed, taken on the resend, paid once', async () => {
    await connector.setTerminal({ faults: { garbageAnswer: true } });
    const noiseBefore = noiseLines();
    const paid = await pay(orders.garbage);
    expect(noiseLines()).toBeGreaterThan(noiseBefore); // the spoiled frame was seen and dropped
    expect(paid.status).toBe('Success');
    expect(paid.receipt!.primaryAccountNumber).toMatch(/^497010X{6}0014\s*$/);
    expect(connector.terminalRequests().filter((r) => r.amount === orders.garbage.amount)).toHaveLength(1);
  });

  test('noise and a truncated frame (STX, no ETX) before the answer: ignored, the answer is taken', async () => {
    // Stray bytes, then a frame cut before its ETX and LRC, then the real answer's ENQ.
    await connector.setTerminal({ faults: { noiseBeforeAnswer: '41ff00' + '02' + Buffer.from('0120000000').toString('hex') } });
    const noiseBefore = noiseLines();
    const paid = await pay(orders.noise);
    expect(noiseLines()).toBeGreaterThan(noiseBefore);
    expect(paid.status).toBe('Success');
    expect(paid.error).toBeNull();
  });

  test('the request NAKed twice: sent again, and the terminal takes it once', async () => {
    await connector.setTerminal({ faults: { nakNext: 2 } });
    const paid = await pay(orders.nak);
    expect(await naksLeft()).toBe(0); // both NAKs were spent on the request
    expect(paid.status).toBe('Success');
    expect(connector.terminalRequests().filter((r) => r.amount === orders.nak.amount)).toHaveLength(1);
  });

  test('the request NAKed every time: a clear 599 within seconds, nothing charged; the same order paid afterwards', async () => {
    await connector.setTerminal({ faults: { nakNext: 50 } });
    const started = Date.now();
    const refused = await connector.post('/order', orders.refused);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(refused.status).toBe(599);
    expect(await naksLeft()).toBe(46); // the first try and 3 resends, then the connector gave up
    expect(errorOf(refused)).toMatch(/^Connection time out: .*refused the frame too many times/);
    expect(connector.terminalRequests().filter((r) => r.amount === orders.refused.amount)).toHaveLength(0);
    expect(await storedOrder(connector, orders.refused.orderId)).toMatchObject({ status: 'Failure', orderState: 'done' });

    await connector.setTerminal({ faults: { nakNext: 0 } });
    const paid = await pay(orders.refused);
    expect(paid.status).toBe('Success');
  });

  test('counts: every payment made once, recorded, delivered; no card number in any log', async () => {
    const counts = await reportCounts(`noisy line ${protocol}`, connector, Object.values(orders));
    expect(counts).toEqual({ paymentsMade: 4, resultsRecorded: 4, deliveredToHipay: 4, duplicates: 0 });
    expect(connector.logs()).not.toContain(TEST_PAN);
  });
});
