/**
 * PaymentRunner edges, with a real journal (SQLite file) and a stand-in driver and line: the terminal's
 * late answer frees a terminal left busy by a lost line (money rule 2), a line dropping before the terminal
 * took the request is no "line lost" (money rule 1: nothing was charged), placeholders carry the request's
 * amount and currency, and an abort is asked of the terminal only during a payment.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal } from '../src/journal';
import { PaymentRunner } from '../src/payment-runner';
import type { TerminalDriver } from '../src/drivers/terminal-driver';
import type { Line } from '../src/transports/line';
import { FakeDriver, FakeLine } from './helpers/fake-driver';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const command = (id: string, timeoutMs: number, amount = 1234, currencyNumeric = '826') => ({ id, orderId: `Order_${id}`, amount, currencyNumeric, timeoutMs });
const turn = () => new Promise((r) => setImmediate(r));

describe('PaymentRunner edges', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let line: FakeLine;
  const runner = (graceMs: number) =>
    new PaymentRunner(journal, driver as unknown as TerminalDriver, line as unknown as Line, quiet, { lineLostGraceMs: graceMs });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-edges-'));
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    driver = new FakeDriver();
    line = new FakeLine();
  });
  afterEach(() => {
    journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('money rule 2: a terminal left busy by a lost line is free as soon as its late answer lands', async () => {
    const r = runner(10);
    const paying = r.pay(command('a', 60_000));
    await turn();
    line.set('disconnected');
    const lost = await paying;
    expect(lost.result).toMatchObject({ outcome: 'error', connectorCode: 'line-lost', amount: 1234, currencyNumeric: '826' });
    line.set('connected');
    expect(r.busy).toBe(true); // for up to the payment's own time-out, a minute
    driver.answer(driver.sent[0]!.reference, { outcome: 'approved', amount: 1234, currencyNumeric: '826' });
    expect(r.busy).toBe(false);
    expect(journal.get('a')!.result).toMatchObject({ outcome: 'approved' });
  });

  test('money rule 1: the line dropping before the terminal took the request is no "line lost": the send fails by itself', async () => {
    driver.next = 'hang';
    const r = runner(10);
    const paying = r.pay(command('a', 200));
    await turn();
    line.set('disconnected');
    const entry = await paying;
    expect(entry.result).toMatchObject({ outcome: 'error', connectorCode: 'send-failed', amount: 1234, currencyNumeric: '826' });
    expect(entry.result!.reason).toBe('the terminal did not take the request within 0 s; nothing was charged');
    expect(r.busy).toBe(false);
  });

  test('the line back within the grace: the payment goes on to the terminal\'s answer, not "line lost" (fake clock, no sleep)', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const r = runner(100);
      const paying = r.pay(command('a', 60_000));
      await turn();
      line.set('disconnected');
      jest.advanceTimersByTime(99);
      line.set('connected');
      jest.advanceTimersByTime(150); // past the grace: it was cleared when the line came back
      line.set('disconnected'); // a second drop starts a new grace...
      jest.advanceTimersByTime(50);
      line.set('disconnected'); // ...which a repeated "down" does not restart
      jest.advanceTimersByTime(49);
      line.set('connected');
      driver.answer(driver.sent[0]!.reference, { outcome: 'approved', amount: 1234, currencyNumeric: '826' });
      expect((await paying).result).toMatchObject({ outcome: 'approved' });
    } finally {
      jest.useRealTimers();
    }
  });

  test('a line down for the whole grace ends the payment "line lost" at the grace, not before', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const r = runner(100);
      let ended = false;
      const paying = r.pay(command('a', 60_000)).then((e) => {
        ended = true;
        return e;
      });
      await turn();
      line.set('disconnected');
      jest.advanceTimersByTime(50);
      line.set('disconnected'); // a repeated "down" does not restart the grace
      jest.advanceTimersByTime(49);
      await turn();
      expect(ended).toBe(false);
      jest.advanceTimersByTime(1);
      expect((await paying).result).toMatchObject({ connectorCode: 'line-lost', reason: expect.stringMatching(/did not come back within 0 s/) });
    } finally {
      jest.useRealTimers();
    }
  });

  test('placeholders carry the request\'s amount and currency: not connected, time-out, interrupted', async () => {
    line.state = 'disconnected';
    line.reason = 'no such device /dev/ttyUSB0';
    const r = runner(10);
    expect((await r.pay(command('a', 1000))).result).toEqual({
      outcome: 'error', connectorCode: 'not-connected', amount: 1234, currencyNumeric: '826',
      reason: 'the terminal is not connected (no such device /dev/ttyUSB0); nothing was sent to it',
    });
    line.state = 'connected';
    expect((await r.pay(command('b', 600, 500, '978'))).result).toEqual({
      outcome: 'error', connectorCode: 'terminal-timeout', amount: 500, currencyNumeric: '978', reason: 'the terminal did not answer within 1 s',
    });
    journal.begin({ id: 'c', orderId: 'Order_c', amount: 777, currencyNumeric: '756' });
    journal.close();
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-2');
    runner(10).closeInterrupted();
    expect(journal.get('c')!.result).toMatchObject({ outcome: 'error', connectorCode: 'interrupted', amount: 777, currencyNumeric: '756' });
    expect(journal.get('b')!.result!.connectorCode).toBe('terminal-timeout'); // finished: not touched
  });

  test('abort is asked of the terminal only while a payment runs; the payment still ends with its answer', async () => {
    const r = runner(10);
    expect(await r.abort()).toBe(false);
    expect(driver.aborts).toBe(0);
    const paying = r.pay(command('a', 60_000));
    await turn();
    expect(r.currentOrderId).toBe('Order_a');
    expect(await r.abort()).toBe(true);
    expect(driver.aborts).toBe(1);
    driver.answer(driver.sent[0]!.reference, { outcome: 'abandoned', amount: 1234, currencyNumeric: '826' });
    expect((await paying).result).toMatchObject({ outcome: 'abandoned' });
    expect(r.currentOrderId).toBeUndefined();
  });
});
