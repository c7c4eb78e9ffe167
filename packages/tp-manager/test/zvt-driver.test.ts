/**
 * tp-manager's ZVT driver with the real payment runner and journal (SQLite file), over a real TcpTransport
 * and Line to a net server that plays the terminal message by message. Each case is one way a terminal can
 * answer, and the money rule it must not break.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { zvt } from '@ecr/protocol';
import { ZvtApduLink } from '../src/drivers/zvt-apdu-link';
import { ZvtDriver } from '../src/drivers/zvt-driver';
import { keepUnsolicitedAnswers } from '../src/drivers/zvt-unattributed';
import { Journal } from '../src/journal';
import { PaymentRunner } from '../src/payment-runner';
import { Line } from '../src/transports/line';
import { TcpTransport } from '../src/transports/tcp-transport';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const ACK = zvt.encodeAck();
const TID = '52500123';

/** The terminal's side, by hand: every APDU the connector sends, and a way to answer. */
class ScriptedTerminal {
  readonly received: zvt.Apdu[] = [];
  socket?: net.Socket;
  private readonly deframer = new zvt.ZvtTcpDeframer();
  /** What to send back for a command (after the ECR's 80 00 00 of each message the script waits for nothing). */
  onCommand: (apdu: zvt.Apdu) => Buffer[] = (apdu) => (apdu.cls === 0x06 && apdu.instr === 0x00 ? [ACK, zvt.encodeCompletion({ terminalId: TID, currencyNumeric: '978' })] : [ACK, zvt.encodeCompletion()]);

  attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', (bytes: Buffer) => {
      for (const apdu of this.deframer.push(bytes)) {
        this.received.push(apdu);
        if (apdu.cls === 0x80 || apdu.cls === 0x84) continue; // the ECR's acknowledgements
        for (const out of this.onCommand(apdu)) socket.write(out);
      }
    });
  }

  send(...apdus: Buffer[]): void {
    for (const a of apdus) this.socket!.write(a);
  }

  commands(cls: number, instr: number): zvt.Apdu[] {
    return this.received.filter((a) => a.cls === cls && a.instr === instr);
  }

  get ecrAcks(): number {
    return this.received.filter((a) => a.cls === 0x80 && a.instr === 0x00).length;
  }
}

interface Rig {
  terminal: ScriptedTerminal;
  driver: ZvtDriver;
  runner: PaymentRunner;
  journal: Journal;
}

async function withZvt(run: (rig: Rig) => Promise<void>, options: { ackTimeoutMs?: number; password?: string } = {}): Promise<void> {
  const terminal = new ScriptedTerminal();
  const server = net.createServer((s) => terminal.attach(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zvt-driver-'));
  const journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
  const line = new Line(new TcpTransport('127.0.0.1', port, true), quiet);
  const driver = new ZvtDriver(new ZvtApduLink(line, 'tcp', quiet), line, quiet, { password: options.password ?? '000000', paymentTimeoutMs: 20_000, ackTimeoutMs: options.ackTimeoutMs });
  keepUnsolicitedAnswers(driver, journal, quiet);
  const runner = new PaymentRunner(journal, driver, line, quiet);
  await line.start();
  try {
    // Registered at connect: the terminal's id is known before anything else is asked.
    await waitFor(() => terminal.commands(0x06, 0x00).length === 1 && terminal.ecrAcks === 1);
    await run({ terminal, driver, runner, journal });
  } finally {
    driver.close();
    await line.close();
    terminal.socket?.destroy();
    await new Promise((r) => server.close(r));
    journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let n = 0;
const payment = (amount: number) => ({ id: `cmd-${++n}`, orderId: `order-${n}`, amount, currencyNumeric: '978', timeoutMs: 10_000 });

describe('ZVT driver over TCP', () => {
  test('registration at connect carries ZVT_PASSWORD and the config byte; the terminal id comes from its answer', async () => {
    await withZvt(
      async ({ terminal, driver }) => {
        const [registration] = terminal.commands(0x06, 0x00);
        expect(registration!.data.subarray(0, 4).toString('hex')).toBe(`123456${zvt.ZVT_DEFAULT_CONFIG_BYTE.toString(16)}`);
        expect(await driver.deviceId()).toBe(TID);
      },
      { password: '123456' },
    );
  });

  test('money rule 4: approved for the amount asked is approved, with the terminal\'s receipt lines as the ticket', async () => {
    await withZvt(async ({ terminal, runner }) => {
      terminal.onCommand = () => [ACK];
      const paying = runner.pay(payment(1000));
      await waitFor(() => terminal.commands(0x06, 0x01).length === 1);
      terminal.send(zvt.encodeIntermediateStatus(0x0a));
      terminal.send(zvt.encodeStatusInformation({ resultCode: 0, amount: 1000, currencyNumeric: '978', pan: '476173EEEEEE0119', authorisationNumber: '123456', traceNumber: 42, terminalId: TID }));
      await waitFor(() => terminal.ecrAcks === 3);
      terminal.send(zvt.encodePrintLine('  Visa  10,00 EUR'));
      await waitFor(() => terminal.ecrAcks === 4);
      terminal.send(zvt.encodeCompletion());
      const entry = await paying;
      expect(entry.result).toMatchObject({ outcome: 'approved', amount: 1000, currencyNumeric: '978', authorisationNumber: '123456', ticket: ['  Visa  10,00 EUR'] });
      expect(entry.result!.maskedPan).toMatch(/^476173.{6}0119$/);
      expect(entry.result!.maskedPan).not.toContain('476173000000');
    });
  });

  test('money rule 4: an approval of another amount is never approved: the outcome is left unknown', async () => {
    await withZvt(async ({ terminal, runner }) => {
      terminal.onCommand = (apdu) => (apdu.instr === 0x01 ? [ACK, zvt.encodeStatusInformation({ resultCode: 0, amount: 800, currencyNumeric: '978' })] : [ACK]);
      const paying = runner.pay(payment(1000));
      await waitFor(() => terminal.ecrAcks === 2);
      terminal.send(zvt.encodeCompletion());
      const entry = await paying;
      expect(entry.result).toMatchObject({ outcome: 'error', connectorCode: 'terminal-timeout', amount: 1000 });
      expect(entry.result!.reason).toMatch(/approved 800 .* asked 1000/);
    });
  });

  test('money rule 1: a result code other than 00 is a failure even when 06 0F follows', async () => {
    await withZvt(async ({ terminal, runner }) => {
      terminal.onCommand = (apdu) => (apdu.instr === 0x01 ? [ACK, zvt.encodeStatusInformation({ resultCode: 0x05, amount: 1000 })] : [ACK]);
      const paying = runner.pay(payment(1000));
      await waitFor(() => terminal.ecrAcks === 2);
      terminal.send(zvt.encodeCompletion());
      expect((await paying).result).toMatchObject({ outcome: 'declined', amount: 1000 });
    });
  });

  test('money rule 1: a terminal that refuses the request (84 83 00) charged nothing; one that never acknowledges it leaves the outcome unknown', async () => {
    await withZvt(
      async ({ terminal, runner }) => {
        terminal.onCommand = () => [zvt.encodeNak(0x83)];
        const refused = await runner.pay(payment(500));
        expect(refused.result).toMatchObject({ outcome: 'error', connectorCode: 'send-failed' });
        expect(refused.result!.reason).toMatch(/refused the payment request \(84 83\)/);

        terminal.onCommand = () => [];
        const silent = await runner.pay(payment(600));
        expect(silent.result).toMatchObject({ outcome: 'error', connectorCode: 'terminal-timeout' });
        expect(silent.result!.reason).toMatch(/did not acknowledge/);
      },
      { ackTimeoutMs: 300 },
    );
  });

  test('cancel: 06 B0 is sent, and the payment ends only with the terminal\'s own 06 1E (cancelled at the kiosk\'s request)', async () => {
    await withZvt(async ({ terminal, runner }) => {
      terminal.onCommand = (apdu) => (apdu.instr === 0x01 ? [ACK, zvt.encodeIntermediateStatus(0x0a)] : [ACK]);
      const paying = runner.pay(payment(700));
      await waitFor(() => terminal.ecrAcks === 2);
      expect(await runner.abort()).toBe(true);
      await waitFor(() => terminal.commands(0x06, 0xb0).length === 1);
      expect(runner.busy).toBe(true); // nothing is ended by the connector itself
      terminal.send(zvt.encodeStatusInformation({ resultCode: 0x6c, terminalId: TID }));
      await waitFor(() => terminal.ecrAcks === 3);
      terminal.send(zvt.encodeAbort(0x6c));
      const entry = await paying;
      expect(entry.result).toMatchObject({ outcome: 'abandoned', amount: 700 });
      expect(entry.result!.reason).toMatch(/cancelled at the kiosk's request/);
    });
  });

  test('money rule 3: a late answer goes to the payment the terminal ran, and a payment of the same amount after one left unknown gets its own', async () => {
    await withZvt(
      async ({ terminal, runner, journal }) => {
        terminal.onCommand = (apdu) => (apdu.instr === 0x01 ? [ACK, zvt.encodeIntermediateStatus(0x0a)] : [ACK]);
        const slow = { ...payment(1000), timeoutMs: 300 };
        // The customer is slow: the kiosk is told the outcome is not known yet; the terminal keeps the payment open.
        expect((await runner.pay(slow)).result).toMatchObject({ connectorCode: 'terminal-timeout' });
        terminal.send(zvt.encodeStatusInformation({ resultCode: 0, amount: 1000, currencyNumeric: '978' }));
        await waitFor(() => terminal.ecrAcks === 3);
        terminal.send(zvt.encodeCompletion());
        await waitFor(() => journal.get(slow.id)?.result?.outcome === 'approved');

        // A terminal that never acknowledges: that payment stays "not known yet", waiting for reconciliation.
        terminal.onCommand = () => [];
        const silent = payment(1000);
        expect((await runner.pay(silent)).result).toMatchObject({ connectorCode: 'terminal-timeout' });

        // The next payment of the same amount: its answer is its own, not "one of two payments waiting".
        terminal.onCommand = (apdu) => (apdu.instr === 0x01 ? [ACK, zvt.encodeStatusInformation({ resultCode: 0, amount: 1000, currencyNumeric: '978' })] : [ACK]);
        const acks = terminal.ecrAcks;
        const next = runner.pay(payment(1000));
        await waitFor(() => terminal.ecrAcks === acks + 1);
        terminal.send(zvt.encodeCompletion());
        expect((await next).result).toMatchObject({ outcome: 'approved', amount: 1000 });
        expect(journal.get(silent.id)!.result).toMatchObject({ connectorCode: 'terminal-timeout' });
        expect(journal.unattributed(10)).toEqual([]);
      },
      { ackTimeoutMs: 300 },
    );
  });

  test('money rule 3: a result the terminal sends outside any payment is acknowledged and kept unattributed, credited to no order', async () => {
    await withZvt(async ({ terminal, journal }) => {
      const before = terminal.ecrAcks;
      terminal.send(zvt.encodeStatusInformation({ resultCode: 0, amount: 1500, currencyNumeric: '978' }));
      await waitFor(() => journal.unattributed(10).length === 1 && terminal.ecrAcks === before + 1);
      const [kept] = journal.unattributed(10);
      expect(kept!.result).toMatchObject({ outcome: 'approved', amount: 1500 });
      expect(kept!.why).toMatch(/no command of ours was running/);
      expect(journal.since(0, 10)).toEqual([]);
    });
  });

  test('money rule 2: a payment asked while a status enquiry runs waits for it, then goes to the terminal once', async () => {
    await withZvt(async ({ terminal, driver, runner }) => {
      let holdStatus = true;
      terminal.onCommand = (apdu) => {
        if (apdu.cls === 0x05) return holdStatus ? [ACK] : [];
        return apdu.instr === 0x01 ? [ACK, zvt.encodeStatusInformation({ resultCode: 0, amount: 200, currencyNumeric: '978' })] : [ACK];
      };
      const status = driver.status();
      await waitFor(() => terminal.commands(0x05, 0x01).length === 1);
      const paying = runner.pay(payment(200));
      // The status enquiry still runs: nothing else is written to the terminal.
      await new Promise((r) => setImmediate(r));
      expect(terminal.commands(0x06, 0x01)).toHaveLength(0);
      holdStatus = false;
      terminal.send(zvt.encodeStatusCompletion({ terminalStatus: 0x00, terminalId: TID }));
      expect(await status).toEqual({ cr: '0', card: '0', call: '0', periph: '0' });
      await waitFor(() => terminal.commands(0x06, 0x01).length === 1 && terminal.ecrAcks >= 3);
      terminal.send(zvt.encodeCompletion());
      expect((await paying).result).toMatchObject({ outcome: 'approved', amount: 200 });
      expect(terminal.commands(0x06, 0x01)).toHaveLength(1);
    });
  });
});
