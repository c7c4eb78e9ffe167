/**
 * When the journal sync runs (money rule 5: a late answer is fetched without anyone asking): when tp-manager
 * comes up, every interval, one at a time, and never again after stop(); a failing tp-manager is retried, not
 * thrown. Fake timers stand for the interval: no test waits on the clock.
 */
import { JournalSync } from '../../src/journal-sync';
import { core, order, until } from './support';

const sinceCalls = (c: ReturnType<typeof core>) => c.tp.calls.filter((b) => b.type === 'journal-since').length;

describe('JournalSync schedule', () => {
  afterEach(() => jest.useRealTimers());

  test('tp-manager coming up starts a sync that records a late answer', async () => {
    const c = core();
    c.orders.begin(order('U1'), 'c1');
    c.tp.journal.set('c1', { id: 'c1', orderId: 'U1', amount: 100, currencyNumeric: '978', state: 'pending', receivedAt: new Date().toISOString(), seq: 0 });
    c.tp.finishInJournal({ outcome: 'approved' }, 'c1');
    c.sync.start();
    try {
      c.tp.emit('up');
      await until(() => c.orders.get('U1')!.state === 'paid', 'the sync started by "up" to record the answer');
    } finally {
      c.sync.stop();
    }
  });

  test('every interval a sync, one after the other; none after stop()', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const c = core();
    const sync = new JournalSync(c.orders, c.tp, c.recorder, c.logger, () => undefined, 1000);
    sync.start();
    expect(sinceCalls(c)).toBe(0);
    jest.advanceTimersByTime(999);
    expect(sinceCalls(c)).toBe(0);
    jest.advanceTimersByTime(1);
    await until(() => sinceCalls(c) === 1, 'the first periodic sync');
    // The next one is scheduled once this one has ended, an interval later.
    await until(() => jest.getTimerCount() === 1, 'the next sync to be scheduled');
    jest.advanceTimersByTime(1000);
    await until(() => sinceCalls(c) === 2, 'the second periodic sync');
    await until(() => jest.getTimerCount() === 1, 'the third sync to be scheduled');
    sync.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(sinceCalls(c)).toBe(2);
  });

  test('two syncs asked at once run as one', async () => {
    const c = core();
    const first = c.sync.sync();
    const second = c.sync.sync();
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(sinceCalls(c)).toBe(1);
    // Once it ended, the next ask runs again.
    await c.sync.sync();
    expect(sinceCalls(c)).toBe(2);
  });

  test('tp-manager failing during the sync: the sync ends without throwing, says so, and the next one runs', async () => {
    const c = core();
    c.tp.replies['journal-since'] = () => {
      throw new Error('tp-manager not answering within 2 s');
    };
    await expect(c.sync.sync()).resolves.toBeUndefined();
    expect(c.logger.lines).toContainEqual({ level: 'warn', message: expect.stringMatching(/journal sync with tp-manager failed: tp-manager not answering within 2 s; will retry/) });
    delete c.tp.replies['journal-since'];
    await c.sync.sync();
    expect(sinceCalls(c)).toBe(2);
  });

  test('a first journal id with nothing recorded before: no second pass from the start', async () => {
    const c = core();
    c.orders.begin(order('F1'), 'c1');
    c.tp.journal.set('c1', { id: 'c1', orderId: 'F1', amount: 100, currencyNumeric: '978', state: 'pending', receivedAt: new Date().toISOString(), seq: 0 });
    c.tp.finishInJournal({ outcome: 'approved' }, 'c1');
    await c.sync.sync();
    expect(c.orders.get('F1')!.state).toBe('paid');
    // One page with the entry, one empty page that ends the loop.
    expect(sinceCalls(c)).toBe(2);
  });

  test('a new journal id seen with the cursor already at 0: the same pass goes on, nothing asked twice', async () => {
    const c = core();
    c.orders.setSetting('journal_id', 'journal-0');
    await c.sync.sync();
    expect(c.orders.getSetting('journal_id')).toBe('journal-1');
    expect(c.orders.getSetting('journal_seq')).toBe('0');
    expect(sinceCalls(c)).toBe(1);
  });
});
