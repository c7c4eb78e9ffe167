/**
 * PaymentRunner on its own: a real journal (SQLite file), a stand-in driver and line (the only mocks, for
 * this one module). What a payment command becomes in every case a terminal can put it in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { Journal } from '../src/journal';
import { BusyError, PaymentRunner } from '../src/payment-runner';
import type { TerminalDriver } from '../src/drivers/terminal-driver';
import type { Line } from '../src/transports/line';
import { FakeDriver, FakeLine } from './helpers/fake-driver';

const approved = (amount: number): PaymentResult => ({ outcome: 'approved', amount, currencyNumeric: '978', authorisationNumber: '123456' });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const command = (id: string, amount = 899, timeoutMs = 5000) => ({ id, orderId: `Order_${id}`, amount, currencyNumeric: '978', timeoutMs });

describe('PaymentRunner', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let line: FakeLine;
  let runner: PaymentRunner;

  const make = (graceMs = 30_000, runId = 'run-1', attributionWindowMs?: number) => {
    journal = new Journal(path.join(dir, 'tp-manager.db'), runId);
    runner = new PaymentRunner(journal, driver as unknown as TerminalDriver, line as unknown as Line, quiet, {
      lineLostGraceMs: graceMs,
      ...(attributionWindowMs === undefined ? {} : { attributionWindowMs }),
    });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
    driver = new FakeDriver();
    line = new FakeLine();
    make();
  });

  afterEach(() => journal.close());

  test("the terminal's answer is journaled and returned; the request carries the journal's reference", async () => {
    const paying = runner.pay(command('a'));
    await new Promise((r) => setImmediate(r));
    expect(driver.sent).toHaveLength(1);
    driver.answer(driver.sent[0]!.reference, approved(899));
    const entry = await paying;
    expect(entry).toMatchObject({ state: 'done', orderId: 'Order_a', result: { outcome: 'approved' } });
    expect(journal.get('a')!.result!.outcome).toBe('approved');
  });

  test('the same command id again: the first answer, and the terminal is not asked twice', async () => {
    const first = runner.pay(command('a'));
    const again = runner.pay(command('a'));
    await new Promise((r) => setImmediate(r));
    driver.answer(driver.sent[0]!.reference, approved(899));
    expect(await again).toEqual(await first);
    expect(await runner.pay(command('a'))).toEqual(await first);
    expect(driver.sent).toHaveLength(1);
  });

  test('money rule 2: a second payment while one is open: BusyError, nothing journaled, nothing written to the terminal', async () => {
    const paying = runner.pay(command('a'));
    await expect(runner.pay(command('b'))).rejects.toBeInstanceOf(BusyError);
    expect(journal.get('b')).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(driver.sent).toHaveLength(1);
    expect(runner.busy).toBe(true);
    driver.answer(driver.sent[0]!.reference, approved(899));
    await paying;
    expect(runner.busy).toBe(false);
  });

  test('money rule 1: a Concert runner cannot abort; the payment waits for the terminal, whose late approval replaces a time-out', async () => {
    const paying = runner.pay(command('a', 899, 50));
    await new Promise((r) => setImmediate(r));
    const ref = driver.sent[0]!.reference;
    expect((await paying).result).toMatchObject({ outcome: 'error', connectorCode: 'terminal-timeout' });
    driver.answer(ref, approved(899));
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved' });
    expect(journal.get('a')!.result!.connectorCode).toBeUndefined();
  });

  test('a real answer is never replaced by a repeated one', async () => {
    const paying = runner.pay(command('a'));
    await new Promise((r) => setImmediate(r));
    const ref = driver.sent[0]!.reference;
    driver.answer(ref, approved(899));
    await paying;
    driver.answer(ref, { outcome: 'declined', amount: 899, currencyNumeric: '978' });
    expect(journal.get('a')!.result!.outcome).toBe('approved');
  });

  test('the line down at the start: not sent, "not-connected"', async () => {
    line.state = 'disconnected';
    const entry = await runner.pay(command('a'));
    expect(entry.result).toMatchObject({ outcome: 'error', connectorCode: 'not-connected' });
    expect(driver.sent).toHaveLength(0);
  });

  test('the terminal refuses the request: "send-failed", nothing charged', async () => {
    driver.next = 'refuse';
    const entry = await runner.pay(command('a'));
    expect(entry.result).toMatchObject({ connectorCode: 'send-failed' });
    expect(entry.result!.reason).toMatch(/did not reach the terminal/);
  });

  test('time-out before the terminal took the request: "send-failed"; after: "terminal-timeout"', async () => {
    driver.next = 'hang';
    expect((await runner.pay(command('a', 899, 50))).result).toMatchObject({ connectorCode: 'send-failed' });
    driver.next = 'take';
    expect((await runner.pay(command('b', 899, 50))).result).toMatchObject({ connectorCode: 'terminal-timeout' });
  });

  test('the line lost after the terminal took the request: "line-lost" after the grace, and the terminal stays busy until its time-out', async () => {
    journal.close();
    driver = new FakeDriver();
    make(100);
    const lost = runner.pay(command('a', 899, 300));
    await new Promise((r) => setImmediate(r));
    line.set('disconnected');
    const entry = await lost;
    expect(entry.result).toMatchObject({ connectorCode: 'line-lost' });
    // Money rule 2: the terminal may still hold it open until its time-out (300 ms from its start).
    line.set('connected');
    expect(runner.busy).toBe(true);
    await expect(runner.pay(command('x'))).rejects.toBeInstanceOf(BusyError);
    expect(driver.sent).toHaveLength(1);
    await waitFor(() => !runner.busy);
    // The line back within the grace: payment-runner-edges.test.ts, on a fake clock.
  });

  test('a payment left pending by an earlier run is closed as interrupted, and a late answer still lands', async () => {
    // tp-manager killed during a payment: its journal entry stays pending.
    const { ref } = journal.begin({ id: 'a', orderId: 'Order_a', amount: 899, currencyNumeric: '978' });
    journal.close();
    driver = new FakeDriver();
    make(30_000, 'run-2');
    runner.closeInterrupted();
    expect(journal.get('a')!.result).toMatchObject({ connectorCode: 'interrupted' });
    driver.answer(ref, approved(899));
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved' });
    expect(journal.since(0, 10).map((e) => e.id)).toEqual(['a']);
  });
});

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('PaymentRunner: whose answer is it (money rule 3)', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let runner: PaymentRunner;
  const declined = (amount: number): PaymentResult => ({ outcome: 'declined', amount, currencyNumeric: '978', reason: 'card refused' });

  const make = (attributionWindowMs?: number) => {
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    runner = new PaymentRunner(journal, driver as unknown as TerminalDriver, new FakeLine() as unknown as Line, quiet, attributionWindowMs === undefined ? {} : { attributionWindowMs });
  };
  /** Starts a payment and waits until the terminal took it; resolves to [the payment's promise]. */
  const started = async (id: string, amount = 899, timeoutMs = 5000): Promise<[Promise<JournalEntry>]> => {
    const paying = runner.pay(command(id, amount, timeoutMs));
    await new Promise((r) => setImmediate(r));
    return [paying];
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attribution-'));
    driver = new FakeDriver();
    make();
  });
  afterEach(() => journal.close());

  test.each([
    ['0000000000', 'a real Telium (V2 private field of zeros)'],
    ['1010000000', "akretion's Desk/5000 simulator overwriting CF"],
    [undefined, 'no reference field at all'],
    ['          ', 'a blank field'],
  ] as [string | undefined, string][])('money rule 3: an answer with reference %j (%s) belongs to the one payment waiting, amount and currency agreeing', async (ref) => {
    const [paying] = await started('a');
    driver.answer(ref, approved(899));
    expect((await paying).result).toMatchObject({ outcome: 'approved', amount: 899 });
    expect(journal.unattributedCount()).toBe(0);
  });

  test('money rule 3: a foreign reference (0000009999) settles nothing: the payment goes on, the answer is kept unattributed', async () => {
    const [paying] = await started('a');
    driver.answer('0000009999', approved(899));
    await new Promise((r) => setImmediate(r));
    expect(runner.busy).toBe(true);
    expect(journal.get('a')!.state).toBe('pending');
    expect(journal.unattributedCount()).toBe(1);
    expect(journal.unattributed(10)[0]).toMatchObject({ ref: '0000009999', result: { outcome: 'approved' }, why: expect.stringMatching(/not one this tp-manager sent/) });
    driver.answer(driver.sent[0]!.reference, declined(899));
    expect((await paying).result).toMatchObject({ outcome: 'declined' });
  });

  test('money rule 3: an answer without echo whose amount differs from the payment waiting is kept unattributed', async () => {
    const [paying] = await started('a', 899);
    driver.answer('0000000000', approved(500));
    await new Promise((r) => setImmediate(r));
    expect(journal.get('a')!.state).toBe('pending');
    expect(journal.unattributed(1)[0]!.why).toMatch(/amount or currency agrees with no payment/);
    driver.answer('0000000000', { ...approved(899), currencyNumeric: '840' });
    expect(journal.unattributedCount()).toBe(2);
    driver.answer(driver.sent[0]!.reference, approved(899));
    await paying;
  });

  test('money rule 3: a late answer without echo after the time-out settles that payment (its placeholder replaced)', async () => {
    const [paying] = await started('a', 899, 30);
    expect((await paying).result).toMatchObject({ connectorCode: 'terminal-timeout' });
    driver.answer('0000000000', approved(899));
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved' });
    expect(journal.get('a')!.result!.connectorCode).toBeUndefined();
  });

  test('money rule 3: without echo, two payments waiting that both fit (one timed out, one current): unattributed, neither settled', async () => {
    await (await started('a', 899, 30))[0];
    const [paying] = await started('b', 899);
    driver.answer('0000000000', approved(899));
    await new Promise((r) => setImmediate(r));
    expect(journal.get('a')!.result!.connectorCode).toBe('terminal-timeout');
    expect(journal.get('b')!.state).toBe('pending');
    expect(journal.unattributed(1)[0]!.why).toMatch(/agrees with 2 payments/);
    driver.answer(driver.sent[1]!.reference, approved(899));
    await paying;
  });

  test('money rule 3: a payment left waiting longer ago than the window takes no answer without echo', async () => {
    journal.close();
    make(0);
    const [paying] = await started('a', 899, 30);
    await paying;
    await new Promise((r) => setTimeout(r, 5));
    driver.answer('0000000000', approved(899));
    expect(journal.get('a')!.result!.connectorCode).toBe('terminal-timeout');
    expect(journal.unattributedCount()).toBe(1);
  });

  test('an answer without echo and no payment waiting at all is kept unattributed', () => {
    driver.answer(undefined, approved(899));
    expect(journal.unattributed(5)).toEqual([expect.objectContaining({ why: expect.stringMatching(/no payment is waiting/) })]);
  });

  test('the red key on a Desk/5000 (refusal with amount 0, no echo) settles the payment waiting, with the request\'s amount', async () => {
    const [paying] = await started('a', 899);
    driver.answer('1010000000', { outcome: 'abandoned', amount: 0, currencyNumeric: '978', reason: 'abandoned' });
    expect((await paying).result).toMatchObject({ outcome: 'abandoned', amount: 899 });
  });

  test('money rule 4: the amount the terminal approved is journaled as it gave it (a partial approval is not the requested amount)', async () => {
    const [paying] = await started('a', 899);
    driver.answer(driver.sent[0]!.reference, approved(500));
    expect((await paying).result).toMatchObject({ outcome: 'approved', amount: 500 });
  });

  test('money rule 4: an approval with no amount field is of the request the terminal was given', async () => {
    const [paying] = await started('a', 899);
    driver.answer(driver.sent[0]!.reference, { outcome: 'approved', amount: 0, currencyNumeric: '' }, { amount: false, currency: false });
    expect((await paying).result).toMatchObject({ outcome: 'approved', amount: 899, currencyNumeric: '978' });
  });
});
