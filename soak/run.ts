/**
 * npm run soak -- --payments N [--seed S]: payments through the real connector (tp-manager and supervisor
 * as child processes, the terminal simulator on a socat pseudo-terminal, the HiPay sandbox over HTTP) with
 * random faults, then the three ledgers compared (ledger.ts). Not part of npm test: it takes minutes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorUnderTest, type HttpAnswer, type ProcessName } from '../test-support/connector';
import { waitUntil } from '../test-support/net';
import { parseSoakArgs, SOAK_USAGE, type SoakOptions } from './args';
import { drawFault, terminalBehaviour, type FaultName } from './faults';
import { awaitingSettlement, compareLedgers, failedCounts, formatTable, type OrderBookEntry, type SoakOrder } from './ledger';
import { seededRandom } from './random';

const PAYMENT_TIMEOUT_S = 10;
/** A late answer comes after the connector's payment time-out. */
const LATE_DELAY_MS = (PAYMENT_TIMEOUT_S + 2) * 1000;
/** The kiosk must have its answer this long after both processes are back. */
const ANSWER_BOUND_MS = 15_000;
/** A late answer settles its order at the next journal sync (every 2 s); this bounds the wait for all of them. */
const SETTLE_BOUND_MS = 120_000;

async function main(argv: string[]): Promise<number> {
  const parsed = parseSoakArgs(argv);
  if (parsed.ok === 'help') {
    process.stdout.write(SOAK_USAGE + '\n');
    return 0;
  }
  if (!parsed.ok) {
    process.stderr.write(`soak: ${parsed.error} (--help for usage)\n`);
    return 2;
  }
  return soak(parsed.value);
}

async function soak(options: SoakOptions): Promise<number> {
  const random = seededRandom(options.seed);
  const say = (line: string): void => void process.stdout.write(line + '\n');
  say(`soak: ${options.payments} payments over ${options.protocol}, seed ${options.seed}`);
  const connector = await ConnectorUnderTest.start({ protocol: options.protocol, delayMs: 300, config: { PAYMENT_TIMEOUT_S: String(PAYMENT_TIMEOUT_S), LOG_LEVEL: 'info' } });
  const orders: SoakOrder[] = [];
  const faultsMet = new Map<FaultName, number>();
  const timeByFault = new Map<FaultName, number>();
  const runStart = Date.now();
  try {
    for (let i = 0; i < options.payments; i++) {
      const fault = drawFault(random);
      faultsMet.set(fault, (faultsMet.get(fault) ?? 0) + 1);
      const began = Date.now();
      const order = await onePayment(connector, options, random, i, fault);
      const took = Date.now() - began;
      timeByFault.set(fault, (timeByFault.get(fault) ?? 0) + took);
      orders.push(order);
      say(`${String(i + 1).padStart(4)} ${order.orderId} ${fault.padEnd(16)} -> ${order.kioskStatus ?? 'no answer'} ${order.kioskOutcome ?? ''}${order.answeredInTime ? '' : ' (LATE)'} ${(took / 1000).toFixed(1)} s`);
    }
    say('settling: waiting for the outbox to drain and late answers to land');
    const settling = Date.now();
    await settle(connector, orders);
    say(`settled in ${((Date.now() - settling) / 1000).toFixed(1)} s`);
    const book: OrderBookEntry[] = [];
    for (const o of orders) book.push(await orderBookEntry(connector, o.orderId));
    const hipay = connector.sandbox.orders().map((h) => ({ orderid: h.orderid, duplicatePosts: h.duplicatePosts }));
    const { counts, findings } = compareLedgers(orders, connector.terminalAnswers(), book, hipay);
    say('');
    say(`faults met: ${[...faultsMet.entries()].map(([f, n]) => `${f} ${n}`).join(', ')}`);
    // Where the time went: each fault's payments, summed (the run's length is mostly these).
    say(`time by fault (s): ${[...timeByFault.entries()].sort((a, b) => b[1] - a[1]).map(([f, ms]) => `${f} ${(ms / 1000).toFixed(0)}`).join(', ')}; whole run ${((Date.now() - runStart) / 60_000).toFixed(1)} min`);
    say(formatTable(counts));
    for (const [key, ids] of Object.entries(findings)) say(`${key}: ${ids!.slice(0, 20).join(', ')}${ids!.length > 20 ? ' ...' : ''}`);
    const failed = failedCounts(counts);
    if (failed.length > 0) {
      say(`soak FAILED: ${failed.join(', ')} not zero; data directory kept: ${connector.dataDir}`);
      return 1;
    }
    say('soak passed: every must-be-zero count is zero');
    return 0;
  } finally {
    await connector.close().catch(() => undefined);
  }
}

async function onePayment(connector: ConnectorUnderTest, options: SoakOptions, random: () => number, i: number, fault: FaultName): Promise<SoakOrder> {
  const orderId = `SOAK-${options.seed}-${i}`;
  const amount = 1000 + i; // unique: the terminal's ledger is matched by amount
  await connector.setTerminal(terminalBehaviour(fault, options.protocol, random, LATE_DELAY_MS));
  if (fault === 'hipay-down') connector.sandbox.setFaults({ unavailable: 'http-503' });

  const started = Date.now();
  let backAt = started + PAYMENT_TIMEOUT_S * 1000; // no restart: the bound runs from the payment's time-out
  let answer: HttpAnswer | undefined;
  let answeredAt = 0;
  let cut = false;
  const post = connector
    .post('/order', { amount, currency: 'EUR', orderId }, { timeoutMs: (PAYMENT_TIMEOUT_S + 60) * 1000 })
    .then((a) => {
      answer = a;
      answeredAt = Date.now();
    })
    .catch(() => {
      cut = true; // the connection died with the supervisor: the kiosk asks GET /order/{orderId} instead
    });

  if (fault === 'kill-tp-manager' || fault === 'kill-supervisor' || fault === 'cable-pulled') {
    const reached = await waitUntil(() => connector.terminalRequests().some((r) => r.amount === amount) || undefined, 10_000, 'the request at the terminal').catch(() => false);
    // Somewhere around the answer: before it, while it is sent, or after it.
    await sleep(Math.floor(random() * 600));
    if (fault === 'cable-pulled') {
      await connector.pullLine();
      await sleep(500);
      await connector.replugLine({ outcome: 'approve', delayMs: 300 });
    } else {
      const name: ProcessName = fault === 'kill-tp-manager' ? 'tp-manager' : 'supervisor';
      await connector.kill9(name);
      await connector.startProcess(name);
    }
    backAt = Date.now();
    if (!reached) process.stdout.write(`     (${fault}: the request had not reached the terminal within 10 s)\n`);
  }
  await post;
  if (fault === 'hipay-down') connector.sandbox.setFaults({});
  if (fault === 'late-answer') {
    // One payment at a time at the terminal: wait for the late answer before the next request.
    await waitUntil(() => connector.terminalAnswers().some((a) => a.requestAmount === amount) || undefined, LATE_DELAY_MS + 10_000, 'the late answer').catch(() => undefined);
  }
  let body = answer?.status === 200 ? (answer.body as { status?: string }[])[0] : undefined;
  if (cut) {
    // What a kiosk does after a cut connection: ask for the order until it has an answer.
    const asked = await waitUntil(
      async () => {
        const res = await connector.get(`/order/${encodeURIComponent(orderId)}`, { timeoutMs: 5000 });
        const stored = res.status === 200 ? (res.body as { status?: string; orderState?: string }[])[0] : undefined;
        return stored && stored.orderState !== 'in-progress' ? { res, stored } : undefined;
      },
      backAt + ANSWER_BOUND_MS + 5000 - Date.now(),
      'GET /order after a cut connection',
    ).catch(() => undefined);
    if (asked) {
      answer = asked.res;
      answeredAt = Date.now();
      body = asked.stored.orderState === 'outcome-unknown' ? undefined : asked.stored;
      if (asked.stored.orderState === 'outcome-unknown') answer = { ...asked.res, status: 599 };
    }
  }
  return {
    orderId,
    amount,
    kioskStatus: answer?.status,
    kioskOutcome: body?.status,
    answeredInTime: answer !== undefined && answeredAt <= backAt + ANSWER_BOUND_MS,
  };
}

/**
 * Waits (bounded) until HiPay's outbox has nothing pending and the connector owes no order an answer
 * (ledger.ts awaitingSettlement): a late answer lands in the order book at the next journal sync.
 */
async function settle(connector: ConnectorUnderTest, orders: readonly SoakOrder[]): Promise<void> {
  let waiting: string[] = [];
  await waitUntil(
    async () => {
      const health = await connector.get('/health');
      const outbox = (health.body as { outbox?: { pending?: number } }[])?.[0]?.outbox;
      if (outbox?.pending !== 0) return undefined;
      const book: OrderBookEntry[] = [];
      for (const o of orders) book.push(await orderBookEntry(connector, o.orderId));
      waiting = awaitingSettlement(orders, connector.terminalAnswers(), book);
      return waiting.length === 0 ? true : undefined;
    },
    SETTLE_BOUND_MS,
    'the outbox to drain and every answered order to be settled',
  ).catch((err: Error) => process.stdout.write(`settling: ${err.message}; still owed: ${waiting.join(', ') || 'the outbox'}\n`));
}

async function orderBookEntry(connector: ConnectorUnderTest, orderId: string): Promise<OrderBookEntry> {
  const res = await connector.get(`/order/${encodeURIComponent(orderId)}`);
  const stored = res.status === 200 ? (res.body as { orderState?: string; status?: string }[])[0] : undefined;
  return { orderId, httpStatus: res.status, orderState: stored?.orderState, status: stored?.status };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    // The first line says what failed; a process that would not start follows with its own last lines.
    const [first, ...rest] = err.message.split('\n');
    process.stderr.write(`soak: ${first}\n${rest.slice(-15).map((l) => `  | ${l}\n`).join('')}`);
    process.exit(1);
  },
);
