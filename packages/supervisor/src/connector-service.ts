/**
 * The connector's core behind the local API: order book first, then tp-manager, then the HiPay outbox.
 * Nothing is answered before it is written; a payment is sent to tp-manager once per attempt; a result that
 * arrives by another way (journal sync after a crash, a late terminal answer) is recorded the same way.
 */
import { randomUUID } from 'node:crypto';
import { ConnectorError, currencyByNumeric, type CheckStatus, type JournalEntry, type Reply, type TlcResult } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import type { ConnectorService, HealthReport, StoredOrder, VersionInfo } from './service';
import type { OrderBook, OrderRecord } from './order-book';
import type { TpManagerClient } from './tp-client';
import { buildOrderResponse, echo } from './order-response';

/** What the service needs of the HiPay outbox (hipay/outbox.ts). */
export interface OrderDelivery {
  add(order: {
    orderId: string;
    amount: number;
    currency: ValidatedOrder['currency'];
    authorisationNumber?: string;
    customer?: ValidatedOrder['customer'];
    basketItems?: ValidatedOrder['basketItems'];
    customData?: ValidatedOrder['customData'];
  }): void;
  deliverNow(orderId: string, boundMs: number): Promise<boolean>;
  status(orderId: string): StoredOrder['hipay'] | undefined;
  counts(): { pending: number; refused: number; delivered?: number };
}

export interface ServiceLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object): void;
}

export interface ServiceOptions {
  paymentTimeoutMs: number;
  hipayTimeoutMs: number;
  version: string;
  /** How often to fetch journal entries the order book lacks. */
  syncIntervalMs?: number;
}

const CURSOR = 'journal_seq';

export class Connector implements ConnectorService {
  private active?: { orderId: string; commandId: string };
  private syncTimer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private readonly startedAt = Date.now();

  constructor(
    private readonly orders: OrderBook,
    private readonly tp: TpManagerClient,
    private readonly delivery: OrderDelivery,
    private readonly logger: ServiceLogger,
    private readonly options: ServiceOptions,
  ) {}

  /** True while a payment of this supervisor waits for the terminal (maintenance waits for it to end). */
  get paymentInProgress(): boolean {
    return this.active !== undefined;
  }

  /** Keeps the order book in step with tp-manager's journal: at start, when tp-manager comes back, and every few seconds. */
  startSync(): void {
    this.tp.on('up', () => void this.sync());
    const loop = () => {
      this.syncTimer = setTimeout(() => void this.sync().finally(loop), this.options.syncIntervalMs ?? 2000);
    };
    loop();
  }

  stopSync(): void {
    clearTimeout(this.syncTimer);
  }

  async order(order: ValidatedOrder): Promise<OrderResponse> {
    const existing = this.orders.get(order.orderId);
    if (existing?.state === 'paid') return this.withDelivery(existing);
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
    this.active = { orderId: order.orderId, commandId };
    try {
      return await this.pay(order, commandId);
    } finally {
      this.active = undefined;
    }
  }

  private async pay(order: ValidatedOrder, commandId: string): Promise<OrderResponse> {
    let reply: Reply;
    try {
      reply = await this.tp.payment(
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
      );
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'not-connected') {
        // Never sent: the order may be paid again at once.
        this.orders.fail(order.orderId, commandId, failure(order, err.message));
        this.logger.error(`payment orderId=${order.orderId} not sent: ${err.message}`, { orderId: order.orderId });
        throw err;
      }
      const message = `${(err as Error).message}; ask GET /order/${order.orderId} in a moment`;
      this.logger.error(`payment orderId=${order.orderId} outcome unknown: ${message}`, { orderId: order.orderId });
      throw new ConnectorError('outcome-unknown', message);
    }
    if (!reply.ok) {
      this.orders.fail(order.orderId, commandId, { ...failure(order, reply.message) });
      throw new ConnectorError(reply.code, reply.message);
    }
    if (reply.type !== 'payment') throw new ConnectorError('internal', `tp-manager answered a payment with ${reply.type}`);

    this.record(reply.entry);
    const record = this.orders.get(order.orderId)!;
    const result = reply.entry.result!;
    if (result.connectorCode === 'terminal-timeout') throw new ConnectorError('terminal-timeout', 'Connection time out');
    if (result.connectorCode === 'line-lost') {
      throw new ConnectorError('outcome-unknown', `${result.reason}; ask GET /order/${order.orderId} for the terminal's answer`);
    }
    if (result.connectorCode === 'not-connected' || result.connectorCode === 'send-failed') {
      throw new ConnectorError('not-connected', `Connection time out: ${result.reason ?? 'terminal not connected'}`);
    }
    if (record.state === 'paid') {
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
    return {
      response: record.response && { ...record.response, notificationHipaySent: hipay.state === 'delivered' },
      state: record.state === 'in-progress' ? 'in-progress' : record.state === 'unknown' ? 'outcome-unknown' : 'done',
      hipay,
    };
  }

  async cancel(): Promise<OrderResponse[]> {
    const reply = await this.tp.call({ type: 'cancel' });
    const ok = expect(reply, 'cancel');
    if (!ok.cancelled || !ok.entry) return [];
    this.record(ok.entry);
    const record = this.orders.get(ok.entry.orderId);
    return record?.response ? [record.response] : [];
  }

  async stop(): Promise<void> {
    expect(await this.tp.call({ type: 'stop' }), 'stop');
  }

  async reset(): Promise<void> {
    expect(await this.tp.call({ type: 'reset' }), 'reset');
  }

  async version(): Promise<VersionInfo> {
    const { version } = expect(await this.tp.call({ type: 'version' }), 'version');
    return { version, type: 'tpa', os: version.split('-tpa-')[1] ?? process.platform };
  }

  async deviceId(): Promise<string> {
    return expect(await this.tp.call({ type: 'device-id' }), 'device-id').deviceId;
  }

  async tlc(): Promise<TlcResult> {
    return expect(await this.tp.call({ type: 'tlc' }), 'tlc').result;
  }

  async check(): Promise<CheckStatus> {
    return expect(await this.tp.call({ type: 'check' }), 'check').status;
  }

  async health(): Promise<HealthReport> {
    let tpManager: HealthReport['tpManager'] = { reachable: false };
    try {
      const ping = expect(await this.tp.call({ type: 'ping' }, 1500), 'ping');
      tpManager = { reachable: true, link: ping.link, busy: ping.busy };
    } catch {
      // reported as unreachable
    }
    const counts = this.delivery.counts();
    return {
      supervisor: { pid: process.pid, uptimeS: Math.round((Date.now() - this.startedAt) / 1000), version: this.options.version },
      tpManager,
      outbox: { pending: counts.pending, refused: counts.refused },
    };
  }

  /** Fetches journal entries not yet recorded, then settles attempts of earlier runs tp-manager never saw. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    if (!this.tp.up) return;
    try {
      for (;;) {
        const after = Number(this.orders.getSetting(CURSOR) ?? '0');
        const { entries } = expect(await this.tp.call({ type: 'journal-since', after, limit: 200 }), 'journal-since');
        for (const entry of entries) {
          const changed = this.record(entry);
          if (changed) this.logger.info(`recorded from tp-manager's journal orderId=${entry.orderId} outcome=${entry.result?.outcome}`);
        }
        if (entries.length === 0) break;
        this.orders.setSetting(CURSOR, String(entries[entries.length - 1]!.seq));
      }
      for (const record of this.orders.inProgress()) {
        if (record.commandId === this.active?.commandId) continue;
        if (Date.now() - Date.parse(record.updatedAt) < 15_000) continue; // a command may still be on its way
        const { entry } = expect(await this.tp.call({ type: 'journal-get', commandId: record.commandId }), 'journal-get');
        if (entry?.state === 'done') this.record(entry);
        else if (!entry) {
          this.orders.fail(record.orderId, record.commandId, failure(record.order, 'the payment never reached tp-manager; nothing was charged'));
          this.logger.warn(`payment orderId=${record.orderId} never reached tp-manager; marked failed`);
        }
      }
    } catch (err) {
      this.logger.warn(`journal sync with tp-manager failed: ${(err as Error).message}; will retry`);
    }
  }

  /** Records a journal entry; a newly paid order goes to the HiPay outbox. */
  private record(entry: JournalEntry): OrderRecord | undefined {
    return this.orders.transaction(() => this.recordInTransaction(entry));
  }

  /** The paid order and its outbox row are written together: one commit. */
  private recordInTransaction(entry: JournalEntry): OrderRecord | undefined {
    if (!this.orders.hasAttempt(entry.id)) this.adopt(entry);
    const changed = this.orders.record(entry, (order, e) => buildOrderResponse(order, e));
    if (changed?.state === 'paid') {
      const { order } = changed;
      try {
        this.delivery.add({
          orderId: order.orderId,
          amount: order.amount,
          currency: order.currency,
          authorisationNumber: entry.result?.authorisationNumber,
          customer: order.customer,
          basketItems: order.basketItems,
          customData: order.customData,
        });
      } catch (err) {
        // The payment is recorded whatever happens to its HiPay order: never roll back a paid order.
        this.logger.error(`order ${order.orderId} is paid but could not be queued for HiPay: ${(err as Error).message}`, { orderId: order.orderId });
      }
    }
    return changed;
  }

  /**
   * A terminal transaction the order book never heard of (supervisor.db lost its last writes in a power
   * cut, or was deleted): tp-manager's journal is the record that money moved, so the order is rebuilt from
   * it (without basket and customer, which only the lost request had) and goes to HiPay like any other.
   */
  private adopt(entry: JournalEntry): void {
    const currency = currencyByNumeric(entry.currencyNumeric);
    if (!currency) {
      this.logger.error(`journal entry ${entry.id} (orderId ${entry.orderId}) has an unknown currency ${entry.currencyNumeric}; not recorded`);
      return;
    }
    if (this.orders.get(entry.orderId)) this.orders.addAttempt(entry.orderId, entry.id, new Date(entry.receivedAt));
    else this.orders.begin({ orderId: entry.orderId, amount: entry.amount, currency }, entry.id, new Date(entry.receivedAt));
    this.logger.warn(`orderId=${entry.orderId} was missing from the order book: recorded from tp-manager's journal`, { orderId: entry.orderId });
  }

  private withDelivery(record: OrderRecord): OrderResponse {
    const hipay = this.delivery.status(record.orderId);
    return { ...record.response!, notificationHipaySent: hipay?.state === 'delivered' };
  }
}

function failure(order: ValidatedOrder, error: string): OrderResponse {
  return { status: 'Failure', error, receipt: null, ticket: null, ...echo(order), notificationHipaySent: false };
}

/** The reply of the expected type, or the ConnectorError it carries. */
function expect<T extends Reply['type' & keyof Reply] | string>(reply: Reply, type: T): Extract<Reply, { ok: true; type: T }> {
  if (!reply.ok) throw new ConnectorError(reply.code, reply.message);
  if (reply.type !== type) throw new ConnectorError('internal', `tp-manager answered ${type} with ${reply.type}`);
  return reply as Extract<Reply, { ok: true; type: T }>;
}
