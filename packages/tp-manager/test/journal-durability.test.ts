/**
 * The journal is what proves money moved after a power cut (money rule 5): its connection must commit to the
 * disk before tp-manager answers. WAL with synchronous FULL syncs the WAL at every commit; NORMAL or OFF may
 * lose the last answers in a power cut (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Journal } from '../src/journal';

/** The journal's own connection: synchronous is a setting of each connection, not of the file. */
function connectionOf(journal: Journal): Database.Database {
  return (journal as unknown as { db: Database.Database }).db;
}

describe('the journal on disk (money rule 5)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-durability-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('its connection reports WAL and synchronous = FULL (2), on a new file and on one reopened', () => {
    const file = path.join(dir, 'tp-manager.db');
    for (const runId of ['run-1', 'run-2']) {
      const journal = new Journal(file, runId);
      const db = connectionOf(journal);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      journal.close();
    }
    // WAL is kept by the file itself: any other connection sees it too.
    const other = new Database(file, { readonly: true });
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
  });
});
