/**
 * The journal on a real SQLite file: an id per journal, references that never repeat when the file is
 * recreated, and disk faults (a real SQLITE_FULL) that lose no terminal answer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import type { PaymentResult } from '@ecr/common';
import { ConnectorError } from '@ecr/common';
import { Journal, referenceBase } from '../src/journal';

const approved: PaymentResult = { outcome: 'approved', amount: 899, currencyNumeric: '978' };
const cmd = (id: string) => ({ id, orderId: `Order_${id}`, amount: 899, currencyNumeric: '978' });

/**
 * A full disk, for real: SQLite's own page limit makes every write that needs a new page fail with
 * SQLITE_FULL ("database or disk is full"), the error a full filesystem gives. Raising it again frees the "disk".
 */
function fillDisk(journal: Journal, full: boolean): void {
  const db = (journal as unknown as { db: Database.Database }).db;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = (db.pragma('page_count', { simple: true }) as number) + 0;
  db.pragma(`max_page_count = ${full ? pages : 1_000_000}`);
}

describe('Journal', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    file = path.join(dir, 'tp-manager.db');
  });

  test('a deleted and recreated journal has a new id, and its references are above every earlier one', async () => {
    const first = new Journal(file, 'run-1');
    const oldRefs: string[] = [];
    for (const id of ['a', 'b', 'c']) {
      oldRefs.push(first.begin(cmd(id)).ref);
      await new Promise((r) => setTimeout(r, 110)); // each payment takes more than 0.1 s
    }
    const oldId = first.id;
    first.close();
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));

    const second = new Journal(file, 'run-2');
    const newRef = second.begin(cmd('d')).ref;
    expect(second.id).not.toBe(oldId);
    expect(newRef).toMatch(/^\d{10}$/);
    for (const old of oldRefs) expect(Number(newRef)).toBeGreaterThan(Number(old));
    expect(newRef).not.toBe('0000000001');
    second.close();
  });

  test('the same journal reopened keeps its id and goes on counting references', () => {
    const first = new Journal(file, 'run-1');
    const ref1 = first.begin(cmd('a')).ref;
    const id = first.id;
    first.close();
    const again = new Journal(file, 'run-2');
    expect(again.id).toBe(id);
    expect(Number(again.begin(cmd('b')).ref)).toBe(Number(ref1) + 1);
    expect(again.get('b')!.ref).toBe(String(Number(ref1) + 1).padStart(10, '0'));
    again.close();
  });

  test('the reference base is the clock in deciseconds, 10 digits', () => {
    expect(referenceBase(new Date(1_700_000_000_000))).toBe(7_000_000_000);
  });

  test('money rule 5: the disk full when the answer comes: kept in memory, returned, written once the disk allows', () => {
    const journal = new Journal(file, 'run-1');
    journal.begin(cmd('a'));
    // Rows big enough to need new pages.
    fillDisk(journal, true);
    const bigAnswer: PaymentResult = { ...approved, ticket: Array.from({ length: 200 }, (_, i) => `ticket line ${i} `.repeat(4)) };
    const entry = journal.finish('a', bigAnswer);
    expect(entry).toMatchObject({ state: 'done', result: { outcome: 'approved' } });
    expect(journal.fault).toMatch(/database or disk is full/);
    expect(journal.get('a')!.result!.outcome).toBe('approved'); // read back from memory
    expect(journal.since(0, 10).some((e) => e.id === 'a' && e.state === 'done')).toBe(false);

    // A payment that cannot be journaled is refused (before it reaches the terminal), one line naming the cause.
    const big = { ...cmd('b'), orderId: 'O'.repeat(20_000) };
    expect(() => journal.begin(big)).toThrow(ConnectorError);
    try {
      journal.begin(big);
    } catch (err) {
      expect((err as ConnectorError).code).toBe('unavailable');
      expect((err as Error).message).toMatch(/^tp-manager's journal cannot be written \(database or disk is full.*\); the payment was refused before it reached the terminal$/);
    }
    expect(journal.flush()).toBe(false);

    fillDisk(journal, false);
    expect(journal.flush()).toBe(true);
    expect(journal.fault).toBeUndefined();
    expect(journal.since(0, 10).find((e) => e.id === 'a')!.result!.outcome).toBe('approved');
    journal.close();
    const reopened = new Journal(file, 'run-2');
    expect(reopened.get('a')!.result!.outcome).toBe('approved');
    reopened.close();
  });

  test('an unattributed answer the disk refused is listed from memory and written later', () => {
    const journal = new Journal(file, 'run-1');
    fillDisk(journal, true);
    journal.addUnattributed({ ref: '0000009999', result: { ...approved, ticket: Array.from({ length: 200 }, () => 'x'.repeat(40)) }, why: 'foreign' });
    expect(journal.unattributedCount()).toBe(1);
    expect(journal.unattributed(5)[0]).toMatchObject({ ref: '0000009999', why: 'foreign' });
    expect(journal.fault).toBeDefined();
    fillDisk(journal, false);
    expect(journal.flush()).toBe(true);
    expect(journal.unattributed(5)).toEqual([expect.objectContaining({ id: 1, ref: '0000009999' })]);
    journal.close();
  });
});
