/**
 * The IPC commands tp-manager answers, on a real journal (SQLite file) with a stand-in driver and line (the
 * only mocks, for this one module). What the supervisor (and so the kiosk) is told in each case.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import type { Command, PaymentRequest, ReplyBody } from '@ecr/common';
import { handleCommand, type HandlerDeps } from '../src/command-handler';
import { Journal } from '../src/journal';
import { PaymentRunner } from '../src/payment-runner';
import { SharedProbe } from '../src/shared-probe';
import type { TerminalDriver } from '../src/drivers/terminal-driver';
import type { Line } from '../src/transports/line';

class FakeDriver extends EventEmitter {
  readonly capabilities = { tlc: false, reset: false, deviceId: false, abort: false };
  readonly protocol = 'concert-v3';
  readonly label = 'Concert V3';
  sent: PaymentRequest[] = [];
  probes = 0;
  aborts = 0;
  probeResult: Promise<boolean> = Promise.resolve(true);
  sendPayment(request: PaymentRequest): Promise<void> {
    this.sent.push(request);
    return Promise.resolve();
  }
  probe(): Promise<boolean> {
    this.probes++;
    return this.probeResult;
  }
  abort(): Promise<void> {
    this.aborts++;
    return Promise.resolve();
  }
}

class FakeLine extends EventEmitter {
  state = 'connected';
  reason = 'open';
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let n = 0;
const payment = (amount = 899): Command => ({ id: `pay-${++n}`, type: 'payment', orderId: `Order_${n}`, amount, currencyNumeric: '978', timeoutMs: 5000, sentAt: Date.now() });

describe('tp-manager commands', () => {
  let dir: string;
  let journal: Journal;
  let driver: FakeDriver;
  let line: FakeLine;
  let deps: HandlerDeps;
  let stopped: number;
  const send = (cmd: Command): Promise<ReplyBody> => handleCommand(cmd, deps);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handler-'));
    journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    driver = new FakeDriver();
    line = new FakeLine();
    stopped = 0;
    const runner = new PaymentRunner(journal, driver as unknown as TerminalDriver, line as unknown as Line, quiet);
    deps = {
      runner,
      journal,
      driver: driver as unknown as TerminalDriver,
      line: line as unknown as Line,
      probe: new SharedProbe(() => driver.probe()),
      version: '1.0.0',
      onStop: () => stopped++,
    };
  });
  afterEach(() => journal.close());

  const answerCurrent = () => driver.emit('answer', { ref: driver.sent.at(-1)!.reference, result: { outcome: 'approved', amount: 899, currencyNumeric: '978' }, hasAmount: true, hasCurrency: true });

  test('money rule 1: cancel during a Concert payment is "unsupported" in one line; the payment goes on and ends with the terminal\'s answer', async () => {
    const paying = send(payment());
    await new Promise((r) => setImmediate(r));
    const cancel = await send({ id: 'c1', type: 'cancel' });
    expect(cancel).toEqual({
      id: 'c1',
      ok: false,
      code: 'unsupported',
      message: 'Concert V3 has no abort message: the payment goes on until the terminal answers (the customer can cancel on the terminal)',
    });
    expect(deps.runner.busy).toBe(true);
    answerCurrent();
    expect(await paying).toMatchObject({ ok: true, type: 'payment', entry: { result: { outcome: 'approved' } } });
  });

  test('a protocol that can abort: the abort is sent and answered at once; the payment waits for the terminal', async () => {
    driver.capabilities.abort = true;
    const paying = send(payment());
    await new Promise((r) => setImmediate(r));
    expect(await send({ id: 'c2', type: 'cancel' })).toEqual({ id: 'c2', ok: true, type: 'cancel', cancelled: true });
    expect(driver.aborts).toBe(1);
    expect(deps.runner.busy).toBe(true);
    answerCurrent();
    await paying;
    expect(await send({ id: 'c3', type: 'cancel' })).toEqual({ id: 'c3', ok: true, type: 'cancel', cancelled: false });
  });

  test('money rule 2: a second payment while one is open is "busy" and never written to the terminal', async () => {
    const paying = send(payment());
    const second = await send(payment());
    expect(second).toMatchObject({ ok: false, code: 'busy' });
    await new Promise((r) => setImmediate(r));
    expect(driver.sent).toHaveLength(1);
    answerCurrent();
    await paying;
  });

  test('stop during a payment is "busy" and nothing stops; without one it stops', async () => {
    const paying = send(payment());
    expect(await send({ id: 's1', type: 'stop' })).toMatchObject({ ok: false, code: 'busy', message: expect.stringMatching(/payment is in progress/) });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(0);
    answerCurrent();
    await paying;
    expect(await send({ id: 's2', type: 'stop' })).toEqual({ id: 's2', ok: true, type: 'stop' });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(1);
  });

  test('ping answers the whole state: link (with its reason when down), busy, journal id, unattributed count, journal fault', async () => {
    expect(await send({ id: 'p1', type: 'ping' })).toEqual({ id: 'p1', ok: true, type: 'ping', link: 'connected', busy: false, journalId: journal.id, unattributed: 0 });
    driver.emit('answer', { ref: '0000009999', result: { outcome: 'approved', amount: 1, currencyNumeric: '978' }, hasAmount: true, hasCurrency: true });
    line.state = 'disconnected';
    line.reason = 'cable pulled';
    expect(await send({ id: 'p2', type: 'ping' })).toMatchObject({ link: 'disconnected', linkReason: 'cable pulled', unattributed: 1 });
    expect(await send({ id: 'u1', type: 'unattributed', limit: 10 })).toMatchObject({ ok: true, type: 'unattributed', answers: [{ ref: '0000009999' }] });
  });

  test('journal-get and journal-since carry the journal id', async () => {
    expect(await send({ id: 'j1', type: 'journal-get', commandId: 'nope' })).toEqual({ id: 'j1', ok: true, type: 'journal-get', journalId: journal.id });
    expect(await send({ id: 'j2', type: 'journal-since', after: 0, limit: 10 })).toEqual({ id: 'j2', ok: true, type: 'journal-since', entries: [], journalId: journal.id });
  });

  test('check: concurrent checks share one probe, and at most one probe a second; none during a payment; none with the cable out', async () => {
    let release!: (v: boolean) => void;
    driver.probeResult = new Promise((r) => (release = r));
    const checks = Promise.all([1, 2, 3].map((i) => send({ id: `k${i}`, type: 'check' })));
    release(true);
    const replies = await checks;
    expect(replies.every((r) => r.ok && r.type === 'check' && r.status.cr === '0')).toBe(true);
    expect(driver.probes).toBe(1);
    await send({ id: 'k4', type: 'check' });
    expect(driver.probes).toBe(1); // within the second: the last result

    const paying = send(payment());
    expect(await send({ id: 'k5', type: 'check' })).toMatchObject({ status: { cr: '1' } });
    answerCurrent();
    await paying;

    line.state = 'disconnected';
    expect(await send({ id: 'k6', type: 'check' })).toMatchObject({ ok: true, status: { cr: '3' }, link: 'disconnected' });
    expect(driver.probes).toBe(1);
  });

  test('a probe that fails is "not there", never a crash', async () => {
    driver.probeResult = Promise.reject(new Error('EIO'));
    expect(await send({ id: 'k7', type: 'check' })).toMatchObject({ ok: true, status: { cr: '3' } });
  });

  test('money rule 5: an answer the disk refused is returned to the supervisor, a new payment is refused with "unavailable" before the terminal, and the answer is written once the disk allows', async () => {
    const db = (journal as unknown as { db: Database.Database }).db;
    const first = payment();
    const paying = send(first);
    await new Promise((r) => setImmediate(r));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const ticket = Array.from({ length: 200 }, (_, i) => `line ${i} of a long ticket`);
    driver.emit('answer', { ref: driver.sent[0]!.reference, result: { outcome: 'approved', amount: 899, currencyNumeric: '978', ticket }, hasAmount: true, hasCurrency: true });
    expect(await paying).toMatchObject({ ok: true, entry: { state: 'done', result: { outcome: 'approved' } } });

    const refused = await send(payment());
    expect(refused).toMatchObject({ ok: false, code: 'unavailable', message: expect.stringMatching(/database or disk is full.*refused before it reached the terminal/) });
    expect((refused as { message: string }).message).not.toMatch(/\n/);
    expect(driver.sent).toHaveLength(1);
    expect(await send({ id: 'p3', type: 'ping' })).toMatchObject({ journalFault: expect.stringMatching(/database or disk is full/) });

    db.pragma('max_page_count = 1000000');
    const ping = await send({ id: 'p4', type: 'ping' }); // every command first writes what was kept
    expect(ping).not.toHaveProperty('journalFault');
    expect(journal.since(0, 10).find((e) => e.id === first.id)!.result!.outcome).toBe('approved');
  });
});
