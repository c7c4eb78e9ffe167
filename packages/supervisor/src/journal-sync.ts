/**
 * Keeps the order book in step with tp-manager's journal: at start, whenever tp-manager comes back or
 * restarts, and every few seconds. It fetches the entries the order book lacks (a supervisor that crashed
 * during a payment, a late terminal answer), then settles attempts of earlier runs that tp-manager never saw.
 * The cursor belongs to one journal: when tp-manager's journal id changes (tp-manager.db was lost and
 * recreated), the sync starts again from its first entry; recording is idempotent, so that is safe.
 */
import type { OrderBook } from './order-book';
import type { OrderRecorder } from './order-recorder';
import { failureResponse } from './order-response';
import { expectReply, type TpManagerPort } from './tp-port';
import type { Logger } from '@ecr/common';

/** Where the sync stopped in tp-manager's journal (its seq), kept in the order book's settings. */
const CURSOR = 'journal_seq';
/** The id of the journal that cursor belongs to. */
const JOURNAL_ID = 'journal_id';

/** An attempt younger than this may still be on its way to tp-manager: it is not judged yet. */
const IN_FLIGHT_MS = 15_000;

export class JournalSync {
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;

  constructor(
    private readonly orders: OrderBook,
    private readonly tp: TpManagerPort,
    private readonly recorder: OrderRecorder,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    /** The payment this supervisor is waiting for right now: its own reply records it. */
    private readonly activeCommandId: () => string | undefined,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.tp.on('up', () => void this.sync());
    this.tp.on('restarted', () => void this.sync());
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
        const { entries, journalId } = expectReply(await this.tp.call({ type: 'journal-since', after, limit: 200 }), 'journal-since');
        if (journalId !== undefined && journalId !== this.orders.getSetting(JOURNAL_ID)) {
          const known = this.orders.getSetting(JOURNAL_ID);
          this.orders.transaction(() => {
            this.orders.setSetting(JOURNAL_ID, journalId);
            // A journal seen before under another id was recreated: its seqs start again. A first sight keeps
            // the cursor (a supervisor of before journal ids synced this very journal).
            if (known !== undefined) this.orders.setSetting(CURSOR, '0');
          });
          if (known !== undefined) {
            this.logger.warn(`tp-manager's journal is a new one (id ${journalId}, was ${known}): syncing it from its start`);
            if (after > 0) continue;
          }
        }
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
