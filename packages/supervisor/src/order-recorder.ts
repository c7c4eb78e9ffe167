/**
 * Records tp-manager's journal entries in the order book, whichever way they arrive (the payment's own
 * reply, or the journal sync after a crash), and queues a newly paid order for HiPay in the same commit.
 */
import { currencyByNumeric, type JournalEntry, type Logger } from '@ecr/common';
import type { ValidatedOrder } from './contract';
import { isPaid, type OrderBook, type OrderRecord } from './order-book';
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

export class OrderRecorder {
  /** Who waits for a command id's result to be recorded (a payment's wait ends whichever way it arrives). */
  private readonly waiters = new Map<string, Set<(record: OrderRecord) => void>>();

  constructor(
    private readonly orders: OrderBook,
    private readonly delivery: OrderDelivery,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  /** Records a journal entry (idempotent); returns the order when it changed. */
  record(entry: JournalEntry): OrderRecord | undefined {
    const changed = this.orders.transaction(() => this.recordInTransaction(entry));
    // After the commit: whoever is told has something durable to answer with.
    if (changed) for (const notify of [...(this.waiters.get(entry.id) ?? [])]) notify(changed);
    return changed;
  }

  /** Resolves when a result of this command id changes its order (by any path); cancel() stops listening. */
  whenRecorded(commandId: string): { recorded: Promise<OrderRecord>; cancel(): void } {
    let listener!: (record: OrderRecord) => void;
    const recorded = new Promise<OrderRecord>((resolve) => (listener = resolve));
    const set = this.waiters.get(commandId) ?? new Set();
    set.add(listener);
    this.waiters.set(commandId, set);
    const cancel = () => {
      set.delete(listener);
      if (set.size === 0 && this.waiters.get(commandId) === set) this.waiters.delete(commandId);
    };
    return { recorded: recorded.finally(cancel), cancel };
  }

  /** The paid order and its outbox row are written together: one commit. */
  private recordInTransaction(entry: JournalEntry): OrderRecord | undefined {
    const adopted = !this.orders.hasAttempt(entry.id) && this.adopt(entry);
    const changed = this.orders.record(entry, (order, e) => buildOrderResponse(order, e));
    if (changed && isPaid(changed.state) && entry.result) {
      const { order } = changed;
      const paidAsAsked = changed.state === 'paid';
      try {
        // HiPay gets what the terminal approved (money rule 4), which differs from the request for a partial approval.
        const currency = paidAsAsked ? order.currency : currencyByNumeric(entry.result.currencyNumeric);
        if (!currency) throw new Error(`the terminal approved it in currency ${entry.result.currencyNumeric}, which the connector does not know`);
        this.delivery.add({
          orderId: order.orderId,
          amount: paidAsAsked ? order.amount : entry.result.amount,
          currency,
          authorisationNumber: entry.result.authorisationNumber,
          customer: order.customer,
          // The basket adds up to the amount asked; it does not describe a partial payment.
          basketItems: paidAsAsked ? order.basketItems : undefined,
          customData: order.customData,
          ...(adopted ? { lookupFirst: true } : {}),
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
  private adopt(entry: JournalEntry): boolean {
    const currency = currencyByNumeric(entry.currencyNumeric);
    if (!currency) {
      this.logger.error(`journal entry ${entry.id} (orderId ${entry.orderId}) has an unknown currency ${entry.currencyNumeric}; not recorded`);
      return false;
    }
    if (this.orders.get(entry.orderId)) this.orders.addAttempt(entry.orderId, entry.id, new Date(entry.receivedAt));
    else this.orders.begin({ orderId: entry.orderId, amount: entry.amount, currency }, entry.id, new Date(entry.receivedAt));
    this.logger.warn(`orderId=${entry.orderId} was missing from the order book: recorded from tp-manager's journal`, { orderId: entry.orderId });
    return true;
  }
}
