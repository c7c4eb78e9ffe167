/**
 * The outbox against the real sandbox over HTTP and a real SQLite file: nothing lost, nothing doubled.
 */
import type Database from 'better-sqlite3';
import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { createHipayClient, HipayOutbox } from '../../src/hipay';
import { LOGIN, PASSWORD, paidOrder, recordingLogger, SETTINGS, tempDb, waitFor, type RecordingLogger, type TempDb } from './support';

const FAST = { baseMs: 50, capMs: 200 };

let sandbox: HipaySandbox | undefined;
let dbFile: TempDb;
const opened: { db: Database.Database; outbox: HipayOutbox }[] = [];

function startSandbox(port = 0): Promise<HipaySandbox> {
  return startHipaySandbox({ port, login: LOGIN, password: PASSWORD, hashKey: SETTINGS.hashKey });
}

/** A supervisor's outbox on the shared db file; each call is like one supervisor run. */
function openOutbox(
  url: string,
  logger: RecordingLogger = recordingLogger(),
  password = PASSWORD,
  extra: { refusedRetryMs?: number; now?: () => number } = {},
): { outbox: HipayOutbox; db: Database.Database; logger: RecordingLogger } {
  const db = dbFile.open();
  const client = createHipayClient({ baseUrl: url, login: LOGIN, password, timeoutMs: 2000 });
  const outbox = new HipayOutbox({ db, client, settings: SETTINGS, logger, backoff: FAST, ...extra });
  opened.push({ db, outbox });
  return { outbox, db, logger };
}

/** The outbox's clock, moved by the test: what is due and when (the loop's own timers stay real). */
function testClock(): { now: () => number; advance(ms: number): void } {
  let t = Date.now();
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * Waits until the background loop has tried every order due up to the clock moved 10 minutes ahead (thousands
 * of back-off caps of FAST): a marker order added then is due last, and the loop takes due orders oldest first,
 * so once the marker's try has ended, any order still due before it has been tried too. No fixed sleep.
 */
async function loopPassedEverythingDue(outbox: HipayOutbox, clock: ReturnType<typeof testClock>, marker: string, ended: (orderId: string) => boolean): Promise<void> {
  clock.advance(10 * 60_000);
  outbox.add(paidOrder(marker));
  await waitFor(`the loop to try ${marker}`, () => ended(marker));
}

async function shutDown(entry: { db: Database.Database; outbox: HipayOutbox }): Promise<void> {
  await entry.outbox.stop();
  if (entry.db.open) entry.db.close();
}

beforeEach(() => {
  dbFile = tempDb();
});

afterEach(async () => {
  for (const entry of opened.splice(0)) await shutDown(entry);
  await sandbox?.close();
  sandbox = undefined;
  dbFile.remove();
});

it('delivers one order with every field of a passive tpe order', async () => {
  sandbox = await startSandbox();
  const { outbox } = openOutbox(sandbox.url);
  const order = paidOrder('OB-1', {
    customer: { id: '7', firstname: 'John', lastname: 'Doe', email: 'johnDoe@test.com' },
    basketItems: [{ european_article_numbering: '4711892728946', product_reference: 'NF-1', type: 'good', quantity: 1, name: 'Tea', unit_price: 8.99, tax_rate: 5.5, total_amount: 8.99 }],
    customData: { lane: 3 },
  });
  outbox.add(order);
  expect(await outbox.deliverNow('OB-1', 3000)).toBe(true);

  const [received] = sandbox.orders();
  expect(received.fields).toEqual({
    orderid: 'OB-1',
    description: 'Kiosk order OB-1',
    amount: '8.99',
    currency: 'EUR',
    eci: '10',
    payment_product: 'tpe',
    initialize_payment_terminal: '0',
    operation: 'Sale',
    payment_product_parameters: JSON.stringify({
      // sha1('OB-1' + '8.99' + 'EUR' + 'hk-123'), computed apart from the code under test (printf ... | sha1sum).
      hash: '6f3438839da778c682fa995d9070ebc23ff96a21',
      code: '200100',
      mid: SETTINGS.mid,
      acquirer_registrationid: SETTINGS.acquirerId,
      authorization_code: '122603',
    }),
    cid: '7',
    firstname: 'John',
    lastname: 'Doe',
    email: 'johnDoe@test.com',
    basket: JSON.stringify(order.basketItems),
    custom_data: '{"lane":3}',
  });
  expect(outbox.status('OB-1')).toEqual({ state: 'delivered', attempts: 1, transactionReference: received.transaction.transactionReference });
  expect(outbox.counts()).toEqual({ pending: 0, refused: 0, delivered: 1 });
});


it('stores the order before any try, once per orderId', async () => {
  sandbox = await startSandbox();
  const { outbox } = openOutbox(sandbox.url);
  expect(outbox.add(paidOrder('OB-2'))).toBe(true);
  expect(outbox.add(paidOrder('OB-2', { amount: 1 }))).toBe(false);
  expect(outbox.status('OB-2')).toMatchObject({ state: 'pending', attempts: 0 });
  expect(outbox.counts()).toMatchObject({ pending: 1, refused: 0, delivered: 0, oldestPendingAgeS: expect.any(Number) });
  expect(sandbox.stats().postsReceived).toBe(0);
  await outbox.deliverNow('OB-2', 3000);
  expect(sandbox.orders()[0].fields.amount).toBe('8.99');
});

it('refuses to store an order it could not send, saying why', async () => {
  sandbox = await startSandbox();
  const { outbox } = openOutbox(sandbox.url);
  expect(() => outbox.add(paidOrder('OB-3', { amount: 8.99 }))).toThrow(/integer/);
  expect(outbox.status('OB-3')).toBeUndefined();
});

it('HiPay down during the first try: pending; back on the same port: delivered exactly once', async () => {
  sandbox = await startSandbox();
  const port = sandbox.port;
  await sandbox.close();
  sandbox = undefined;
  const { outbox, logger } = openOutbox(`http://127.0.0.1:${port}`);
  outbox.add(paidOrder('OB-4'));
  expect(await outbox.deliverNow('OB-4', 2000)).toBe(false);
  expect(outbox.status('OB-4')).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('ECONNREFUSED'), nextAttemptAt: expect.any(String) });
  expect(logger.at('warn')[0]).toMatch(/HiPay delivery of order OB-4 failed \(attempt 1\).*next try in/);

  outbox.start();
  await waitFor('two more refused connections while HiPay is down', () => outbox.status('OB-4')!.attempts >= 3);
  expect(outbox.status('OB-4')).toMatchObject({ state: 'pending' });
  sandbox = await startSandbox(port);
  await waitFor('delivery after HiPay is back', () => outbox.status('OB-4')?.state === 'delivered');
  // stop() returns once no try is in flight: every POST the outbox made has reached the sandbox.
  await outbox.stop();
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0, postsReceived: 1 });
});

it('a new outbox on the same db file (supervisor restart) delivers what the old one could not, exactly once', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ unavailable: '1000008' });
  const first = openOutbox(sandbox.url);
  first.outbox.add(paidOrder('OB-5'));
  first.outbox.add(paidOrder('OB-6'));
  expect(await first.outbox.deliverNow('OB-5', 2000)).toBe(false);
  await shutDown(opened.pop()!);

  sandbox.setFaults({});
  const second = openOutbox(sandbox.url);
  expect(second.outbox.counts()).toMatchObject({ pending: 2, refused: 0, delivered: 0, lastError: expect.stringContaining('1000008') });
  second.outbox.start();
  await waitFor('both orders delivered', () => second.outbox.counts().delivered === 2);
  expect(sandbox.orders().map((o) => o.orderid).sort()).toEqual(['OB-5', 'OB-6']);
  expect(sandbox.stats()).toMatchObject({ ordersStored: 2, duplicatePosts: 0 });
});

it('HiPay slower than the bound but keeping the order: looked up, never posted twice', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ delayMs: 800 });
  const { outbox, logger } = openOutbox(sandbox.url);
  outbox.add(paidOrder('OB-7'));
  expect(await outbox.deliverNow('OB-7', 200)).toBe(false);
  expect(outbox.status('OB-7')).toMatchObject({ state: 'pending', lastError: expect.stringContaining('gave up waiting') });

  outbox.start();
  await waitFor('delivery confirmed by lookup', () => outbox.status('OB-7')?.state === 'delivered');
  await outbox.stop(); // no try in flight any more: the sandbox's counts are final
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0, postsReceived: 1 });
  expect(sandbox.stats().lookupsReceived).toBeGreaterThanOrEqual(1);
  expect(outbox.status('OB-7')?.transactionReference).toBe(sandbox.orders()[0].transaction.transactionReference);
  expect(logger.at('info').join('\n')).toContain('confirmed by lookup');
});

it('a restart after a try whose outcome is unknown looks the order up first', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ delayMs: 800 });
  const first = openOutbox(sandbox.url);
  first.outbox.add(paidOrder('OB-8'));
  expect(await first.outbox.deliverNow('OB-8', 200)).toBe(false);
  await shutDown(opened.pop()!);

  sandbox.setFaults({});
  const second = openOutbox(sandbox.url);
  second.outbox.start();
  await waitFor('delivered after restart', () => second.outbox.status('OB-8')?.state === 'delivered');
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0, postsReceived: 1, lookupsReceived: 1 });
});

it('money rule 5: after 1000008 the next try looks the order up first, then posts it once', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ unavailable: '1000008' });
  const { outbox } = openOutbox(sandbox.url);
  outbox.add(paidOrder('OB-9'));
  expect(await outbox.deliverNow('OB-9', 2000)).toBe(false);
  expect(outbox.status('OB-9')?.lastError).toContain('1000008');
  sandbox.setFaults({});
  outbox.start();
  await waitFor('delivered', () => outbox.status('OB-9')?.state === 'delivered');
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, lookupsReceived: 1, duplicatePosts: 0 });
});

it('money rule 5: wrong credentials: refused with HiPay message, one error line, HiPay not hammered', async () => {
  sandbox = await startSandbox();
  const clock = testClock();
  const { outbox, logger } = openOutbox(sandbox.url, recordingLogger(), 'wrong-password', { now: clock.now });
  outbox.start();
  outbox.add(paidOrder('OB-10'));
  expect(await outbox.deliverNow('OB-10', 2000)).toBe(false);
  expect(outbox.status('OB-10')).toMatchObject({ state: 'refused', attempts: 1, lastError: expect.stringContaining('1000001 Incorrect Credentials') });
  expect(logger.at('error')).toEqual([
    expect.stringMatching(/^HiPay refused order OB-10: .*1000001 Incorrect Credentials.*HIPAY_LOGIN and HIPAY_PWD.*tried again, looked up first, when config.txt changes and every hour/),
  ]);
  expect(outbox.counts()).toMatchObject({
    pending: 0,
    refused: 1,
    delivered: 0,
    oldestRefusedAgeS: expect.any(Number),
    lastRefusedReason: expect.stringContaining('1000001 Incorrect Credentials'),
  });

  // Ten minutes later by the outbox's clock, the loop has gone past it without a second POST.
  await loopPassedEverythingDue(outbox, clock, 'OB-10-later', (id) => outbox.status(id)?.state === 'refused');
  expect(outbox.status('OB-10')).toMatchObject({ state: 'refused', attempts: 1 });
  expect(sandbox.stats().postsReceived).toBe(2); // OB-10 once, OB-10-later once
  expect(logger.at('error')).toHaveLength(2); // one line per refused order
  expect(logger.lines.map((l) => l.message).join('\n')).not.toContain('wrong-password');
  expect(await outbox.deliverNow('OB-10', 2000)).toBe(false);
  expect(sandbox.stats().postsReceived).toBe(2);
});

it('retryRefused() queues refused orders again once the cause is fixed', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ refuseCredentials: true });
  const { outbox } = openOutbox(sandbox.url);
  outbox.add(paidOrder('OB-11'));
  expect(await outbox.deliverNow('OB-11', 2000)).toBe(false);
  expect(outbox.status('OB-11')?.state).toBe('refused');

  sandbox.setFaults({});
  outbox.start();
  expect(outbox.retryRefused()).toBe(1);
  await waitFor('delivered after retryRefused', () => outbox.status('OB-11')?.state === 'delivered');
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0 });
});

it('money rule 5: a declined order is refused, not retried', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ declined: true });
  const clock = testClock();
  const { outbox } = openOutbox(sandbox.url, recordingLogger(), PASSWORD, { now: clock.now });
  outbox.start();
  outbox.add(paidOrder('OB-12'));
  expect(await outbox.deliverNow('OB-12', 2000)).toBe(false);
  await loopPassedEverythingDue(outbox, clock, 'OB-12-later', (id) => outbox.status(id)?.state === 'refused');
  expect(outbox.status('OB-12')).toMatchObject({ state: 'refused', attempts: 1, lastError: expect.stringContaining('declined') });
  expect(sandbox.stats().postsReceived).toBe(2); // OB-12 once, OB-12-later once
});

it('never runs two deliveries of one order at once', async () => {
  sandbox = await startSandbox();
  sandbox.setFaults({ delayMs: 300 });
  const { outbox } = openOutbox(sandbox.url);
  outbox.add(paidOrder('OB-13'));
  outbox.start();
  const results = await Promise.all([outbox.deliverNow('OB-13', 3000), outbox.deliverNow('OB-13', 3000), outbox.deliverNow('OB-13', 3000)]);
  expect(results).toEqual([true, true, true]);
  expect(sandbox.stats()).toMatchObject({ postsReceived: 1, duplicatePosts: 0, ordersStored: 1 });
  expect(outbox.status('OB-13')?.attempts).toBe(1);
});

it('deliverNow of an order never added is a programming error', async () => {
  sandbox = await startSandbox();
  const { outbox } = openOutbox(sandbox.url);
  await expect(outbox.deliverNow('nope', 100)).rejects.toThrow(/no order nope/);
});
