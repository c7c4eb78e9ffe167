/**
 * The journal's edges, on a real SQLite file: references never a value a terminal writes whatever was sent
 * (money rule 3), always 10 digits; a journal of before journal ids counts from its rows; answers kept in
 * memory (a full disk) are listed apart from the finished payments, newest first, within the limit; a finish of
 * an unknown id writes nothing; the disk's error in one exact line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { PaymentResult } from '@ecr/common';
import { Journal } from '../src/journal';

const approved: PaymentResult = { outcome: 'approved', amount: 899, currencyNumeric: '978' };
const cmd = (id: string) => ({ id, orderId: `Order_${id}`, amount: 899, currencyNumeric: '978' });
const big = (r: PaymentResult): PaymentResult => ({ ...r, ticket: Array.from({ length: 200 }, (_, i) => `ticket line ${i} `.repeat(4)) });

/** SQLite's own page limit: every write needing a new page fails with SQLITE_FULL, as on a full disk. */
function fillDisk(journal: Journal, full: boolean): void {
  const db = (journal as unknown as { db: Database.Database }).db;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma(`max_page_count = ${full ? (db.pragma('page_count', { simple: true }) as number) : 1_000_000}`);
}

describe('Journal edges', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-edges-'));
    file = path.join(dir, 'tp-manager.db');
  });
  afterEach(() => {
    jest.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    // clock in deciseconds + rowid 1 lands on the constant a Desk/5000 simulator writes (concert/echo.ts)
    [(1_010_000_000 - 1) * 100, '6010000000'],
    // ... or on all zeros (a real Telium's blank echo)
    [(1e10 - 1) * 100, '5000000000'],
  ])('money rule 3: a reference that would be a no-echo value is moved by 5e9 (clock %d ms -> %s)', (nowMs, expected) => {
    jest.useFakeTimers({ now: nowMs, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const journal = new Journal(file, 'run-1');
    expect(journal.begin(cmd('a')).ref).toBe(expected);
    expect(journal.byRef(expected)!.id).toBe('a');
    expect(journal.get('a')!.ref).toBe(expected);
    journal.close();
  });

  test('a journal of before journal ids (rows, no meta) counts its references from its rows, 10 digits', () => {
    const first = new Journal(file, 'run-1');
    first.begin(cmd('a'));
    first.close();
    const raw = new Database(file);
    raw.exec('DELETE FROM meta');
    raw.close();
    const old = new Journal(file, 'run-2');
    expect(old.begin(cmd('b')).ref).toBe('0000000002');
    old.close();
  });

  test('finishedAt is the time of the answer; pending entries have none', () => {
    const journal = new Journal(file, 'run-1');
    journal.begin(cmd('a'), new Date('2026-01-01T00:00:00.000Z'));
    expect(journal.get('a')!.finishedAt).toBeUndefined();
    journal.finish('a', approved, new Date('2026-01-01T00:01:00.000Z'));
    expect(journal.get('a')!.finishedAt).toBe('2026-01-01T00:01:00.000Z');
    journal.close();
  });

  test('a finish of an id the journal never had writes nothing and takes no seq', () => {
    const journal = new Journal(file, 'run-1');
    journal.begin(cmd('a'));
    expect(journal.finish('nope', approved)).toBeUndefined();
    const done = journal.finish('a', approved)!;
    expect(done.seq).toBe(2); // begin took 1
    expect(journal.since(0, 10).map((e) => e.id)).toEqual(['a']);
    journal.close();
  });

  test('kept in memory on a full disk: an answer shows on its own payment only; unattributed ones are listed apart, newest first, within the limit', () => {
    const journal = new Journal(file, 'run-1');
    journal.begin(cmd('a'));
    journal.begin(cmd('b'));
    journal.addUnattributed({ result: approved, why: 'on disk, no reference' }, new Date('2026-01-01T00:00:00.000Z'));
    fillDisk(journal, true);
    journal.finish('a', big(approved));
    journal.addUnattributed({ ref: '0000009998', result: big(approved), why: 'first in memory' }, new Date('2026-01-01T00:00:01.000Z'));
    journal.addUnattributed({ result: big(approved), why: 'second in memory' }, new Date('2026-01-01T00:00:02.000Z'));
    expect(journal.get('a')).toMatchObject({ state: 'done', result: { outcome: 'approved' } });
    expect(journal.get('b')).toMatchObject({ state: 'pending', result: undefined });
    expect(journal.unattributedCount()).toBe(3);
    const listed = journal.unattributed(5);
    expect(listed.map((u) => u.why)).toEqual(['second in memory', 'first in memory', 'on disk, no reference']);
    expect(listed[0]).not.toHaveProperty('ref');
    expect(listed[1]!.ref).toBe('0000009998');
    expect(listed[2]).toEqual({ id: 1, receivedAt: '2026-01-01T00:00:00.000Z', result: approved, why: 'on disk, no reference' });
    expect(journal.unattributed(2).map((u) => u.why)).toEqual(['second in memory', 'first in memory']);
    // The disk's own words, once, naming its code.
    expect(journal.fault).toBe('3 journal write(s) kept in memory, the disk refused them: database or disk is full (SQLITE_FULL)');
    fillDisk(journal, false);
    expect(journal.flush()).toBe(true);
    expect(journal.unattributed(1).map((u) => u.why)).toEqual(['second in memory']);
    journal.close();
  });

  test('an error whose message already names its code, or has none, is said as it is', () => {
    const journal = new Journal(file, 'run-1');
    const db = (journal as unknown as { db: Database.Database }).db;
    db.close(); // every statement now throws a TypeError without a code
    expect(() => journal.begin(cmd('a'))).toThrow("tp-manager's journal cannot be written (The database connection is not open); the payment was refused before it reached the terminal");
  });
});
