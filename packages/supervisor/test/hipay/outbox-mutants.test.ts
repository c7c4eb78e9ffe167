/**
 * What the mutation run of hipay/outbox.ts found unproven (issue 15). A unit test of the outbox alone: a real
 * SQLite database, and a scripted HiPay client (the client's own HTTP is tested in client.test.ts and, with
 * the outbox, over real HTTP in outbox.test.ts) so that each answer, its timing and the abort signal are the
 * test's. Every test protects money rule 5: a paid order is never abandoned on the way to HiPay (kept and
 * retried on the back-off, looked up when HiPay may have it) and never sent twice (marked "sending" before
 * the POST leaves; an order HiPay holds is only looked up).
 */
import Database from 'better-sqlite3';
import type { CreateOrderResult, FindTransactionResult, HipayCallOptions, HipayClient, HipayOrderFields } from '../../src/hipay';
import { HipayOutbox } from '../../src/hipay';
import { paidOrder, recordingLogger, SETTINGS, waitFor, type RecordingLogger } from './support';

type Answer<T> = T | ((signal: AbortSignal | undefined) => Promise<T>);

/** HiPay as the test scripts it: each call takes the next answer, and is counted. */
class ScriptedHipay implements HipayClient {
  readonly posts: HipayOrderFields[] = [];
  readonly lookups: string[] = [];
  readonly postAnswers: Answer<CreateOrderResult>[] = [];
  readonly lookupAnswers: Answer<FindTransactionResult>[] = [];

  async createOrder(fields: HipayOrderFields, options?: HipayCallOptions): Promise<CreateOrderResult> {
    this.posts.push(fields);
    const next = this.postAnswers.shift();
    if (next === undefined) throw new Error(`unexpected POST of ${fields.orderid}`);
    return typeof next === 'function' ? next(options?.signal) : next;
  }

  async findTransaction(orderid: string, options?: HipayCallOptions): Promise<FindTransactionResult> {
    this.lookups.push(orderid);
    const next = this.lookupAnswers.shift();
    if (next === undefined) throw new Error(`unexpected lookup of ${orderid}`);
    return typeof next === 'function' ? next(options?.signal) : next;
  }
}

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const tx = (ref = '800000000001', state = 'completed') => ({ transactionReference: ref, state });
const delivered = (ref = '800000000001'): CreateOrderResult => ({ kind: 'delivered', transaction: tx(ref), confirmedByLookup: false });
const unknown = (reason = 'HiPay answered HTTP 503'): CreateOrderResult => ({ kind: 'retryable', reason, outcomeUnknown: true });

/** A promise the test resolves, and the abort signal the call was given. */
function held<T>(): { answer: Answer<T>; resolve(value: T): void; signal(): AbortSignal | undefined } {
  let resolve!: (value: T) => void;
  let signal: AbortSignal | undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return {
    answer: (s) => {
      signal = s;
      return promise;
    },
    resolve: (value) => resolve(value),
    signal: () => signal,
  };
}

/** Answers only when the call is aborted, as HiPay that never answers. */
const untilAborted =
  <T>(result: T): Answer<T> =>
  (signal) =>
    new Promise<T>((resolve) => signal!.addEventListener('abort', () => resolve(result)));

let db: Database.Database;
let outbox: HipayOutbox | undefined;

interface Setup {
  hipay: ScriptedHipay;
  outbox: HipayOutbox;
  logger: RecordingLogger;
  /** The outbox's clock (t), and how often the outbox read it. */
  clock: { t: number; reads: number };
  tries: string[];
}

function setup(options: { idlePollMs?: number; onTry?: (kind: string) => void; backoff?: { baseMs: number; capMs: number } } = {}): Setup {
  const hipay = new ScriptedHipay();
  const logger = recordingLogger();
  const clock = { t: T0, reads: 0 };
  const tries: string[] = [];
  outbox = new HipayOutbox({
    db,
    client: hipay,
    settings: SETTINGS,
    logger,
    backoff: options.backoff ?? { baseMs: 50, capMs: 5000 },
    idlePollMs: options.idlePollMs,
    now: () => {
      clock.reads += 1;
      return clock.t;
    },
    random: () => 0.5, // no jitter: the back-off is base x 2^(attempts-1)
    onTry:
      options.onTry ??
      ((kind) => {
        tries.push(kind);
      }),
  });
  return { hipay, outbox, logger, clock, tries };
}

/** The row as stored in supervisor.db. */
const row = (orderId: string) => db.prepare('SELECT attempts, lookup_first, held, state FROM hipay_outbox WHERE order_id = ?').get(orderId);

beforeEach(() => {
  db = new Database(':memory:');
});

afterEach(async () => {
  await outbox?.stop();
  outbox = undefined;
  db.close();
});

describe('one try', () => {
  test('marked "sending" in the same write that counts it, before the POST leaves: a crash now means a lookup first', async () => {
    const { hipay, outbox, tries } = setup();
    outbox.add(paidOrder('M1'));
    expect(row('M1')).toEqual({ attempts: 0, lookup_first: 0, held: 0, state: 'pending' });
    const post = held<CreateOrderResult>();
    hipay.postAnswers.push(post.answer);
    const delivering = outbox.deliverNow('M1', 3000);
    await waitFor('the POST', () => hipay.posts.length === 1);
    expect(row('M1')).toEqual({ attempts: 1, lookup_first: 1, held: 0, state: 'pending' });
    expect(hipay.lookups).toEqual([]);
    post.resolve(delivered());
    expect(await delivering).toBe(true);
    expect(outbox.status('M1')).toEqual({ state: 'delivered', attempts: 1, transactionReference: '800000000001' });
    expect(row('M1')).toMatchObject({ lookup_first: 0 });
    expect(tries).toEqual(['delivered']);
    // Delivered: a later try asks HiPay nothing and says true.
    expect(await outbox.deliverNow('M1', 3000)).toBe(true);
    expect(hipay.posts).toHaveLength(1);
  });

  test('an unknown outcome: pending on the back-off (base x 2^(attempt-1)), the next try looks it up and does not post again', async () => {
    const { hipay, outbox, clock, logger, tries } = setup();
    outbox.add(paidOrder('M2'));
    hipay.postAnswers.push(unknown('HiPay answered HTTP 503'));
    expect(await outbox.deliverNow('M2', 3000)).toBe(false);
    expect(outbox.status('M2')).toEqual({ state: 'pending', attempts: 1, nextAttemptAt: iso(T0 + 50), lastError: 'HiPay answered HTTP 503' });
    expect(logger.at('warn')).toEqual(['HiPay delivery of order M2 failed (attempt 1): HiPay answered HTTP 503; next try in 50 ms']);

    clock.t += 1000;
    hipay.lookupAnswers.push({ kind: 'retryable', reason: 'HiPay unreachable at http://h: no answer in time (ECONNABORTED)' });
    expect(await outbox.deliverNow('M2', 3000)).toBe(false);
    expect(outbox.status('M2')).toEqual({
      state: 'pending',
      attempts: 2,
      nextAttemptAt: iso(clock.t + 100),
      lastError: 'lookup before resending: HiPay unreachable at http://h: no answer in time (ECONNABORTED)',
    });

    clock.t += 1000;
    hipay.lookupAnswers.push({ kind: 'found', transaction: tx('800000000009') });
    expect(await outbox.deliverNow('M2', 3000)).toBe(true);
    expect(outbox.status('M2')).toEqual({ state: 'delivered', attempts: 3, transactionReference: '800000000009' });
    expect(hipay.posts).toHaveLength(1);
    expect(hipay.lookups).toEqual(['M2', 'M2']);
    expect(tries).toEqual(['retryable', 'retryable', 'delivered']);
    expect(logger.at('info')).toEqual(['HiPay has order M2: transaction 800000000009 (completed, attempt 3, confirmed by lookup)']);
  });

  test('"not sent" (connection refused): the next try posts at once, no lookup', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('M3'));
    hipay.postAnswers.push({ kind: 'retryable', reason: 'HiPay unreachable at http://h: connection refused (ECONNREFUSED)', outcomeUnknown: false });
    expect(await outbox.deliverNow('M3', 3000)).toBe(false);
    hipay.postAnswers.push(delivered());
    expect(await outbox.deliverNow('M3', 3000)).toBe(true);
    expect(hipay.lookups).toEqual([]);
    expect(hipay.posts).toHaveLength(2);
  });

  test('the lookup before a resend says HiPay does not have it: posted once, with the fields of the order', async () => {
    const { hipay, outbox, logger } = setup();
    outbox.add({ ...paidOrder('M4'), lookupFirst: true });
    expect(row('M4')).toMatchObject({ lookup_first: 1 });
    hipay.lookupAnswers.push({ kind: 'not-found' });
    hipay.postAnswers.push(delivered());
    expect(await outbox.deliverNow('M4', 3000)).toBe(true);
    expect(hipay.lookups).toEqual(['M4']);
    expect(hipay.posts).toEqual([expect.objectContaining({ orderid: 'M4', amount: '8.99', currency: 'EUR' })]);
    expect(logger.at('info')).toEqual(['HiPay has order M4: transaction 800000000001 (completed, attempt 1)']);
  });

  test('the lookup shows HiPay declined it, or refuses the credentials: refused, never posted', async () => {
    const { hipay, outbox } = setup();
    outbox.add({ ...paidOrder('M5'), lookupFirst: true });
    hipay.lookupAnswers.push({ kind: 'found', transaction: { ...tx('800000000005', 'declined'), status: 113, message: 'Refused' } });
    expect(await outbox.deliverNow('M5', 3000)).toBe(false);
    expect(outbox.status('M5')).toEqual({
      state: 'refused',
      attempts: 1,
      lastError: 'HiPay declined order M5 (transaction 800000000005, state declined, status 113 Refused)',
    });
    outbox.add({ ...paidOrder('M6'), lookupFirst: true });
    hipay.lookupAnswers.push({ kind: 'refused', reason: 'HiPay answered HTTP 401: 1000001 Incorrect Credentials', code: 1000001, httpStatus: 401 });
    expect(await outbox.deliverNow('M6', 3000)).toBe(false);
    expect(outbox.status('M6')).toEqual({ state: 'refused', attempts: 1, lastError: 'HiPay answered HTTP 401: 1000001 Incorrect Credentials' });
    expect(hipay.posts).toEqual([]);
    // A refused order is not tried by deliverNow again: HiPay is not asked.
    expect(await outbox.deliverNow('M6', 3000)).toBe(false);
    expect(hipay.lookups).toEqual(['M5', 'M6']);
  });

  test('HiPay says it holds the orderid: only looked up from then on, never posted again, until the lookup shows it', async () => {
    const { hipay, outbox, clock, logger, tries } = setup();
    outbox.add(paidOrder('M7'));
    hipay.postAnswers.push({ kind: 'held', reason: 'HiPay said it has order M7 (3010004 Duplicate Order) but its lookup does not show it yet' });
    expect(await outbox.deliverNow('M7', 3000)).toBe(false);
    expect(row('M7')).toMatchObject({ held: 1, lookup_first: 1, state: 'pending' });
    expect(outbox.status('M7')).toMatchObject({ attempts: 1, nextAttemptAt: iso(T0 + 50) });
    expect(logger.at('warn')).toEqual([
      'HiPay said it has order M7 (3010004 Duplicate Order) but its lookup does not show it yet (attempt 1); never posted again, looked up again in 50 ms',
    ]);

    hipay.lookupAnswers.push({ kind: 'not-found' });
    expect(await outbox.deliverNow('M7', 3000)).toBe(false);
    expect(outbox.status('M7')).toEqual({
      state: 'pending',
      attempts: 2,
      nextAttemptAt: iso(clock.t + 100),
      lastError: 'HiPay said it has order M7 but its lookup does not show it yet',
    });
    hipay.lookupAnswers.push({ kind: 'retryable', reason: 'HiPay answered HTTP 502' });
    expect(await outbox.deliverNow('M7', 3000)).toBe(false);
    expect(outbox.status('M7')).toMatchObject({ attempts: 3, lastError: 'HiPay said it has order M7 but its lookup failed: HiPay answered HTTP 502' });
    hipay.lookupAnswers.push({ kind: 'found', transaction: tx('800000000007') });
    expect(await outbox.deliverNow('M7', 3000)).toBe(true);
    expect(outbox.status('M7')).toEqual({ state: 'delivered', attempts: 4, transactionReference: '800000000007' });
    expect(logger.at('info')).toEqual(['HiPay has order M7: transaction 800000000007 (completed, attempt 4, confirmed by lookup)']);
    expect(hipay.posts).toHaveLength(1);
    expect(tries).toEqual(['held', 'held', 'held', 'delivered']);
  });

  test('a held order whose lookup is refused is refused, not posted', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('M8'));
    hipay.postAnswers.push({ kind: 'held', reason: 'held' });
    await outbox.deliverNow('M8', 3000);
    hipay.lookupAnswers.push({ kind: 'refused', reason: 'HiPay answered HTTP 403: 1000005 Insufficient Permissions' });
    expect(await outbox.deliverNow('M8', 3000)).toBe(false);
    expect(outbox.status('M8')).toMatchObject({ state: 'refused', lastError: 'HiPay answered HTTP 403: 1000005 Insufficient Permissions' });
    expect(hipay.posts).toHaveLength(1);
  });

  test("a fault of the outbox's own (a corrupt row): kept pending, and looked up before any new POST", async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('M9'));
    db.prepare(`UPDATE hipay_outbox SET order_json = '{' WHERE order_id = 'M9'`).run();
    expect(await outbox.deliverNow('M9', 3000)).toBe(false);
    expect(outbox.status('M9')).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringMatching(/^internal error: .*JSON/) });
    expect(hipay.posts).toEqual([]);
    expect(row('M9')).toMatchObject({ lookup_first: 1 });
  });

  test('an observer that throws changes nothing for the order', async () => {
    const { hipay, outbox } = setup({
      onTry: () => {
        throw new Error('metrics broken');
      },
    });
    outbox.add(paidOrder('M10'));
    hipay.postAnswers.push(delivered());
    expect(await outbox.deliverNow('M10', 3000)).toBe(true);
    expect(outbox.status('M10')).toMatchObject({ state: 'delivered' });
  });

  test.each([
    [999, 60_000, ['999 ms', '2.0 s', '4.0 s', '8.0 s', '16 s']],
    [1000, 10_000, ['1.0 s', '2.0 s', '4.0 s', '8.0 s', '10 s']],
  ])('the back-off in the log (base %i ms): milliseconds under 1 s, one decimal under 10 s, whole seconds from 10 s', async (baseMs, capMs, shown) => {
    const { hipay, outbox, logger } = setup({ backoff: { baseMs, capMs } });
    outbox.add(paidOrder('M11'));
    for (let i = 0; i < 5; i++) hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    for (let i = 0; i < 5; i++) await outbox.deliverNow('M11', 3000);
    expect(logger.at('warn').map((l) => l.replace(/^.*next try in /, ''))).toEqual(shown);
  });

  test('status: a new order is due at once and has no error yet; an order never added has none', async () => {
    const { outbox } = setup();
    outbox.add(paidOrder('M12'));
    expect(outbox.status('M12')).toEqual({ state: 'pending', attempts: 0, nextAttemptAt: iso(T0) });
    expect(outbox.status('nope')).toBeUndefined();
  });

  test('new credentials (reconfigure) are used from the next try on', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('M13'));
    hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    await outbox.deliverNow('M13', 3000);
    const fixed = new ScriptedHipay();
    fixed.postAnswers.push(delivered());
    outbox.reconfigure(fixed, { ...SETTINGS, mid: '99999' });
    expect(await outbox.deliverNow('M13', 3000)).toBe(true);
    expect(hipay.posts).toHaveLength(1);
    expect(JSON.parse(fixed.posts[0]!.payment_product_parameters)).toMatchObject({ mid: '99999' });
  });
});

describe('deliverNow, bounded (inside POST /order)', () => {
  test('HiPay silent past the bound: the call is aborted and the order stays pending, outcome unknown', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('B1'));
    hipay.postAnswers.push(untilAborted(unknown('HiPay unreachable at http://h: gave up waiting (delivery bound reached or outbox stopping) (ERR_CANCELED)')));
    expect(await outbox.deliverNow('B1', 50)).toBe(false);
    expect(outbox.status('B1')).toMatchObject({ state: 'pending', lastError: expect.stringContaining('gave up waiting') });
  });

  test('HiPay silent on the lookup before a resend, or on the lookup of a held order: aborted at the bound too', async () => {
    const { hipay, outbox } = setup();
    outbox.add({ ...paidOrder('B3'), lookupFirst: true });
    hipay.lookupAnswers.push(untilAborted<FindTransactionResult>({ kind: 'retryable', reason: 'gave up' }));
    expect(await outbox.deliverNow('B3', 50)).toBe(false);
    expect(outbox.status('B3')).toMatchObject({ state: 'pending', lastError: 'lookup before resending: gave up' });

    outbox.add(paidOrder('B4'));
    hipay.postAnswers.push({ kind: 'held', reason: 'held' });
    await outbox.deliverNow('B4', 3000);
    hipay.lookupAnswers.push(untilAborted<FindTransactionResult>({ kind: 'retryable', reason: 'gave up' }));
    expect(await outbox.deliverNow('B4', 50)).toBe(false);
    expect(outbox.status('B4')).toMatchObject({ state: 'pending', lastError: 'HiPay said it has order B4 but its lookup failed: gave up' });
    expect(hipay.posts).toHaveLength(1);
  });

  test('stop() waits for a try of deliverNow in flight: its result is written before stop() returns', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('B5'));
    const post = held<CreateOrderResult>();
    hipay.postAnswers.push(post.answer);
    const delivering = outbox.deliverNow('B5', 5000);
    await waitFor('the POST', () => hipay.posts.length === 1);
    let stopped = false;
    const stopping = outbox.stop().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    post.resolve(delivered());
    await stopping;
    expect(outbox.status('B5')).toMatchObject({ state: 'delivered' });
    expect(await delivering).toBe(true);
  });

  test('a second deliverNow while a try runs: no second try; its own bound gives false, the try goes on', async () => {
    const { hipay, outbox } = setup();
    outbox.add(paidOrder('B2'));
    const post = held<CreateOrderResult>();
    hipay.postAnswers.push(post.answer);
    const first = outbox.deliverNow('B2', 5000);
    await waitFor('the POST', () => hipay.posts.length === 1);
    expect(await outbox.deliverNow('B2', 30)).toBe(false);
    expect(post.signal()!.aborted).toBe(false);
    const third = outbox.deliverNow('B2', 5000);
    post.resolve(delivered());
    expect(await first).toBe(true);
    expect(await third).toBe(true);
    expect(hipay.posts).toHaveLength(1);
  });

  test('an order never added: an error, HiPay not asked', async () => {
    const { hipay, outbox } = setup();
    await expect(outbox.deliverNow('X', 100)).rejects.toThrow('HiPay outbox has no order X: add() it first');
    expect(hipay.posts).toEqual([]);
  });
});

describe('the background loop', () => {
  test("stop() cuts the loop's try short (aborted), and start() again resumes", async () => {
    const { hipay, outbox, clock } = setup({ idlePollMs: 20 });
    outbox.add(paidOrder('L1'));
    hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    await outbox.deliverNow('L1', 3000); // due again at T0 + 50 by the outbox's clock
    outbox.start();
    hipay.postAnswers.push(untilAborted(unknown('gave up')));
    clock.t += 50;
    await waitFor('the loop to try L1', () => hipay.posts.length === 2);
    await outbox.stop();
    expect(outbox.status('L1')).toMatchObject({ state: 'pending', attempts: 2, lastError: 'gave up' });

    hipay.lookupAnswers.push({ kind: 'found', transaction: tx() });
    clock.t += 1000;
    outbox.start();
    await waitFor('delivered after the restart of the loop', () => outbox.status('L1')?.state === 'delivered');
    expect(hipay.posts).toHaveLength(2);
  });

  test('a clock set back (NTP): the loop sleeps no longer than its idle poll, and tries the order once it is due', async () => {
    // The default idle poll is the back-off cap when that is under 30 s.
    const { hipay, outbox, clock } = setup({ backoff: { baseMs: 50, capMs: 60 } });
    outbox.add(paidOrder('L2'));
    hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    await outbox.deliverNow('L2', 3000);
    clock.t -= 60 * 60_000; // an hour back: the order is due in an hour by this clock
    hipay.postAnswers.push(delivered());
    const reads = clock.reads;
    outbox.start();
    // The loop's first pass read the clock twice (what is due, when to wake): it is asleep now.
    await waitFor('the first pass of the loop', () => clock.reads >= reads + 2);
    clock.t = T0 + 50; // the clock put right
    await waitFor('the order tried at the next idle poll', () => outbox.status('L2')?.state === 'delivered', 3000);
  });

  test('the idle poll given (idlePollMs) is the longest sleep, whatever the back-off cap', async () => {
    const { hipay, outbox, clock } = setup({ idlePollMs: 20, backoff: { baseMs: 50, capMs: 5000 } });
    outbox.add(paidOrder('L5'));
    hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    await outbox.deliverNow('L5', 3000);
    clock.t -= 60 * 60_000;
    hipay.postAnswers.push(delivered());
    const reads = clock.reads;
    outbox.start();
    await waitFor('the first pass of the loop', () => clock.reads >= reads + 2);
    clock.t = T0 + 50;
    await waitFor('the order tried at the next idle poll', () => outbox.status('L5')?.state === 'delivered', 3000);
  });

  test('stop() in the middle of a batch: the orders after the one cut short are not tried', async () => {
    const { hipay, outbox } = setup({ idlePollMs: 60_000 });
    outbox.add(paidOrder('L6'));
    outbox.add(paidOrder('L7'));
    hipay.postAnswers.push(untilAborted(unknown('gave up')));
    outbox.start();
    await waitFor('the first POST of the batch', () => hipay.posts.length === 1);
    await outbox.stop();
    expect(hipay.posts.map((f) => f.orderid)).toEqual(['L6']);
    expect(outbox.status('L7')).toMatchObject({ state: 'pending', attempts: 0 });
  });

  test('the loop does not wait for an order deliverNow is trying: the next due order is tried meanwhile', async () => {
    const { hipay, outbox } = setup({ idlePollMs: 60_000 });
    outbox.add(paidOrder('L8'));
    outbox.add(paidOrder('L9'));
    const post = held<CreateOrderResult>();
    hipay.postAnswers.push(post.answer, delivered('800000000002'));
    const delivering = outbox.deliverNow('L8', 5000);
    await waitFor('the POST of L8', () => hipay.posts.length === 1);
    outbox.start();
    await waitFor('L9 delivered by the loop while L8 waits', () => outbox.status('L9')?.state === 'delivered', 3000);
    expect(hipay.posts.map((f) => f.orderid)).toEqual(['L8', 'L9']);
    post.resolve(delivered());
    expect(await delivering).toBe(true);
  });

  test('an order added while the loop runs is delivered by it, without deliverNow', async () => {
    const { hipay, outbox } = setup({ idlePollMs: 60_000 });
    outbox.start();
    hipay.postAnswers.push(delivered());
    outbox.add(paidOrder('L3'));
    await waitFor('delivered by the loop', () => outbox.status('L3')?.state === 'delivered', 3000);
  });

  test('a try that ends plans the next one: a retry due later is made by the loop when due', async () => {
    const { hipay, outbox, clock } = setup({ idlePollMs: 60_000 });
    outbox.start();
    hipay.postAnswers.push({ kind: 'retryable', reason: 'r', outcomeUnknown: false });
    outbox.add(paidOrder('L4'));
    await waitFor('the first try', () => outbox.status('L4')?.attempts === 1 && outbox.status('L4')?.lastError === 'r');
    hipay.postAnswers.push(delivered());
    clock.t += 50; // due now by the outbox's clock; the loop's own timer is 50 ms of real time
    await waitFor('the retry by the loop', () => outbox.status('L4')?.state === 'delivered', 3000);
  });

  test('retryRefused() puts refused orders back, looked up first, and says how many', async () => {
    const { hipay, outbox, logger } = setup({ idlePollMs: 60_000 });
    outbox.add(paidOrder('R1'));
    hipay.postAnswers.push({ kind: 'refused', reason: 'HiPay answered HTTP 401: 1000001 Incorrect Credentials' });
    await outbox.deliverNow('R1', 3000);
    outbox.start();
    hipay.lookupAnswers.push({ kind: 'found', transaction: tx() });
    expect(outbox.retryRefused()).toBe(1);
    await waitFor('delivered after the retry', () => outbox.status('R1')?.state === 'delivered', 3000);
    expect(hipay.posts).toHaveLength(1);
    expect(outbox.retryRefused()).toBe(0);
    expect(logger.at('info').filter((l) => l.startsWith('HiPay outbox:'))).toEqual(['HiPay outbox: 1 refused order(s) queued again']);
  });

  test('counts: pending, refused and delivered, with ages by the outbox clock', async () => {
    const { hipay, outbox, clock } = setup();
    outbox.add(paidOrder('C1'));
    outbox.add(paidOrder('C2'));
    hipay.postAnswers.push({ kind: 'refused', reason: 'no' });
    await outbox.deliverNow('C2', 3000);
    clock.t += 61_000;
    expect(outbox.counts()).toEqual({ pending: 1, refused: 1, delivered: 0, oldestPendingAgeS: 61, oldestRefusedAgeS: 61, lastRefusedReason: 'no' });
  });
});
