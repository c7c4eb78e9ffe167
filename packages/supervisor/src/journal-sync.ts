/**
 * Keeps the order book in step with tp-manager's journal: at start, whenever tp-manager comes back, and
 * every few seconds. It fetches the entries the order book lacks (a supervisor that crashed during a
 * payment, a late terminal answer), then settles attempts of earlier runs that tp-manager never saw.
 */
import type { OrderBook } from './order-book';
import type { OrderRecorder, ServiceLogger } from './order-recorder';
import { failureResponse } from './order-response';
import { expectReply, type TpManagerClient } from './tp-client';

/** Where the sync stopped in tp-manager's journal (its seq), kept in the order book's settings. */
const CURSOR = 'journal_seq';

/** An attempt younger than this may still be on its way to tp-manager: it is not judged yet. */
const IN_FLIGHT_MS = 15_000;

export class JournalSync {
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;

  constructor(
    private readonly orders: OrderBook,
    private readonly tp: TpManagerClient,
    private readonly recorder: OrderRecorder,
    private readonly logger: ServiceLogger,
    /** The payment this supervisor is waiting for right now: its own reply records it. */
    private readonly activeCommandId: () => string | undefined,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.tp.on('up', () => void this.sync());
    const loop = () => {
      this.timer = setTimeout(() => void this.sync().finally(loop), this.intervalMs);
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
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
        const { entries } = expectReply(await this.tp.call({ type: 'journal-since', after, limit: 200 }), 'journal-since');
        for (const entry of entries) {
          const changed = this.recorder.record(entry);
          if (changed) this.logger.info(`recorded from tp-manager's journal orderId=${entry.orderId} outcome=${entry.result?.outcome}`);
        }
        if (entries.length === 0) break;
        this.orders.setSetting(CURSOR, String(entries[entries.length - 1]!.seq));
      }
      for (const record of this.orders.inProgress()) {
        if (record.commandId === this.activeCommandId()) continue;
        if (Date.now() - Date.parse(record.updatedAt) < IN_FLIGHT_MS) continue;
        const { entry } = expectReply(await this.tp.call({ type: 'journal-get', commandId: record.commandId }), 'journal-get');
        if (entry?.state === 'done') this.recorder.record(entry);
        else if (!entry) {
          this.orders.fail(record.orderId, record.commandId, failureResponse(record.order, 'the payment never reached tp-manager; nothing was charged'));
          this.logger.warn(`payment orderId=${record.orderId} never reached tp-manager; marked failed`);
        }
      }
    } catch (err) {
      this.logger.warn(`journal sync with tp-manager failed: ${(err as Error).message}; will retry`);
    }
  }
}
