/**
 * The journal sync's edges: the same journal seen again keeps its cursor (no pass from the start), a first
 * sight is no "new journal", only what changed the order book is said, and an attempt exactly 15 s old is
 * judged (money rule 1: the fifteen seconds are the whole grace an attempt gets before "never reached").
 */
import { core, order } from './support';

const sinceAfters = (c: ReturnType<typeof core>) => c.tp.calls.flatMap((b) => (b.type === 'journal-since' ? [b.after] : []));

function journaled(c: ReturnType<typeof core>, orderId: string, commandId: string) {
  c.orders.begin(order(orderId), commandId);
  c.tp.journal.set(commandId, { id: commandId, orderId, amount: 100, currencyNumeric: '978', state: 'pending', receivedAt: new Date().toISOString(), seq: 0 });
  return c.tp.finishInJournal({ outcome: 'approved' }, commandId);
}

describe('JournalSync edges', () => {
  afterEach(() => jest.useRealTimers());

  test('the same journal id again: the sync goes on from its cursor, never from 0', async () => {
    const c = core();
    journaled(c, 'S1', 'c1');
    await c.sync.sync();
    const cursor = Number(c.orders.getSetting('journal_seq'));
    expect(cursor).toBeGreaterThan(0);
    c.tp.calls.length = 0;
    journaled(c, 'S2', 'c2');
    await c.sync.sync();
    expect(c.orders.get('S2')!.state).toBe('paid');
    expect(sinceAfters(c)[0]).toBe(cursor);
    expect(sinceAfters(c)).not.toContain(0);
    expect(c.logger.text()).not.toMatch(/journal is a new one/);
  });

  test('the first journal id seen with a cursor from before: not called a new journal, nothing asked twice', async () => {
    const c = core();
    c.orders.setSetting('journal_seq', '7');
    await c.sync.sync();
    expect(c.orders.getSetting('journal_id')).toBe('journal-1');
    expect(sinceAfters(c)).toEqual([7]);
    expect(c.logger.text()).not.toMatch(/journal is a new one/);
  });

  test('says what it recorded, once; an entry the order book already had is not news', async () => {
    const c = core();
    const entry = journaled(c, 'N1', 'c1');
    c.recorder.record(entry); // the payment's own reply got there first
    journaled(c, 'N2', 'c2');
    await c.sync.sync();
    const said = c.logger.lines.filter((l) => /recorded from tp-manager's journal/.test(l.message)).map((l) => l.message);
    expect(said).toEqual(["recorded from tp-manager's journal orderId=N2 outcome=approved"]);
  });

  test('an attempt exactly 15 s old that tp-manager never journaled is judged: failed, nothing was charged', async () => {
    const now = Date.parse('2026-01-01T12:00:00.000Z');
    jest.useFakeTimers({ now, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const c = core();
    c.orders.begin(order('E15'), 'c1', new Date(now - 15_000));
    c.orders.begin(order('E14'), 'c2', new Date(now - 14_999));
    await c.sync.sync();
    expect(c.orders.get('E15')!.state).toBe('failed');
    expect(c.orders.get('E14')!.state).toBe('in-progress');
  });

  test('a tp-manager of before journal ids (no journalId in its reply) is still synced, its cursor kept', async () => {
    const c = core();
    (c.tp as unknown as { journalId: string | undefined }).journalId = undefined;
    journaled(c, 'V1', 'c1');
    await c.sync.sync();
    expect(c.orders.get('V1')!.state).toBe('paid');
    expect(c.orders.getSetting('journal_id')).toBeUndefined();
    expect(Number(c.orders.getSetting('journal_seq'))).toBeGreaterThan(0);
    expect(c.logger.text()).not.toMatch(/failed/);
  });

  test('tp-manager put back to a version of before journal ids: the sync goes on from its cursor, the journal id kept', async () => {
    const c = core();
    journaled(c, 'D1', 'c1');
    await c.sync.sync();
    const cursor = c.orders.getSetting('journal_seq');
    (c.tp as unknown as { journalId: string | undefined }).journalId = undefined;
    c.tp.calls.length = 0;
    journaled(c, 'D2', 'c2');
    await c.sync.sync();
    expect(c.orders.get('D2')!.state).toBe('paid');
    expect(sinceAfters(c)[0]).toBe(Number(cursor));
    expect(c.orders.getSetting('journal_id')).toBe('journal-1');
    expect(c.logger.text()).not.toMatch(/failed|new one/);
  });
});

