/**
 * PaymentRunner: what the mutation run (issue 15) found unproven. A real journal (SQLite file); a stand-in
 * driver, line and logger (the only mocks, for this one module). Two answers in one instant, a journal that
 * refuses writes, a line that drops twice, late answers beside a payment left lingering, what the logs say
 * when an answer cannot be used, and the runner's default timings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { ConnectorError, type PaymentResult } from '@ecr/common';
import { Journal } from '../src/journal';
import { BusyError, PaymentRunner } from '../src/payment-runner';
import type { TerminalDriver } from '../src/drivers/terminal-driver';
import type { Line } from '../src/transports/line';
import { FakeDriver, FakeLine } from './helpers/fake-driver';

/** A logger that keeps what it is told, to check what a person reading the logs would see. */
class Logs {
  lines: { level: string; text: string }[] = [];
  info = (text: string) => void this.lines.push({ level: 'info', text });
  warn = (text: string) => void this.lines.push({ level: 'warn', text });
  error = (text: string) => void this.lines.push({ level: 'error', text });
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.text);
  }
}

const approved = (amount = 899): PaymentResult => ({ outcome: 'approved', amount, currencyNumeric: '978' });
const declined = (amount = 899): PaymentResult => ({ outcome: 'declined', amount, currencyNumeric: '978', reason: 'card refused' });
const command = (id: string, timeoutMs = 5000, amount = 899) => ({ id, orderId: `Order_${id}`, amount, currencyNumeric: '978', timeoutMs });
const turn = () => new Promise((r) => setImmediate(r));
const fakeClock = () => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });

/** SQLite's own page limit: every write needing a new page fails with SQLITE_FULL, as on a full disk. */
function fillDisk(journal: Journal): void {
  const db = (journal as unknown as { db: Database.Database }).db;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
}

describe('PaymentRunner: the edges the mutation run found', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let line: FakeLine;
  let logs: Logs;
  const runner = (options?: { lineLostGraceMs?: number }) =>
    new PaymentRunner(journal, driver as unknown as TerminalDriver, line as unknown as Line, logs, options);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-mutants-'));
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    driver = new FakeDriver();
    line = new FakeLine();
    logs = new Logs();
  });
  afterEach(() => {
    jest.useRealTimers();
    try {
      journal.close();
    } catch {
      // closed by the test itself
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('money rules 3 and 4: two answers in the same instant: the first is journaled and returned, the second never overwrites it', async () => {
    const r = runner();
    const paying = r.pay(command('a'));
    await turn();
    const ref = driver.sent[0]!.reference;
    driver.answer(ref, approved());
    driver.answer(ref, declined());
    const entry = await paying;
    expect(entry.result).toMatchObject({ outcome: 'approved', amount: 899 });
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved', amount: 899 });
    // What the kiosk is given is the journal's own entry, the one the supervisor syncs.
    expect(entry).toEqual(journal.get('a'));
  });

  test('money rule 2: a second payment while one runs is refused naming the payment in progress', async () => {
    const r = runner();
    const paying = r.pay(command('a'));
    await expect(r.pay(command('b'))).rejects.toThrow(new BusyError('another payment is in progress (orderId Order_a); it ends with the terminal\'s answer or its time-out'));
    await turn();
    driver.answer(driver.sent[0]!.reference, approved());
    await paying;
  });

  test('money rule 2: a journal that keeps an answer in memory (full disk) refuses the next payment before it reaches the terminal', async () => {
    const r = runner();
    const paying = r.pay(command('a'));
    await turn();
    fillDisk(journal);
    driver.answer(driver.sent[0]!.reference, { ...approved(), ticket: Array.from({ length: 200 }, (_, i) => `ticket line ${i} `.repeat(4)) });
    expect((await paying).result).toMatchObject({ outcome: 'approved' });
    expect(journal.fault).toMatch(/kept in memory/);
    const refused = r.pay(command('b'));
    await expect(refused).rejects.toBeInstanceOf(ConnectorError);
    await expect(refused).rejects.toMatchObject({ code: 'unavailable' });
    expect(driver.sent).toHaveLength(1);
    expect(r.busy).toBe(false);
  });

  test('money rule 1: a journal that lost the entry still gives the kiosk the terminal\'s answer, for the command\'s order', async () => {
    // The fallback for an entry the journal cannot return: the answer is never dropped on the way back.
    const losing = Object.assign(Object.create(journal) as Journal, { finish: () => undefined });
    const r = new PaymentRunner(losing, driver as unknown as TerminalDriver, line as unknown as Line, logs);
    const paying = r.pay(command('a'));
    await turn();
    const ref = driver.sent[0]!.reference;
    driver.answer(ref, approved());
    const entry = await paying;
    expect(entry).toEqual({
      id: 'a', orderId: 'Order_a', amount: 899, currencyNumeric: '978', state: 'done', result: approved(), receivedAt: expect.any(String), seq: 0, ref,
    });
    expect(Date.parse(entry.receivedAt)).not.toBeNaN();
  });

  test('money rule 1: the line back, then down again for the whole grace: "line lost" at the second grace', async () => {
    fakeClock();
    const r = runner({ lineLostGraceMs: 100 });
    let ended = false;
    const paying = r.pay(command('a', 60_000)).then((e) => {
      ended = true;
      return e;
    });
    await turn();
    line.set('disconnected');
    jest.advanceTimersByTime(50);
    line.set('connected');
    line.set('disconnected'); // a new drop: a new grace, from now
    jest.advanceTimersByTime(99);
    await turn();
    expect(ended).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await paying).result).toMatchObject({ outcome: 'error', connectorCode: 'line-lost' });
  });

  test('no listener is left on the line once a payment ends, however it ended', async () => {
    const r = runner();
    const first = r.pay(command('a'));
    await turn();
    expect(line.listenerCount('state')).toBe(1);
    driver.answer(driver.sent[0]!.reference, approved());
    await first;
    await r.pay(command('b', 10));
    line.state = 'disconnected';
    await r.pay(command('c'));
    expect(line.listenerCount('state')).toBe(0);
  });

  test('money rule 2: a late answer for an older payment does not free a terminal still held by a lost line', async () => {
    fakeClock();
    const r = runner({ lineLostGraceMs: 100 });
    const timedOut = r.pay(command('a', 1000));
    await turn();
    jest.advanceTimersByTime(1000);
    expect((await timedOut).result).toMatchObject({ connectorCode: 'terminal-timeout' });
    const lost = r.pay(command('b', 60_000));
    await turn();
    line.set('disconnected');
    jest.advanceTimersByTime(100);
    expect((await lost).result).toMatchObject({ connectorCode: 'line-lost' });
    line.set('connected');
    driver.answer(driver.sent[0]!.reference, approved());
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved' });
    expect(r.busy).toBe(true); // b may still be open at the terminal
    expect(logs.at('error')).toEqual([]);
    expect(logs.at('warn')).toContain('late terminal answer recorded orderId=Order_a outcome=approved');
  });

  test('money rule 3: a late answer carrying an older payment\'s reference during a new payment settles the older one only', async () => {
    fakeClock();
    const r = runner();
    const timedOut = r.pay(command('a', 1000));
    await turn();
    jest.advanceTimersByTime(1000);
    expect((await timedOut).result).toMatchObject({ connectorCode: 'terminal-timeout' });
    const paying = r.pay(command('b', 60_000, 500));
    await turn();
    driver.answer(driver.sent[0]!.reference, approved(899));
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved', amount: 899 });
    expect(journal.get('b')!.state).toBe('pending');
    expect(r.busy).toBe(true);
    driver.answer(driver.sent[1]!.reference, declined(500));
    expect((await paying).result).toMatchObject({ outcome: 'declined', amount: 500 });
  });

  test('money rule 1: a line that drops twice and comes back before the grace ends is no "line lost", however long the payment then takes', async () => {
    fakeClock();
    const r = runner({ lineLostGraceMs: 100 });
    const paying = r.pay(command('a', 60_000));
    await turn();
    line.set('disconnected');
    jest.advanceTimersByTime(40);
    line.set('disconnected'); // said twice by the transport: still the one grace
    jest.advanceTimersByTime(40);
    line.set('connected');
    jest.advanceTimersByTime(1000); // far past both graces
    driver.answer(driver.sent[0]!.reference, approved());
    expect((await paying).result).toMatchObject({ outcome: 'approved', amount: 899 });
    expect(r.busy).toBe(false);
  });

  test('money rule 2: after a lost line the terminal is busy until the payment\'s own time-out, and free from that very moment', async () => {
    fakeClock();
    const r = runner({ lineLostGraceMs: 100 });
    const lost = r.pay(command('a', 1000));
    await turn();
    line.set('disconnected');
    jest.advanceTimersByTime(100);
    expect((await lost).result).toMatchObject({ connectorCode: 'line-lost' });
    line.set('connected');
    jest.advanceTimersByTime(899);
    expect(r.busy).toBe(true);
    jest.advanceTimersByTime(1);
    expect(r.busy).toBe(false);
  });

  test('money rule 3: an answer for a payment an earlier run left pending is recorded, even before it is closed as interrupted', async () => {
    const { ref } = journal.begin({ id: 'a', orderId: 'Order_a', amount: 899, currencyNumeric: '978' });
    journal.close();
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-2');
    runner();
    driver.answer(ref, approved());
    expect(journal.get('a')).toMatchObject({ state: 'done', result: { outcome: 'approved', amount: 899 } });
    expect(logs.at('error')).toEqual([]);
  });

  test('money rule 3: an answer kept unattributed keeps its reference, its result and why', async () => {
    runner();
    driver.answer('0000009999', approved());
    expect(journal.unattributed(5)).toEqual([
      { id: 1, receivedAt: expect.any(String), ref: '0000009999', result: approved(), why: 'its reference 0000009999 is not one this tp-manager sent' },
    ]);
  });

  test('an answer that cannot be used is said in an error log, never thrown; a message that is no answer, in a warning', () => {
    runner();
    driver.emit('bad-answer', 'Concert V2 answer: 3 bytes, expected 34 or 89');
    expect(logs.at('warn')).toEqual(['terminal sent a message that is not a payment answer: Concert V2 answer: 3 bytes, expected 34 or 89']);
    journal.close();
    expect(() => driver.answer('0000000001', approved())).not.toThrow();
    expect(logs.at('error')).toEqual([expect.stringMatching(/^could not process a terminal answer: .*not open/)]);
  });

  test('defaults: a line drop gets 30 s of grace; a late answer without echo an hour to land', async () => {
    fakeClock();
    const r = runner();
    let ended = false;
    const paying = r.pay(command('a', 600_000)).then((e) => {
      ended = true;
      return e;
    });
    await turn();
    line.set('disconnected');
    jest.advanceTimersByTime(29_999);
    await turn();
    expect(ended).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await paying).result).toMatchObject({ connectorCode: 'line-lost' });
    line.set('connected');
    jest.advanceTimersByTime(59 * 60 * 1000);
    driver.answer('0000000000', approved());
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved', amount: 899 });
  });
});
