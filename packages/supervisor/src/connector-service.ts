/**
 * The connector's core behind the local API: order book first, then tp-manager, then the HiPay outbox.
 * Nothing is answered before it is written; a payment is sent to tp-manager once per attempt; a result that
 * arrives by another way (journal-sync.ts: after a crash, a late terminal answer) is recorded the same way
 * (order-recorder.ts).
 */
import { randomUUID } from 'node:crypto';
import { CONNECTION_TIME_OUT, ConnectorError, type CheckStatus, type Reply, type TlcResult } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import type { ConnectorService, HealthReport, StoredOrder, VersionInfo } from './service';
import type { OrderBook, OrderRecord } from './order-book';
import { expectReply, type TpManagerClient } from './tp-client';
import { failureResponse } from './order-response';
import type { OrderDelivery, OrderRecorder, ServiceLogger } from './order-recorder';


export interface ServiceOptions {
  paymentTimeoutMs: number;
  hipayTimeoutMs: number;
  version: string;
}

export class Connector implements ConnectorService {
  private active?: { orderId: string; commandId: string };
  private readonly startedAt = Date.now();

  constructor(
    private readonly orders: OrderBook,
    private readonly tp: TpManagerClient,
    private readonly delivery: OrderDelivery,
    private readonly recorder: OrderRecorder,
    private readonly logger: ServiceLogger,
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
        this.orders.fail(order.orderId, commandId, failureResponse(order, err.message));
        this.logger.error(`payment orderId=${order.orderId} not sent: ${err.message}`, { orderId: order.orderId });
        throw err;
      }
      const message = `${(err as Error).message}; ask GET /order/${order.orderId} in a moment`;
      this.logger.error(`payment orderId=${order.orderId} outcome unknown: ${message}`, { orderId: order.orderId });
      throw new ConnectorError('outcome-unknown', message);
    }
    if (!reply.ok) {
      this.orders.fail(order.orderId, commandId, { ...failureResponse(order, reply.message) });
      throw new ConnectorError(reply.code, reply.message);
    }
    if (reply.type !== 'payment') throw new ConnectorError('internal', `tp-manager answered a payment with ${reply.type}`);

    this.recorder.record(reply.entry);
    const record = this.orders.get(order.orderId)!;
    const result = reply.entry.result!;
    if (result.connectorCode === 'terminal-timeout') throw new ConnectorError('terminal-timeout', CONNECTION_TIME_OUT);
    if (result.connectorCode === 'line-lost') {
      throw new ConnectorError('outcome-unknown', `${result.reason}; ask GET /order/${order.orderId} for the terminal's answer`);
    }
    if (result.connectorCode === 'not-connected' || result.connectorCode === 'send-failed') {
      throw new ConnectorError('not-connected', `${CONNECTION_TIME_OUT}: ${result.reason ?? 'terminal not connected'}`);
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
    const ok = expectReply(reply, 'cancel');
    if (!ok.cancelled || !ok.entry) return [];
    this.recorder.record(ok.entry);
    const record = this.orders.get(ok.entry.orderId);
    return record?.response ? [record.response] : [];
  }

  async stop(): Promise<void> {
    expectReply(await this.tp.call({ type: 'stop' }), 'stop');
  }

  async reset(): Promise<void> {
    expectReply(await this.tp.call({ type: 'reset' }), 'reset');
  }

  async version(): Promise<VersionInfo> {
    const { version } = expectReply(await this.tp.call({ type: 'version' }), 'version');
    return { version, type: 'tpa', os: version.split('-tpa-')[1] ?? process.platform };
  }

  async deviceId(): Promise<string> {
    return expectReply(await this.tp.call({ type: 'device-id' }), 'device-id').deviceId;
  }

  async tlc(): Promise<TlcResult> {
    return expectReply(await this.tp.call({ type: 'tlc' }), 'tlc').result;
  }

  async check(): Promise<CheckStatus> {
    return expectReply(await this.tp.call({ type: 'check' }), 'check').status;
  }

  async health(): Promise<HealthReport> {
    let tpManager: HealthReport['tpManager'] = { reachable: false };
    try {
      const ping = expectReply(await this.tp.call({ type: 'ping' }, 1500), 'ping');
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



  private withDelivery(record: OrderRecord): OrderResponse {
    const hipay = this.delivery.status(record.orderId);
    return { ...record.response!, notificationHipaySent: hipay?.state === 'delivered' };
  }
}


