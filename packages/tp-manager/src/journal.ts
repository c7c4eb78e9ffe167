/**
 * tp-manager's journal (tp-manager.db): every payment command and the terminal's result, written before
 * tp-manager answers. It is what survives a crash of either process: the supervisor fetches entries it has
 * not recorded, and a late terminal answer still lands here.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConnectorError, type JournalEntry, type PaymentResult, type UnattributedAnswer } from '@ecr/common';
import { isNoEchoReference } from '@ecr/protocol';

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

interface UnattributedRow {
  id: number;
  received_at: string;
  ref: string | null;
  result: string;
  why: string;
}

/** A write the disk refused, kept in memory until it can be made (disk full, I/O error). */
type Unwritten =
  | { kind: 'finish'; id: string; result: PaymentResult; at: Date }
  | { kind: 'unattributed'; ref: string | undefined; result: PaymentResult; why: string; at: Date };

/**
 * References go to the terminal; they must never repeat, even when tp-manager.db is deleted and created
 * again. A new journal starts its counter at the clock in deciseconds (mod 1e10, 10 digits): above every
 * reference an earlier journal could have reached, as long as its payments took more than 0.1 s each.
 */
export function referenceBase(now: Date): number {
  return Math.floor(now.getTime() / 100) % 1e10;
}

export class Journal {
  private readonly db: Database.Database;
  /** Prepared once: preparing costs more than running these one-row statements. */
  private readonly sql: Record<
    | 'byId' | 'byRef' | 'insert' | 'setRef' | 'finish' | 'since' | 'pendingEarlier' | 'bumpSeq' | 'readSeq' | 'latestOther'
    | 'addUnattributed' | 'listUnattributed' | 'countUnattributed',
    Database.Statement
  >;
  /** Id of this journal (a UUID created with the db): a new id tells the supervisor to sync from the start. */
  readonly id: string;
  private readonly refBase: number;
  private unwritten: Unwritten[] = [];
  private lastWriteError?: string;

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
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS unattributed (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        ref TEXT,
        result TEXT NOT NULL,
        why TEXT NOT NULL
      );
    `);
    // A journal made before journal ids existed keeps counting its references from its rows (base 0).
    const hasRows = this.db.prepare('SELECT 1 FROM payments LIMIT 1').get() !== undefined;
    const setMeta = this.db.prepare('INSERT OR IGNORE INTO meta VALUES (?, ?)');
    setMeta.run('journal_id', randomUUID());
    setMeta.run('ref_base', String(hasRows ? 0 : referenceBase(new Date())));
    const meta = this.db.prepare('SELECT value FROM meta WHERE name = ?');
    this.id = (meta.get('journal_id') as { value: string }).value;
    this.refBase = Number((meta.get('ref_base') as { value: string }).value);
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
      latestOther: this.db.prepare(`SELECT * FROM payments WHERE id <> ? ORDER BY rowid DESC LIMIT 1`),
      addUnattributed: this.db.prepare('INSERT INTO unattributed (received_at, ref, result, why) VALUES (?, ?, ?, ?)'),
      listUnattributed: this.db.prepare('SELECT * FROM unattributed ORDER BY id DESC LIMIT ?'),
      countUnattributed: this.db.prepare('SELECT COUNT(*) AS n FROM unattributed'),
    };
  }

  /** Set while a write the disk refused is kept in memory: one line naming the cause. */
  get fault(): string | undefined {
    if (this.unwritten.length === 0) return undefined;
    return `${this.unwritten.length} journal write(s) kept in memory, the disk refused them: ${this.lastWriteError ?? 'unknown error'}`;
  }

  /** Writes what the disk refused earlier, oldest first; stops at the first refusal. True when nothing is left. */
  flush(): boolean {
    while (this.unwritten.length > 0) {
      const next = this.unwritten[0]!;
      try {
        if (next.kind === 'finish') this.writeFinish(next.id, next.result, next.at);
        else this.sql.addUnattributed.run(next.at.toISOString(), next.ref ?? null, JSON.stringify(next.result), next.why);
      } catch (err) {
        this.lastWriteError = describeError(err);
        return false;
      }
      this.unwritten.shift();
    }
    return true;
  }

  /** Records a payment command before the terminal sees it; a repeated id returns the first entry. */
  /**
   * Throws ConnectorError 'unavailable' when the journal cannot be written: the payment must then not reach
   * the terminal (an answer could not be kept).
   */
  begin(cmd: { id: string; orderId: string; amount: number; currencyNumeric: string }, now = new Date()): BegunPayment {
    try {
      return this.db.transaction((): BegunPayment => {
        const existing = this.sql.byId.get(cmd.id) as Row | undefined;
        if (existing) return { entry: toEntry(existing), ref: existing.ref, repeated: true };
        const seq = this.nextSeq();
        const info = this.sql.insert.run(seq, cmd.id, cmd.orderId, cmd.amount, cmd.currencyNumeric, now.toISOString(), this.runId);
        const ref = this.referenceFor(Number(info.lastInsertRowid));
        this.sql.setRef.run(ref, info.lastInsertRowid);
        return { entry: this.get(cmd.id)!, ref, repeated: false };
      })();
    } catch (err) {
      const cause = describeError(err);
      this.lastWriteError = cause;
      throw new ConnectorError('unavailable', `tp-manager's journal cannot be written (${cause}); the payment was refused before it reached the terminal`);
    }
  }

  /**
   * Records the terminal's result. A real terminal answer replaces a placeholder written when nobody was
   * listening any more (interrupted, no answer), and every change gets a new seq so the supervisor syncs it.
   */
  finish(id: string, result: PaymentResult, now = new Date()): JournalEntry | undefined {
    // Order matters: an answer is never written before one the disk refused earlier.
    if (this.flush()) {
      try {
        this.writeFinish(id, result, now);
        return this.get(id);
      } catch (err) {
        this.lastWriteError = describeError(err);
      }
    }
    // Never lost: kept in memory, answered from memory, written as soon as the disk allows.
    this.unwritten.push({ kind: 'finish', id, result, at: now });
    return this.get(id);
  }

  /** Keeps a terminal answer credited to no payment (money rule 3), for reconciliation. */
  addUnattributed(answer: { ref?: string; result: PaymentResult; why: string }, now = new Date()): void {
    this.unwritten.push({ kind: 'unattributed', ref: answer.ref, result: answer.result, why: answer.why, at: now });
    this.flush();
  }

  /** Unattributed answers, newest first (those still in memory first of all). */
  unattributed(limit: number): UnattributedAnswer[] {
    const inMemory = this.unwritten
      .filter((u): u is Extract<Unwritten, { kind: 'unattributed' }> => u.kind === 'unattributed')
      .reverse()
      .map((u) => ({ id: 0, receivedAt: u.at.toISOString(), ...(u.ref !== undefined ? { ref: u.ref } : {}), result: u.result, why: u.why }));
    const rows = this.sql.listUnattributed.all(limit) as UnattributedRow[];
    return [...inMemory, ...rows.map(toUnattributed)].slice(0, limit);
  }

  unattributedCount(): number {
    return (this.sql.countUnattributed.get() as { n: number }).n + this.unwritten.filter((u) => u.kind === 'unattributed').length;
  }

  /** The most recent payment other than `id` (the one a late answer without echo may belong to). */
  latestOther(id: string): JournalEntry | undefined {
    const row = this.sql.latestOther.get(id) as Row | undefined;
    return row ? this.withUnwritten(toEntry(row)) : undefined;
  }

  get(id: string): JournalEntry | undefined {
    const row = this.sql.byId.get(id) as Row | undefined;
    return row ? this.withUnwritten(toEntry(row)) : undefined;
  }

  byRef(ref: string): JournalEntry | undefined {
    const row = this.sql.byRef.get(ref) as Row | undefined;
    return row ? this.withUnwritten(toEntry(row)) : undefined;
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

  private writeFinish(id: string, result: PaymentResult, now: Date): void {
    this.db.transaction(() => {
      if (!this.sql.byId.get(id)) return;
      this.sql.finish.run(JSON.stringify(result), now.toISOString(), this.nextSeq(), id);
    })();
  }

  /** An entry as the supervisor must see it: with the answer the disk has not taken yet. */
  private withUnwritten(entry: JournalEntry): JournalEntry {
    let last: Extract<Unwritten, { kind: 'finish' }> | undefined;
    for (const u of this.unwritten) if (u.kind === 'finish' && u.id === entry.id) last = u;
    return last ? { ...entry, state: 'done', result: last.result, finishedAt: last.at.toISOString() } : entry;
  }

  private referenceFor(rowid: number): string {
    let n = (this.refBase + rowid) % 1e10;
    // Never one of the values a terminal writes whatever was sent (concert/echo.ts): it would prove nothing.
    if (isNoEchoReference(String(n).padStart(10, '0'))) n = (n + 5e9) % 1e10;
    return String(n).padStart(10, '0');
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
    ref: row.ref,
  };
}

function toUnattributed(row: UnattributedRow): UnattributedAnswer {
  const answer: UnattributedAnswer = { id: row.id, receivedAt: row.received_at, result: JSON.parse(row.result) as PaymentResult, why: row.why };
  if (row.ref !== null) answer.ref = row.ref;
  return answer;
}

/** "database or disk is full (SQLITE_FULL)": one line naming the cause. */
function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const message = (e.message ?? String(err)).split('\n')[0];
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
