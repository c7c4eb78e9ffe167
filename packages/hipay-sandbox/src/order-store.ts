/** The sandbox's memory: orders by orderid (never two for one orderid) and the counters tests read. */
import type { HipayTransaction } from './transaction';

export interface ReceivedOrder {
  orderid: string;
  /** The form fields exactly as received. */
  fields: Record<string, string>;
  receivedAt: string;
  transaction: HipayTransaction;
  /** Later POSTs with this orderid, each answered as a duplicate and not stored: HiPay held it once more. */
  duplicatePosts: number;
}

export interface SandboxStats {
  /** Orders stored (one per orderid). */
  ordersStored: number;
  /** Valid POSTs for an orderid already stored: answered as a duplicate (3010004...), not stored. */
  duplicatePosts: number;
  /** Every POST /rest/v1/order that arrived, whatever its answer (401, 400, 503...). */
  postsReceived: number;
  /** Every GET /rest/v1/transaction that arrived. */
  lookupsReceived: number;
}

export class OrderStore {
  private readonly byId = new Map<string, ReceivedOrder>();
  private counters = { duplicatePosts: 0, postsReceived: 0, lookupsReceived: 0 };
  // Time-based start so references stay unique across sandbox restarts; 16 digits, within safe integers.
  private nextReference = Date.now() * 1000;

  has(orderid: string): boolean {
    return this.byId.has(orderid);
  }

  get(orderid: string): ReceivedOrder | undefined {
    return this.byId.get(orderid);
  }

  add(order: ReceivedOrder): void {
    this.byId.set(order.orderid, order);
  }

  newTransactionReference(): string {
    this.nextReference += 1;
    return String(this.nextReference);
  }

  countPost(): void {
    this.counters.postsReceived += 1;
  }

  countDuplicate(orderid: string): void {
    this.counters.duplicatePosts += 1;
    const order = this.byId.get(orderid);
    if (order) order.duplicatePosts += 1;
  }

  countLookup(): void {
    this.counters.lookupsReceived += 1;
  }

  all(): ReceivedOrder[] {
    return [...this.byId.values()].map((o) => structuredClone(o));
  }

  stats(): SandboxStats {
    return { ordersStored: this.byId.size, ...this.counters };
  }

  clear(): void {
    this.byId.clear();
    this.counters = { duplicatePosts: 0, postsReceived: 0, lookupsReceived: 0 };
  }
}
