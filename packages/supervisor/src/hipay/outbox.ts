/**
 * The durable HiPay outbox: an order is written to SQLite before anything is sent, tried once within a
 * bound while the kiosk waits (deliverNow), then retried in the background with back-off until HiPay
 * confirms it, across restarts. Nothing lost (the row survives; even a refused order, kept only for a
 * configuration problem, is tried again when the configuration changes and every hour), nothing doubled (a
 * try whose outcome is unknown is followed by a lookup before any new POST; an order HiPay says it has is
 * only looked up, never posted again; one try per order at a time).
 */
import type { Database } from 'better-sqlite3';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
import type { HipayClient } from './client';
import { buildOrderFields, type HipayMerchantSettings, type HipayOrder } from './order-fields';
import { OutboxStore, type OutboxState, type OutboxSummary } from './outbox-store';
import { transactionOutcome, type CreateOrderResult } from './results';
import type { Logger } from '@ecr/common';

export interface HipayOutboxOptions {
  /** supervisor.db, opened by the supervisor (WAL). The outbox creates its own table. */
  db: Database;
  client: HipayClient;
  settings: HipayMerchantSettings;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Back-off between tries; defaults 1 s doubling up to 5 min. */
  backoff?: Partial<BackoffSettings>;
  /** Longest sleep of the background loop when nothing is due (default: 30 s, or the cap when smaller). */
  idlePollMs?: number;
  /** How often refused orders are tried again while the loop runs (default: hourly). */
  refusedRetryMs?: number;
  now?: () => number;
  random?: () => number;
  /** Told what each delivery try came to (GET /metrics counts them). */
  onTry?: (result: CreateOrderResult['kind']) => void;
}

/** Where an order's delivery stands (GET /order/{orderId}). */
export interface HipayDeliveryStatus {
  state: OutboxState;
  attempts: number;
  /** ISO time of the next try while pending. */
  nextAttemptAt?: string;
  lastError?: string;
  transactionReference?: string;
}

const BATCH = 50;
const HOURLY = 60 * 60 * 1000;

/** What add() takes: the paid order, and whether HiPay may already hold it. */
export type OutboxEntry = HipayOrder & {
  /** An earlier delivery is not known (order rebuilt from tp-manager's journal): look it up before the first post. */
  lookupFirst?: boolean;
};

export class HipayOutbox {
  private readonly store: OutboxStore;
  private client: HipayClient;
  private settings: HipayMerchantSettings;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  private readonly backoff: BackoffSettings;
  private readonly idlePollMs: number;
  private readonly refusedRetryMs: number;
  private refusedTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly onTry: (result: CreateOrderResult['kind']) => void;
  /** The try in progress for each order: never two at once for one order. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private loopAbort = new AbortController();

  constructor(options: HipayOutboxOptions) {
    this.store = new OutboxStore(options.db);
    this.client = options.client;
    this.settings = options.settings;
    this.logger = options.logger;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.idlePollMs = options.idlePollMs ?? Math.min(30_000, this.backoff.capMs);
    this.refusedRetryMs = options.refusedRetryMs ?? HOURLY;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.onTry = options.onTry ?? (() => undefined);
  }

  /**
   * Stores the order for delivery before any try. Idempotent per orderId: a second add keeps the first row.
   * Throws (storing nothing) when the order cannot be turned into HiPay fields.
   */
  add(entry: OutboxEntry): boolean {
    const { lookupFirst, ...order } = entry;
    buildOrderFields(order, this.settings);
    const added = this.store.insert(order.orderId, JSON.stringify(order), lookupFirst === true, this.now());
    this.wake();
    return added;
  }

  /**
   * One try now, bounded by boundMs (inside POST /order, so notificationHipaySent tells the truth).
   * True when HiPay has the order. When the bound passes, the order stays pending for the background loop.
   */
  async deliverNow(orderId: string, boundMs: number): Promise<boolean> {
    if (!this.store.get(orderId)) throw new Error(`HiPay outbox has no order ${orderId}: add() it first`);
    const running = this.inFlight.get(orderId);
    if (running) return raceBound(running, boundMs);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), boundMs);
    try {
      return await this.deliver(orderId, abort.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the background loop that retries pending orders when they are due. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopAbort = new AbortController();
    this.schedule(0);
    this.refusedTimer = setInterval(() => this.retryRefused(), this.refusedRetryMs);
    this.refusedTimer.unref();
  }

  /** New credentials or merchant settings (config.txt changed): used from the next try on. */
  reconfigure(client: HipayClient, settings: HipayMerchantSettings): void {
    this.client = client;
    this.settings = settings;
  }

  /** Stops the loop; a try in progress is cut short (its order stays pending, looked up before the next POST). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearInterval(this.refusedTimer);
    this.refusedTimer = undefined;
    this.loopAbort.abort();
    await this.tick;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Puts refused orders back in the queue, looked up first (configuration changed, or hourly). Returns how many. */
  retryRefused(): number {
    const n = this.store.retryRefused(this.now());
    if (n > 0) this.logger.info(`HiPay outbox: ${n} refused order(s) queued again`);
    this.wake();
    return n;
  }

  status(orderId: string): HipayDeliveryStatus | undefined {
    const row = this.store.get(orderId);
    if (!row) return undefined;
    const status: HipayDeliveryStatus = { state: row.state, attempts: row.attempts };
    if (row.state === 'pending') status.nextAttemptAt = new Date(row.next_attempt_at).toISOString();
    if (row.last_error !== null) status.lastError = row.last_error;
    if (row.transaction_reference !== null) status.transactionReference = row.transaction_reference;
    return status;
  }

  /** Counts, ages and last reasons, for GET /health. */
  counts(): OutboxSummary {
    return this.store.summary(this.now());
  }

  private deliver(orderId: string, signal: AbortSignal): Promise<boolean> {
    const running = this.inFlight.get(orderId);
    if (running) return running;
    const attempt = this.tryOnce(orderId, signal).finally(() => {
      this.inFlight.delete(orderId);
      this.wake();
    });
    this.inFlight.set(orderId, attempt);
    return attempt;
  }

  private async tryOnce(orderId: string, signal: AbortSignal): Promise<boolean> {
    const row = this.store.get(orderId);
    if (!row || row.state === 'refused') return false;
    if (row.state === 'delivered') return true;
    // A try that POSTs at once marks "sending" in the same write that counts it (one commit, not two).
    if (row.lookup_first === 1) this.store.beginAttempt(orderId, this.now());
    else this.store.beginSending(orderId, this.now());
    const attempts = row.attempts + 1;
    let outcome: CreateOrderResult;
    try {
      outcome = row.held === 1 ? await this.lookUpHeld(orderId, signal) : await this.send(orderId, row.order_json, row.lookup_first === 1, signal);
    } catch (err) {
      // A bug or a corrupt row, not HiPay's answer: keep the order and retry later.
      outcome = { kind: 'retryable', reason: `internal error: ${(err as Error).message}`, outcomeUnknown: true };
    }
    return this.settle(orderId, attempts, outcome);
  }

  private async send(orderId: string, orderJson: string, lookupFirst: boolean, signal: AbortSignal): Promise<CreateOrderResult> {
    if (lookupFirst) {
      const found = await this.client.findTransaction(orderId, { signal });
      if (found.kind === 'found') return transactionOutcome(orderId, found.transaction, true);
      if (found.kind === 'retryable') return { ...found, reason: `lookup before resending: ${found.reason}`, outcomeUnknown: true };
      if (found.kind === 'refused') return found;
    }
    const fields = buildOrderFields(JSON.parse(orderJson) as HipayOrder, this.settings);
    if (lookupFirst) this.store.markSending(orderId, this.now());
    return this.client.createOrder(fields, { signal });
  }

  /** HiPay said it has this orderid: its lookup is the only call, never a second post. */
  private async lookUpHeld(orderId: string, signal: AbortSignal): Promise<CreateOrderResult> {
    const found = await this.client.findTransaction(orderId, { signal });
    if (found.kind === 'found') return transactionOutcome(orderId, found.transaction, true);
    if (found.kind === 'refused') return found;
    const why = found.kind === 'not-found' ? 'its lookup does not show it yet' : `its lookup failed: ${found.reason}`;
    return { kind: 'held', reason: `HiPay said it has order ${orderId} but ${why}` };
  }

  private settle(orderId: string, attempts: number, outcome: CreateOrderResult): boolean {
    const now = this.now();
    try {
      this.onTry(outcome.kind);
    } catch {
      // An observer's fault never changes what happens to the order.
    }
    switch (outcome.kind) {
      case 'delivered': {
        const ref = outcome.transaction.transactionReference;
        this.store.delivered(orderId, ref, now);
        const how = outcome.confirmedByLookup ? ', confirmed by lookup' : '';
        this.logger.info(`HiPay has order ${orderId}: transaction ${ref} (${outcome.transaction.state}, attempt ${attempts}${how})`);
        return true;
      }
      case 'retryable': {
        const delay = backoffDelay(attempts, this.backoff, this.random);
        this.store.retryLater(orderId, now + delay, outcome.reason, outcome.outcomeUnknown, now);
        this.logger.warn(`HiPay delivery of order ${orderId} failed (attempt ${attempts}): ${outcome.reason}; next try in ${formatDelay(delay)}`);
        return false;
      }
      case 'held': {
        const delay = backoffDelay(attempts, this.backoff, this.random);
        this.store.held(orderId, now + delay, outcome.reason, now);
        this.logger.warn(`${outcome.reason} (attempt ${attempts}); never posted again, looked up again in ${formatDelay(delay)}`);
        return false;
      }
      case 'refused':
        this.store.refused(orderId, outcome.reason, now);
        this.logger.error(
          `HiPay refused order ${orderId}: ${outcome.reason}. Kept: tried again, looked up first, when config.txt changes and every hour.`,
        );
        return false;
    }
  }

  /** Re-plans the loop after a change (new order, a try finished). */
  private wake(): void {
    if (!this.running || this.tick) return;
    const next = this.store.nextDueAt(new Set(this.inFlight.keys()));
    const delay = next === undefined ? this.idlePollMs : Math.min(Math.max(next - this.now(), 0), this.idlePollMs);
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick = this.runDue()
        .catch((err: unknown) => this.logger.error(`HiPay outbox loop: ${(err as Error).message}`))
        .finally(() => {
          this.tick = undefined;
          this.wake();
        });
    }, delayMs);
    // The supervisor's HTTP server keeps the process alive; the outbox alone must not.
    this.timer.unref();
  }

  private async runDue(): Promise<void> {
    for (const orderId of this.store.due(this.now(), BATCH)) {
      if (!this.running) return;
      if (this.inFlight.has(orderId)) continue;
      await this.deliver(orderId, this.loopAbort.signal);
    }
  }
}

function raceBound(attempt: Promise<boolean>, boundMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), boundMs);
    void attempt.then((ok) => {
      clearTimeout(timer);
      resolve(ok);
    });
  });
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
