/**
 * timePayments: the wrapped tp-manager port and service time each POST /order that sent a payment, and the
 * registry's text shows it by what the kiosk was told. The core is a stand-in that calls the wrapped port as
 * the real one does; tp-manager is a stand-in port; time is Date.now() moved by the test, so the shares
 * asserted are exact. What is read is the real ConnectorMetrics registry's text and the log line.
 */
import { EventEmitter } from 'node:events';
import { ConnectorError, type JournalEntry, type Reply } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from '../../src/contract';
import { ConnectorMetrics, errorOutcome, responseOutcome, timePayments } from '../../src/metrics';
import type { ConnectorService } from '../../src/service';
import type { PaymentBody, TpManagerEvents, TpManagerPort } from '../../src/tp-port';
import { fakeService, successFor } from '../http/helpers';
import { sample } from '../../../../test-support/metrics-text';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
let now = T0;

beforeEach(() => {
  now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

/** tp-manager's side: each payment answered by `answer`, which may move the clock (the customer paying). */
class StandInTp extends EventEmitter<TpManagerEvents> implements TpManagerPort {
  up = true;
  readonly payments: PaymentBody[] = [];
  answer: (body: PaymentBody) => Promise<Reply> = async (body) => paid(body, 0, 1500);

  call(): Promise<Reply> {
    return Promise.resolve({ id: 'c-1', ok: true, type: 'reset' });
  }

  payment(body: PaymentBody): Promise<Reply> {
    this.payments.push(body);
    return this.answer(body);
  }
}

/** tp-manager's reply: its journal took the command at T0+receivedMs and finished it at T0+finishedMs. */
function paid(body: PaymentBody, receivedMs: number, finishedMs?: number, outcome: 'approved' | 'declined' = 'approved'): Reply {
  const entry: JournalEntry = {
    id: body.id,
    orderId: body.orderId,
    amount: body.amount,
    currencyNumeric: body.currencyNumeric,
    state: finishedMs === undefined ? 'pending' : 'done',
    receivedAt: new Date(T0 + receivedMs).toISOString(),
    seq: 1,
    ...(finishedMs === undefined ? {} : { finishedAt: new Date(T0 + finishedMs).toISOString(), result: { outcome, amount: body.amount, currencyNumeric: body.currencyNumeric } }),
  };
  return { id: body.id, ok: true, type: 'payment', entry };
}

const ORDER: ValidatedOrder = { orderId: 'Order_1', amount: 1000, currency: { alpha: 'EUR', numeric: '978', exponent: 2 } };

interface Rig {
  tp: StandInTp;
  metrics: ConnectorMetrics;
  service: ConnectorService;
  core: ReturnType<typeof fakeService>;
  logs: { message: string; fields: unknown }[];
  /** The core's own time after tp-manager answered (order book, the bounded first HiPay try). */
  coreAfterMs: number;
}

/** A core that pays as the real one does: through the port it was given, then answers from the reply. */
function rig(): Rig {
  const tp = new StandInTp();
  const metrics = new ConnectorMetrics({ sources: { tpManagerUp: () => true, outbox: () => ({ pending: 0, refused: 0 }), outcomeUnknownOrders: () => 0 }, version: '1', kioskId: 'k', processMetrics: false });
  const logs: Rig['logs'] = [];
  const timed = timePayments<ConnectorService>(tp, metrics, { info: (message: string, fields?: unknown) => logs.push({ message, fields }) });
  const core = fakeService();
  const r: Rig = { tp, metrics, service: timed.service(core), core, logs, coreAfterMs: 400 };
  let n = 0;
  core.order.mockImplementation(async (order: ValidatedOrder): Promise<OrderResponse> => {
    const body: PaymentBody = { id: `cmd-${++n}`, type: 'payment', orderId: order.orderId, amount: order.amount, currencyNumeric: order.currency.numeric, timeoutMs: 180_000, sentAt: now };
    const reply = await timed.tp.payment(body, 181_000);
    now += r.coreAfterMs;
    if (!reply.ok) throw new ConnectorError(reply.code, reply.message);
    if (reply.type !== 'payment') throw new Error('not a payment reply');
    return reply.entry.result?.outcome === 'approved' ? successFor(order) : { ...successFor(order), status: 'Failure', notificationHipaySent: false };
  });
  return r;
}

describe('timePayments: a payment that was sent', () => {
  test("money rule 4: Success counted as success; the terminal's share from tp-manager's journal, the connector's the rest", async () => {
    const { tp, metrics, service, logs } = rig();
    tp.answer = async (body) => {
      now += 2000; // the IPC both ways and the terminal
      return paid(body, 100, 1600);
    };
    await expect(service.order(ORDER)).resolves.toMatchObject({ status: 'Success', orderId: 'Order_1' });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payments_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(1.5);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="connector"}')).toBe(0.9);
    expect(logs).toEqual([
      {
        message: 'payment orderId=Order_1 answered success in 2400 ms',
        fields: { orderId: 'Order_1', commandId: 'cmd-1', outcome: 'success', amount: 1000, currency: 'EUR', totalMs: 2400, terminalMs: 1500, connectorMs: 900 },
      },
    ]);
  });

  test('a journal entry with no finish time: the terminal share is the time the port waited', async () => {
    const { tp, metrics, service } = rig();
    tp.answer = async (body) => {
      now += 2000;
      return paid(body, 0);
    };
    await service.order(ORDER);
    const text = await metrics.text();
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(2);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="connector"}')).toBe(0.4);
  });

  test('money rule 1: a decline the terminal gave is counted as failure', async () => {
    const { tp, metrics, service } = rig();
    tp.answer = async (body) => paid(body, 0, 800, 'declined');
    await expect(service.order(ORDER)).resolves.toMatchObject({ status: 'Failure' });
    expect(sample(await metrics.text(), 'ecr_payments_total{outcome="failure"}')).toBe(1);
  });

  test('money rule 1: no answer in time is counted as outcome-unknown, the error still reaches the HTTP layer, the wait is the terminal\'s', async () => {
    const { tp, metrics, service, logs } = rig();
    tp.answer = async () => {
      now += 181_000;
      throw new ConnectorError('outcome-unknown', 'the terminal did not answer in time: the payment may have gone through');
    };
    await expect(service.order(ORDER)).rejects.toMatchObject({ code: 'outcome-unknown' });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payments_total{outcome="outcome-unknown"}')).toBe(1);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(181);
    expect(logs.map((l) => l.message)).toEqual(['payment orderId=Order_1 answered outcome-unknown in 181000 ms']);
  });

  test('tp-manager surely never got it: not-sent; tp-manager refused it (busy): refused, with no terminal share', async () => {
    const { tp, metrics, service } = rig();
    tp.answer = async () => {
      throw new ConnectorError('not-connected', 'tp-manager is not running');
    };
    await expect(service.order(ORDER)).rejects.toMatchObject({ code: 'not-connected' });
    tp.answer = async (body) => ({ id: body.id, ok: false, code: 'busy', message: 'another payment is in progress' });
    await expect(service.order({ ...ORDER, orderId: 'Order_2' })).rejects.toMatchObject({ code: 'busy' });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payments_total{outcome="not-sent"}')).toBe(1);
    expect(sample(text, 'ecr_payments_total{outcome="refused"}')).toBe(1);
    // not-sent: the port's failed wait is timed; refused: tp-manager's refusal carries no terminal time.
    expect(sample(text, 'ecr_payment_duration_seconds_count{part="terminal"}')).toBe(1);
    expect(sample(text, 'ecr_payment_duration_seconds_count{part="connector"}')).toBe(2);
  });
});

describe('timePayments: what is no payment', () => {
  test('a stored answer given again, or a 409 before anything was sent, is not counted and not logged', async () => {
    const { core, metrics, service, logs, tp } = rig();
    core.order.mockImplementationOnce(async (order) => successFor(order));
    await service.order(ORDER);
    core.order.mockImplementationOnce(async () => {
      throw new ConnectorError('in-progress', 'Order_1 is being paid right now');
    });
    await expect(service.order(ORDER)).rejects.toMatchObject({ code: 'in-progress' });
    const text = await metrics.text();
    for (const outcome of ['success', 'failure', 'outcome-unknown', 'not-sent', 'refused']) {
      expect(sample(text, `ecr_payments_total{outcome="${outcome}"}`)).toBe(0);
    }
    expect(logs).toEqual([]);
    expect(tp.payments).toEqual([]);
  });

  test('a second POST /order for the same orderId refused while the first pays does not take the first one\'s timing', async () => {
    const r = rig();
    const { tp, core, metrics, service, logs } = r;
    let release!: () => void;
    const customerDone = new Promise<void>((resolve) => (release = resolve));
    tp.answer = async (body) => {
      await customerDone;
      now += 3000;
      return paid(body, 0, 2500);
    };
    const first = service.order(ORDER);
    await new Promise((resolve) => setImmediate(resolve));
    expect(tp.payments).toHaveLength(1);
    core.order.mockImplementationOnce(async () => {
      throw new ConnectorError('in-progress', 'Order_1 is being paid right now');
    });
    await expect(service.order(ORDER)).rejects.toMatchObject({ code: 'in-progress' });
    release();
    await first;
    const text = await metrics.text();
    expect(sample(text, 'ecr_payments_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'ecr_payments_total{outcome="refused"}')).toBe(0);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(2.5);
    expect(logs.map((l) => (l.fields as { commandId: string }).commandId)).toEqual(['cmd-1']);
  });
});

describe('timePayments: everything else passes through', () => {
  test("the port's up, call, on and off are tp-manager's; the service's other methods are the core's", async () => {
    const { tp, core } = rig();
    const metrics = new ConnectorMetrics({ sources: { tpManagerUp: () => true, outbox: () => ({ pending: 0, refused: 0 }), outcomeUnknownOrders: () => 0 }, version: '1', kioskId: 'k', processMetrics: false });
    const timed = timePayments<ConnectorService>(tp, metrics);
    tp.up = false;
    expect(timed.tp.up).toBe(false);
    await expect(timed.tp.call({ type: 'reset' })).resolves.toMatchObject({ ok: true, type: 'reset' });
    const seen: string[] = [];
    const onDown = (reason: string) => seen.push(reason);
    timed.tp.on('down', onDown);
    tp.emit('down', 'no heartbeat answer for 3 s');
    timed.tp.off('down', onDown);
    tp.emit('down', 'again');
    expect(seen).toEqual(['no heartbeat answer for 3 s']);

    const service = timed.service(core);
    await expect(service.getOrder('Order_9')).rejects.toMatchObject({ code: 'not-found' });
    await expect(service.version()).resolves.toMatchObject({ type: 'tpa' });
    expect(core.getOrder).toHaveBeenCalledWith('Order_9');
  });

  test('without a logger the payment is still counted', async () => {
    const tp = new StandInTp();
    const metrics = new ConnectorMetrics({ sources: { tpManagerUp: () => true, outbox: () => ({ pending: 0, refused: 0 }), outcomeUnknownOrders: () => 0 }, version: '1', kioskId: 'k', processMetrics: false });
    const timed = timePayments<ConnectorService>(tp, metrics);
    const core = fakeService();
    core.order.mockImplementation(async (order) => {
      await timed.tp.payment({ id: 'x', type: 'payment', orderId: order.orderId, amount: order.amount, currencyNumeric: '978', timeoutMs: 1000, sentAt: now }, 2000);
      return successFor(order);
    });
    await timed.service(core).order(ORDER);
    expect(sample(await metrics.text(), 'ecr_payments_total{outcome="success"}')).toBe(1);
  });
});

describe('what the kiosk was told, as a metric label', () => {
  test('a response: Success is success, anything else failure', () => {
    expect(responseOutcome(successFor(ORDER))).toBe('success');
    expect(responseOutcome({ ...successFor(ORDER), status: 'Failure' })).toBe('failure');
  });

  test('an error by its code: not-sent, refused before the terminal, or not known (money rule 1)', () => {
    const label = (code: string) => errorOutcome(new ConnectorError(code as ConnectorError['code'], 'x'));
    expect(label('not-connected')).toBe('not-sent');
    for (const code of ['busy', 'in-progress', 'unavailable', 'bad-request', 'unsupported']) expect(label(code)).toBe('refused');
    for (const code of ['terminal-timeout', 'outcome-unknown', 'internal']) expect(label(code)).toBe('outcome-unknown');
    expect(errorOutcome(new Error('socket hang up'))).toBe('outcome-unknown');
    expect(errorOutcome(undefined)).toBe('outcome-unknown');
  });
});
