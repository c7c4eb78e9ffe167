/** The journal sync: every journal entry reaches the order book, late ones too, and nothing is judged early. */
import { core, order } from './support';

/** A payment that reached tp-manager's journal in the fake, with the order book's attempt, as after a crash. */
function attempt(c: ReturnType<typeof core>, orderId: string, commandId: string, at = new Date()) {
  const o = order(orderId);
  c.orders.begin(o, commandId, at);
  c.tp.journal.set(commandId, { id: commandId, orderId, amount: o.amount, currencyNumeric: '978', state: 'pending', receivedAt: at.toISOString(), seq: 0 });
}

describe('JournalSync', () => {
  test('every entry is recorded, across pages, and the cursor ends at the last seq (money rule 5)', async () => {
    const c = core();
    for (let i = 0; i < 450; i++) {
      attempt(c, `S${i}`, `c${i}`);
      c.tp.finishInJournal({ outcome: i % 3 === 0 ? 'declined' : 'approved' }, `c${i}`);
    }
    await c.sync.sync();
    for (let i = 0; i < 450; i++) expect(c.orders.get(`S${i}`)!.state).toBe(i % 3 === 0 ? 'failed' : 'paid');
    expect(c.delivery.added).toHaveLength(300);
    expect(Number(c.orders.getSetting('journal_seq'))).toBe(Math.max(...[...c.tp.journal.values()].map((e) => e.seq)));
    expect(c.tp.calls.filter((b) => b.type === 'journal-since').length).toBeGreaterThanOrEqual(3);
  });

  test('a late answer for an order it already knows replaces the unknown outcome (money rule 3, 5)', async () => {
    const c = core();
    attempt(c, 'L1', 'c1');
    c.tp.finishInJournal({ outcome: 'error', connectorCode: 'terminal-timeout' }, 'c1');
    await c.sync.sync();
    expect(c.orders.get('L1')!.state).toBe('unknown');
    c.tp.finishInJournal({ outcome: 'approved' }, 'c1'); // the terminal's late answer: a new seq
    await c.sync.sync();
    expect(c.orders.get('L1')!.state).toBe('paid');
    expect(c.delivery.added).toEqual([expect.objectContaining({ orderId: 'L1' })]);
  });

  test('an old attempt whose journal entry is still pending is not marked failed (money rule 1)', async () => {
    const c = core();
    attempt(c, 'P1', 'c1', new Date(Date.now() - 60_000));
    await c.sync.sync();
    expect(c.orders.get('P1')!.state).toBe('in-progress');
    expect(c.tp.calls).toContainEqual(expect.objectContaining({ type: 'journal-get', commandId: 'c1' }));
  });

  test('an old attempt tp-manager never journaled is failed (nothing reached the terminal); a young one is left alone', async () => {
    const c = core();
    c.orders.begin(order('M1'), 'c1', new Date(Date.now() - 60_000));
    c.orders.begin(order('M2'), 'c2');
    await c.sync.sync();
    expect(c.orders.get('M1')).toMatchObject({ state: 'failed', response: { error: expect.stringMatching(/never reached tp-manager/) } });
    expect(c.orders.get('M2')!.state).toBe('in-progress');
  });

  test('a done entry of an old in-progress attempt is recorded by journal-get', async () => {
    const c = core();
    attempt(c, 'G1', 'c1', new Date(Date.now() - 60_000));
    c.tp.finishInJournal({ outcome: 'approved' }, 'c1');
    c.tp.journal.get('c1')!.seq = 0; // below the cursor's reach: only journal-get finds it
    c.orders.setSetting('journal_seq', '10');
    await c.sync.sync();
    expect(c.orders.get('G1')!.state).toBe('paid');
  });

  test("the connector's own payment is left to its reply", async () => {
    const c = core();
    const paying = c.connector.order(order('A1'));
    await new Promise((r) => setImmediate(r));
    // Pretend it is old: the sync would otherwise judge it.
    c.db.prepare("UPDATE orders SET updated_at = '2000-01-01T00:00:00.000Z'").run();
    c.tp.journal.clear();
    await c.sync.sync();
    expect(c.orders.get('A1')!.state).toBe('in-progress');
    c.tp.journal.set(c.tp.payments[0]!.id, { id: c.tp.payments[0]!.id, orderId: 'A1', amount: 100, currencyNumeric: '978', state: 'pending', receivedAt: '', seq: 99 });
    c.tp.answer();
    expect((await paying).status).toBe('Success');
  });

  test('a new journal id (tp-manager.db recreated): the cursor goes back to 0 and the new journal is synced from its start (issue 9 case 12)', async () => {
    const c = core();
    attempt(c, 'J1', 'c1');
    c.tp.finishInJournal({ outcome: 'approved' }, 'c1');
    for (let i = 0; i < 5; i++) c.tp.finishInJournal({ outcome: 'approved' }, 'c1'); // seqs move on
    await c.sync.sync();
    expect(c.orders.getSetting('journal_id')).toBe('journal-1');
    expect(Number(c.orders.getSetting('journal_seq'))).toBeGreaterThan(2);

    // The new journal starts at seq 1 again: a late answer there would sit below the old cursor.
    c.tp.journal.clear();
    c.tp.journalId = 'journal-2';
    attempt(c, 'J2', 'c2');
    c.tp.journal.set('c2', { ...c.tp.journal.get('c2')!, state: 'done', seq: 1, result: { outcome: 'approved', amount: 100, currencyNumeric: '978' } });
    await c.sync.sync();
    expect(c.orders.get('J2')!.state).toBe('paid');
    expect(c.orders.getSetting('journal_id')).toBe('journal-2');
    expect(c.orders.getSetting('journal_seq')).toBe('1');
    expect(c.logger.text()).toMatch(/journal is a new one \(id journal-2, was journal-1\)/);
  });

  test('the first journal id seen keeps the cursor (a supervisor of before journal ids synced this journal)', async () => {
    const c = core();
    c.orders.setSetting('journal_seq', '3');
    attempt(c, 'F1', 'c1');
    c.tp.journal.set('c1', { ...c.tp.journal.get('c1')!, state: 'done', seq: 2, result: { outcome: 'declined', amount: 100, currencyNumeric: '978' } });
    await c.sync.sync();
    expect(c.orders.getSetting('journal_seq')).toBe('3');
    expect(c.orders.getSetting('journal_id')).toBe('journal-1');
  });

  test('tp-manager away: nothing is asked, nothing changes', async () => {
    const c = core();
    c.tp.up = false;
    await c.sync.sync();
    expect(c.tp.calls).toHaveLength(0);
  });

  test('a restart of tp-manager starts a sync', async () => {
    const c = core();
    c.sync.start();
    try {
      const before = c.tp.calls.length;
      c.tp.emit('restarted', 'instance-2', 'instance-1');
      await new Promise((r) => setImmediate(r));
      expect(c.tp.calls.length).toBeGreaterThan(before);
    } finally {
      c.sync.stop();
    }
  });
});
