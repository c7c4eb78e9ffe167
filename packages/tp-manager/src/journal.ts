/**
 * tp-manager's journal (tp-manager.db): every payment command and the terminal's result, written before
 * tp-manager answers. It is what survives a crash of either process: the supervisor fetches entries it has
 * not recorded, and a late terminal answer still lands here.
 */
import Database from 'better-sqlite3';
import type { JournalEntry, PaymentResult } from '@ecr/common';

interface Row {
  seq: number;
  ref: string;
  id: string;
  order_id: string;
  amount: number;
  currency_numeric: string;
  state: 'pending' | 'done';
  result: string | null;
  received_at: string;
  finished_at: string | null;
  run_id: string;
}

export interface BegunPayment {
  entry: JournalEntry;
  /** Short reference the terminal echoes (Concert private field), unique in this journal. */
  ref: string;
  /** True when this command id was already journaled: the command must not reach the terminal again. */
  repeated: boolean;
}

export class Journal {
  private readonly db: Database.Database;
  /** Prepared once: preparing costs more than running these one-row statements. */
  private readonly sql: Record<'byId' | 'byRef' | 'insert' | 'setRef' | 'finish' | 'since' | 'pendingEarlier' | 'bumpSeq' | 'readSeq', Database.Statement>;

  constructor(
    file: string,
    private readonly runId: string,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS payments (
        rowid INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL,
        ref TEXT NOT NULL UNIQUE,
        id TEXT NOT NULL UNIQUE,
        order_id TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency_numeric TEXT NOT NULL,
        state TEXT NOT NULL,
        result TEXT,
        received_at TEXT NOT NULL,
        finished_at TEXT,
        run_id TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS payments_seq ON payments(seq);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO counters VALUES ('seq', 0);
    `);
    this.sql = {
      byId: this.db.prepare('SELECT * FROM payments WHERE id = ?'),
      byRef: this.db.prepare('SELECT * FROM payments WHERE ref = ?'),
      insert: this.db.prepare(
        `INSERT INTO payments (seq, ref, id, order_id, amount, currency_numeric, state, received_at, run_id)
         VALUES (?, '', ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      setRef: this.db.prepare('UPDATE payments SET ref = ? WHERE rowid = ?'),
      finish: this.db.prepare(`UPDATE payments SET state = 'done', result = ?, finished_at = ?, seq = ? WHERE id = ?`),
      since: this.db.prepare(`SELECT * FROM payments WHERE state = 'done' AND seq > ? ORDER BY seq LIMIT ?`),
      pendingEarlier: this.db.prepare(`SELECT * FROM payments WHERE state = 'pending' AND run_id <> ? ORDER BY rowid`),
      bumpSeq: this.db.prepare(`UPDATE counters SET value = value + 1 WHERE name = 'seq'`),
      readSeq: this.db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
    };
  }

  /** Records a payment command before the terminal sees it; a repeated id returns the first entry. */
  begin(cmd: { id: string; orderId: string; amount: number; currencyNumeric: string }, now = new Date()): BegunPayment {
    return this.db.transaction((): BegunPayment => {
      const existing = this.sql.byId.get(cmd.id) as Row | undefined;
      if (existing) return { entry: toEntry(existing), ref: existing.ref, repeated: true };
      const seq = this.nextSeq();
      const info = this.sql.insert.run(seq, cmd.id, cmd.orderId, cmd.amount, cmd.currencyNumeric, now.toISOString(), this.runId);
      const ref = String(info.lastInsertRowid).padStart(10, '0');
      this.sql.setRef.run(ref, info.lastInsertRowid);
      return { entry: this.get(cmd.id)!, ref, repeated: false };
    })();
  }

  /**
   * Records the terminal's result. A real terminal answer replaces a placeholder written when nobody was
   * listening any more (interrupted, no answer), and every change gets a new seq so the supervisor syncs it.
   */
  finish(id: string, result: PaymentResult, now = new Date()): JournalEntry | undefined {
    return this.db.transaction(() => {
      const row = this.sql.byId.get(id) as Row | undefined;
      if (!row) return undefined;
      this.sql.finish.run(JSON.stringify(result), now.toISOString(), this.nextSeq(), id);
      return this.get(id);
    })();
  }

  get(id: string): JournalEntry | undefined {
    const row = this.sql.byId.get(id) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  byRef(ref: string): JournalEntry | undefined {
    const row = this.sql.byRef.get(ref) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  refOf(id: string): string | undefined {
    return (this.sql.byId.get(id) as Row | undefined)?.ref;
  }

  /** Finished entries changed after seq `after`, oldest change first. */
  since(after: number, limit: number): JournalEntry[] {
    const rows = this.sql.since.all(after, limit) as Row[];
    return rows.map(toEntry);
  }

  /** Entries still pending that an earlier run of tp-manager left behind (it stopped during a payment). */
  pendingFromEarlierRuns(): JournalEntry[] {
    const rows = this.sql.pendingEarlier.all(this.runId) as Row[];
    return rows.map(toEntry);
  }

  close(): void {
    this.db.close();
  }

  private nextSeq(): number {
    this.sql.bumpSeq.run();
    return (this.sql.readSeq.get() as { value: number }).value;
  }
}

function toEntry(row: Row): JournalEntry {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: row.amount,
    currencyNumeric: row.currency_numeric,
    state: row.state,
    result: row.result ? (JSON.parse(row.result) as PaymentResult) : undefined,
    receivedAt: row.received_at,
    finishedAt: row.finished_at ?? undefined,
    seq: row.seq,
  };
}
