/**
 * The connector's core behind the local API: order book first, then tp-manager, then the HiPay outbox.
 * Nothing is answered before it is written; a payment is sent to tp-manager once per attempt; a result that
 * arrives by another way (journal-sync.ts: after a crash, a late terminal answer) is recorded the same way
 * (order-recorder.ts).
 */
import { randomUUID } from 'node:crypto';
import { CONNECTION_TIME_OUT, ConnectorError, type CheckStatus, type JournalEntry, type Reply, type TlcResult, type Logger } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import type { ConnectorService, HealthReport, StoredOrder, UnattributedSummary, VersionInfo } from './service';
import { isPaid, type OrderBook, type OrderRecord } from './order-book';
import { expectReply, TpManagerRestarted, type TpManagerPort } from './tp-port';
import { describeMoney, failureResponse } from './order-response';
import type { OrderDelivery, OrderRecorder } from './order-recorder';

export interface ServiceOptions {
  paymentTimeoutMs: number;
  hipayTimeoutMs: number;
  version: string;
  /** Pause between two journal look-ups while settling a payment whose reply was lost (default 500 ms). */
  settlePollMs?: number;
}

/** How a payment's wait ended: tp-manager's reply, the order book recording its result first, or an error. */
type Ending = { kind: 'reply'; reply: Reply } | { kind: 'recorded'; record: OrderRecord } | { kind: 'error'; err: unknown };

/** GET /order/{orderId}'s orderState of each order book state. */
const ORDER_STATE: Record<OrderRecord['state'], StoredOrder['state']> = {
  'in-progress': 'in-progress',
  paid: 'done',
  'paid-other-amount': 'paid-other-amount',
  failed: 'done',
  unknown: 'outcome-unknown',
};

/** How many unattributed terminal answers GET /health lists (newest first). */
const HEALTH_UNATTRIBUTED = 5;

export class Connector implements ConnectorService {
  private active?: { orderId: string; commandId: string; settled: Promise<OrderResponse | undefined> };
  private readonly startedAt = Date.now();

  constructor(
    private readonly orders: OrderBook,
    private readonly tp: TpManagerPort,
    private readonly delivery: OrderDelivery,
    private readonly recorder: OrderRecorder,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly options: ServiceOptions,
  ) {}

  /** True while a payment of this supervisor waits for the terminal (maintenance waits for it to end). */
  get paymentInProgress(): boolean {
    return this.active !== undefined;
  }

  /** The command id of the payment this supervisor is waiting for, if any (the journal sync leaves it alone). */
  get activeCommandId(): string | undefined {
    return this.active?.commandId;
  }

  async order(order: ValidatedOrder): Promise<OrderResponse> {
    const existing = this.orders.get(order.orderId);
    if (existing && existing.state !== 'failed') this.refuseOtherContents(existing, order);
    if (existing && isPaid(existing.state)) return this.withDelivery(existing);
    if (existing?.state === 'in-progress') {
      throw new ConnectorError('in-progress', `order ${order.orderId} is being paid right now; ask GET /order/${order.orderId} for its outcome`);
    }
    if (existing?.state === 'unknown') {
      throw new ConnectorError(
        'in-progress',
        `the terminal got order ${order.orderId} but its answer never came, so the card may have been charged: it is not paid again. ` +
          `GET /order/${order.orderId} shows the terminal's answer when it comes; use a new orderId for a new payment`,
      );
    }
    if (this.active) throw new ConnectorError('busy', `another payment is in progress (orderId ${this.active.orderId})`);

    const commandId = randomUUID();
    const begun = this.orders.begin(order, commandId);
    if (!begun.started) return this.order(order);
    const paying = this.pay(order, commandId);
    this.active = { orderId: order.orderId, commandId, settled: paying.then((r) => r, () => undefined) };
    try {
      return await paying;
    } finally {
      this.active = undefined;
    }
  }

  /** One orderId, one order: the same orderId with another amount or currency is refused, naming what is stored. */
  private refuseOtherContents(existing: OrderRecord, order: ValidatedOrder): void {
    const stored = existing.order;
    if (stored.amount === order.amount && stored.currency.numeric === order.currency.numeric) return;
    const what: Record<Exclude<OrderRecord['state'], 'failed'>, string> = {
      paid: 'was already paid',
      'paid-other-amount': 'was already paid (in part)',
      'in-progress': 'is being paid right now',
      unknown: 'reached the terminal and its outcome is not known yet',
    };
    throw new ConnectorError(
      'in-progress',
      `order ${order.orderId} ${what[existing.state as keyof typeof what]}: ${describeMoney(stored.amount, stored.currency.numeric)}; ` +
        `this request asks ${describeMoney(order.amount, order.currency.numeric)}. Use a new orderId for a new payment`,
    );
  }

  private async pay(order: ValidatedOrder, commandId: string): Promise<OrderResponse> {
    const deadline = Date.now() + this.options.paymentTimeoutMs + 10_000;
    // Whichever comes first ends the wait: tp-manager's reply, or the result reaching the order book another
    // way (the journal sync, e.g. after tp-manager restarted and the reply is lost).
    const recorded = this.recorder.whenRecorded(commandId);
    let ending: Ending;
    try {
      ending = await Promise.race([
        this.tp
          .payment(
            {
              id: commandId,
              type: 'payment',
              orderId: order.orderId,
              amount: order.amount,
              currencyNumeric: order.currency.numeric,
              timeoutMs: this.options.paymentTimeoutMs,
              sentAt: Date.now(),
            },
            this.options.paymentTimeoutMs + 10_000,
          )
          .then((reply): Ending => ({ kind: 'reply', reply }), (err: unknown): Ending => ({ kind: 'error', err })),
        recorded.recorded.then((record): Ending => ({ kind: 'recorded', record })),
      ]);
    } finally {
      recorded.cancel();
    }

    if (ending.kind === 'recorded') return this.answer(order, ending.record, undefined);
    if (ending.kind === 'error') {
      const err = ending.err;
      if (err instanceof ConnectorError && err.code === 'not-connected') {
        // Never sent: the order may be paid again at once.
        this.orders.fail(order.orderId, commandId, failureResponse(order, err.message));
        this.logger.error(`payment orderId=${order.orderId} not sent: ${err.message}`, { orderId: order.orderId, commandId, outcome: 'not-sent' });
        throw err;
      }
      return this.settleFromJournal(order, commandId, err as Error, deadline);
    }
    const { reply } = ending;
    if (!reply.ok) {
      // tp-manager refused it before the terminal (busy, journal not writable...): nothing was charged.
      this.orders.fail(order.orderId, commandId, failureResponse(order, reply.message));
      throw new ConnectorError(reply.code, reply.message);
    }
    if (reply.type !== 'payment') throw new ConnectorError('internal', `tp-manager answered a payment with ${reply.type}`);
    this.recorder.record(reply.entry);
    return this.answer(order, this.orders.get(order.orderId)!, reply.entry);
  }

  /**
   * The reply was lost (tp-manager restarted, stopped answering, or the wait ran out): tp-manager's journal
   * says what became of the command. The kiosk gets the terminal's answer if the journal has it, else 599.
   */
  private async settleFromJournal(order: ValidatedOrder, commandId: string, cause: Error, deadline: number): Promise<OrderResponse> {
    const unknown = (why: string) => {
      const message = `${why}; ask GET /order/${order.orderId} in a moment`;
      this.logger.error(`payment orderId=${order.orderId} outcome unknown: ${message}`, { orderId: order.orderId, commandId, outcome: 'outcome-unknown' });
      return new ConnectorError('outcome-unknown', message);
    };
    const why = cause instanceof TpManagerRestarted ? `${cause.message}: the payment's outcome is not known yet` : cause.message;
    for (;;) {
      let entry: JournalEntry | undefined;
      try {
        ({ entry } = expectReply(await this.tp.call({ type: 'journal-get', commandId }, 2000), 'journal-get'));
      } catch {
        throw unknown(why);
      }
      if (entry?.state === 'done') {
        this.recorder.record(entry);
        const record = this.orders.get(order.orderId)!;
        if (record.state === 'in-progress' || record.commandId !== commandId) throw unknown(why);
        this.logger.info(`payment orderId=${order.orderId} settled from tp-manager's journal after: ${why}`, {
          orderId: order.orderId,
          commandId,
          outcome: record.state,
        });
        return this.answer(order, record, entry);
      }
      // Not journaled: it may still be on its way; the journal sync settles it. Pending after a restart:
      // the new process runs it (it got the command), so its answer is worth waiting for, up to the deadline.
      if (!entry || !(cause instanceof TpManagerRestarted) || Date.now() >= deadline) throw unknown(why);
      const record = this.orders.get(order.orderId);
      if (record && record.state !== 'in-progress') return this.answer(order, record, undefined);
      await new Promise((r) => setTimeout(r, this.options.settlePollMs ?? 500));
    }
  }

  /** The kiosk's answer from the recorded order (and the journal entry when there is one). */
  private async answer(order: ValidatedOrder, record: OrderRecord, entry: JournalEntry | undefined): Promise<OrderResponse> {
    const result = entry?.result;
    if (result?.connectorCode === 'terminal-timeout') throw new ConnectorError('terminal-timeout', CONNECTION_TIME_OUT);
    if (result?.connectorCode === 'not-connected' || result?.connectorCode === 'send-failed') {
      throw new ConnectorError('not-connected', `${CONNECTION_TIME_OUT}: ${result.reason ?? 'terminal not connected'}`);
    }
    if (record.state === 'unknown') {
      const reason = result?.reason ?? record.response?.error ?? "the terminal's answer was not received";
      throw new ConnectorError('outcome-unknown', `${reason}; ask GET /order/${order.orderId} for the terminal's answer`);
    }
    if (isPaid(record.state)) {
      const delivered = await this.delivery.deliverNow(order.orderId, this.options.hipayTimeoutMs).catch(() => false);
      // Not stored: every reader of a paid order takes notificationHipaySent from the outbox (withDelivery, getOrder).
      return { ...record.response!, notificationHipaySent: delivered };
    }
    return record.response!;
  }

  async getOrder(orderId: string): Promise<StoredOrder> {
    const record = this.orders.get(orderId);
    if (!record) throw new ConnectorError('not-found', `no order with orderId ${orderId}`);
    const hipay = this.delivery.status(orderId) ?? { state: 'not-needed' as const, attempts: 0 };
    const stored: StoredOrder = {
      response: record.response && { ...record.response, notificationHipaySent: hipay.state === 'delivered' },
      state: ORDER_STATE[record.state],
      hipay,
    };
    // The payment running now: what the terminal shows, when its protocol says (ZVT). Never delays the answer long.
    if (record.state === 'in-progress' && this.active?.orderId === orderId) {
      const display = await this.terminalDisplay();
      if (display) stored.display = display;
    }
    return stored;
  }

  /**
   * Asks tp-manager to abort the payment at the terminal. Concert cannot: tp-manager answers 'unsupported'
   * (501) and the payment goes on until the terminal's own answer, which the running POST /order still gets
   * (money rule 1: no Failure the terminal never gave). Where the protocol can abort (ZVT), the abort is sent
   * and this answers with the payment's end, which is whatever the terminal answered.
   */
  async cancel(): Promise<OrderResponse[]> {
    const active = this.active;
    const ok = expectReply(await this.tp.call({ type: 'cancel' }), 'cancel');
    if (ok.entry) this.recorder.record(ok.entry);
    if (!ok.cancelled) return [];
    if (active && (!ok.entry || ok.entry.id === active.commandId)) {
      const response = await active.settled;
      return response ? [response] : [];
    }
    const record = ok.entry && this.orders.get(ok.entry.orderId);
    return record?.response ? [record.response] : [];
  }

  /** Refused while a payment runs (money rule 2 and 1: its answer must still reach the kiosk and the journal). */
  async stop(): Promise<void> {
    if (this.active) {
      throw new ConnectorError('busy', `a payment is in progress (orderId ${this.active.orderId}): tp-manager is not stopped; ask again when it has ended`);
    }
    expectReply(await this.tp.call({ type: 'stop' }), 'stop');
  }

  async reset(): Promise<void> {
    expectReply(await this.tp.call({ type: 'reset' }, this.terminalCommandWaitMs), 'reset');
  }

  /**
   * A command the terminal itself carries out (ZVT end of day, reset) can take as long as a payment: an end
   * of day calls the acquirer. tp-manager's own time-out ends it first; this only bounds the wait for its reply.
   */
  private get terminalCommandWaitMs(): number {
    return this.options.paymentTimeoutMs + 10_000;
  }

  async version(): Promise<VersionInfo> {
    const { version } = expectReply(await this.tp.call({ type: 'version' }), 'version');
    return { version, type: 'tpa', os: version.split('-tpa-')[1] ?? process.platform };
  }

  async deviceId(): Promise<string> {
    return expectReply(await this.tp.call({ type: 'device-id' }, this.terminalCommandWaitMs), 'device-id').deviceId;
  }

  async tlc(): Promise<TlcResult> {
    return expectReply(await this.tp.call({ type: 'tlc' }, this.terminalCommandWaitMs), 'tlc').result;
  }

  private async terminalDisplay(): Promise<string | undefined> {
    try {
      return expectReply(await this.tp.call({ type: 'ping' }, 1000), 'ping').display;
    } catch {
      return undefined;
    }
  }

  /** display: what the terminal shows during a payment, when its protocol reports it (ZVT 04 FF). */
  async check(): Promise<CheckStatus & { display?: string }> {
    const { status, display } = expectReply(await this.tp.call({ type: 'check' }), 'check');
    return display ? { ...status, display } : status;
  }

  async health(): Promise<HealthReport> {
    let tpManager: HealthReport['tpManager'] = { reachable: false };
    try {
      const ping = expectReply(await this.tp.call({ type: 'ping' }, 1500), 'ping');
      tpManager = {
        reachable: true,
        link: ping.link,
        ...(ping.linkReason !== undefined && { linkReason: ping.linkReason }),
        busy: ping.busy,
        ...(ping.journalFault !== undefined && { journalFault: ping.journalFault }),
        ...(typeof ping.unattributed === 'number' && { unattributed: ping.unattributed }),
      };
      if ((ping.unattributed ?? 0) > 0) tpManager.unattributedRecent = await this.recentUnattributed();
    } catch {
      // reported as unreachable
    }
    return {
      supervisor: { pid: process.pid, uptimeS: Math.round((Date.now() - this.startedAt) / 1000), version: this.options.version },
      tpManager,
      outbox: this.delivery.counts(),
    };
  }

  /** The newest terminal answers credited to no order, for a technician to reconcile; card numbers masked. */
  private async recentUnattributed(): Promise<UnattributedSummary[] | undefined> {
    try {
      const { answers } = expectReply(await this.tp.call({ type: 'unattributed', limit: HEALTH_UNATTRIBUTED }, 1500), 'unattributed');
      return answers.map(({ receivedAt, ref, result, why }) => ({
        receivedAt,
        ...(ref !== undefined && { ref }),
        outcome: result.outcome,
        amount: describeMoney(result.amount, result.currencyNumeric),
        // The protocol layer masks already; masking again costs nothing and survives a mistake there.
        ...(result.maskedPan !== undefined && { maskedPan: remask(result.maskedPan) }),
        ...(result.authorisationNumber !== undefined && { authorisationNumber: result.authorisationNumber }),
        why,
      }));
    } catch {
      return undefined; // the count is still shown
    }
  }



  private withDelivery(record: OrderRecord): OrderResponse {
    const hipay = this.delivery.status(record.orderId);
    return { ...record.response!, notificationHipaySent: hipay?.state === 'delivered' };
  }
}

/** At most the first 6 and last 4 digits of a card number stay visible, whatever the masker before did. */
export function remask(pan: string): string {
  const s = pan.replace(/\s/g, '');
  if (s.length < 13) return s.replace(/\d/g, 'X');
  return s.slice(0, 6) + s.slice(6, -4).replace(/\d/g, 'X') + s.slice(-4);
}
