/**
 * PaymentRunner on its own: a real journal (SQLite file), a stand-in driver and line (the only mocks, for
 * this one module). What a payment command becomes in every case a terminal can put it in.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PaymentRequest, PaymentResult } from '@ecr/common';
import { Journal } from '../src/journal';
import { BusyError, PaymentRunner } from '../src/payment-runner';
import type { TerminalDriver } from '../src/drivers/terminal-driver';
import type { Line } from '../src/transports/line';

class FakeDriver extends EventEmitter {
  sent: PaymentRequest[] = [];
  /** What the next sendPayment does: resolve (terminal took it), reject, or hang. */
  next: 'take' | 'refuse' | 'hang' = 'take';
  sendPayment(request: PaymentRequest): Promise<void> {
    this.sent.push(request);
    if (this.next === 'refuse') return Promise.reject(new Error('the terminal did not acknowledge the request (no ACK)'));
    if (this.next === 'hang') return new Promise(() => undefined);
    return Promise.resolve();
  }
  answer(ref: string | undefined, result: PaymentResult): void {
    this.emit('answer', { ref, result });
  }
}

class FakeLine extends EventEmitter {
  state = 'connected';
  reason = 'open';
  set(state: 'connected' | 'disconnected'): void {
    this.state = state;
    this.emit('state', state, state === 'connected' ? 'open' : 'cable pulled');
  }
}

const approved = (amount: number): PaymentResult => ({ outcome: 'approved', amount, currencyNumeric: '978', authorisationNumber: '123456' });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const command = (id: string, amount = 899, timeoutMs = 5000) => ({ id, orderId: `Order_${id}`, amount, currencyNumeric: '978', timeoutMs });

describe('PaymentRunner', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let line: FakeLine;
  let runner: PaymentRunner;

  const make = (graceMs = 30_000, runId = 'run-1') => {
    journal = new Journal(path.join(dir, 'tp-manager.db'), runId);
    runner = new PaymentRunner(journal, driver as unknown as TerminalDriver, line as unknown as Line, quiet, graceMs);
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

  test('a second payment while one waits: BusyError, nothing journaled for it', async () => {
    void runner.pay(command('a'));
    await expect(runner.pay(command('b'))).rejects.toBeInstanceOf(BusyError);
    expect(journal.get('b')).toBeUndefined();
    runner.cancel();
  });

  test('cancel ends the wait; the late approval still replaces the placeholder', async () => {
    const paying = runner.pay(command('a'));
    await new Promise((r) => setImmediate(r));
    const ref = driver.sent[0]!.reference;
    await runner.cancel();
    expect((await paying).result).toMatchObject({ outcome: 'abandoned', connectorCode: 'cancelled' });
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

  test('the line lost after the terminal took the request: "line-lost" after the grace, unless it comes back', async () => {
    journal.close();
    driver = new FakeDriver();
    make(100);
    const lost = runner.pay(command('a'));
    await new Promise((r) => setImmediate(r));
    line.set('disconnected');
    const entry = await lost;
    expect(entry.result).toMatchObject({ connectorCode: 'line-lost' });

    line.set('connected');
    const back = runner.pay(command('b'));
    await new Promise((r) => setImmediate(r));
    line.set('disconnected');
    await new Promise((r) => setTimeout(r, 50));
    line.set('connected');
    await new Promise((r) => setTimeout(r, 150));
    driver.answer(driver.sent[1]!.reference, approved(899));
    expect((await back).result).toMatchObject({ outcome: 'approved' });
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
