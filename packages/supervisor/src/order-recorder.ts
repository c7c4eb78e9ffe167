/**
 * Records tp-manager's journal entries in the order book, whichever way they arrive (the payment's own
 * reply, or the journal sync after a crash), and queues a newly paid order for HiPay in the same commit.
 */
import { currencyByNumeric, type JournalEntry } from '@ecr/common';
import type { ValidatedOrder } from './contract';
import type { OrderBook, OrderRecord } from './order-book';
import { buildOrderResponse } from './order-response';
import type { OutboxCounts, StoredOrder } from './service';

/** What the supervisor needs of the HiPay outbox (hipay/outbox.ts). */
export interface OrderDelivery {
  add(order: {
    orderId: string;
    amount: number;
    currency: ValidatedOrder['currency'];
    authorisationNumber?: string;
    customer?: ValidatedOrder['customer'];
    basketItems?: ValidatedOrder['basketItems'];
    customData?: ValidatedOrder['customData'];
    /**
     * Whether HiPay may already hold this order (rebuilt from tp-manager's journal after supervisor.db was
     * lost, so an earlier delivery is not known): the outbox looks it up before its first post.
     */
    lookupFirst?: boolean;
  }): void;
  deliverNow(orderId: string, boundMs: number): Promise<boolean>;
  status(orderId: string): StoredOrder['hipay'] | undefined;
  counts(): OutboxCounts;
}

export interface ServiceLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object): void;
}

export class OrderRecorder {
  constructor(
    private readonly orders: OrderBook,
    private readonly delivery: OrderDelivery,
    private readonly logger: ServiceLogger,
  ) {}

  /** Records a journal entry (idempotent); returns the order when it changed. */
  record(entry: JournalEntry): OrderRecord | undefined {
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
}
