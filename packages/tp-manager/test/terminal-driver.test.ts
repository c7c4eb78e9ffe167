/**
 * tp-manager's Concert driver (TerminalDriver + codec over LinkChannel and a Line), in process and fast:
 * the other end of an in-memory line is the real TerminalSimulator (framing 'link'), as SERIAL_PORT=simulator
 * runs it. Line faults are byte filters on this test's line, not the simulator's own, so the simulator is
 * used through its public API only. Asserted: what the driver's user sees (the answers it reports, with
 * amounts and references) and what reached the terminal (the simulator's request log).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { STX } from '@ecr/protocol';
import { TerminalSimulator, type SimulatorOptions } from '@ecr/terminal-simulator';
import { concertV2Codec } from '../src/drivers/concert-v2-codec';
import { concertV3Codec } from '../src/drivers/concert-v3-codec';
import { LinkChannel } from '../src/drivers/link-channel';
import { TerminalDriver, type DecodedAnswer, type PaymentCodec } from '../src/drivers/terminal-driver';
import { Journal } from '../src/journal';
import { PaymentRunner } from '../src/payment-runner';
import type { ByteTransport, ByteTransportEvents } from '../src/transports/byte-transport';
import { Line } from '../src/transports/line';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
/** The simulator's test card (terminal-simulator/src/test-card.ts): it must never reach the driver's user unmasked. */
const FULL_PAN = '4970100000000014';

type Filter = (bytes: Buffer) => Buffer | undefined;
const pass: Filter = (bytes) => bytes;

/** The in-memory line: the simulator at the far end; bytes cross on a later turn of the event loop. */
class SimulatorEnd extends EventEmitter<ByteTransportEvents> implements ByteTransport {
  readonly raw = false;
  readonly description = 'in-memory terminal simulator';
  toTerminal: Filter = pass;
  toConnector: Filter = pass;
  unplugged = false;
  private connected = false;

  constructor(readonly simulator: TerminalSimulator) {
    super();
    simulator.on('output', (bytes: Buffer) =>
      setImmediate(() => {
        const out = this.connected ? this.toConnector(bytes) : undefined;
        if (out) this.emit('data', out);
      }),
    );
  }

  open(): Promise<void> {
    if (this.unplugged) return Promise.reject(new Error('serial device /dev/ttyTEST not found'));
    this.connected = true;
    return Promise.resolve();
  }

  write(bytes: Buffer): void {
    setImmediate(() => {
      const heard = this.connected ? this.toTerminal(bytes) : undefined;
      if (heard) this.simulator.input(heard);
    });
  }

  close(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }

  /** The cable comes out: bytes either way are lost until it is back; the terminal does not know. */
  pull(reason: string): void {
    this.connected = false;
    this.unplugged = true;
    this.emit('close', reason);
  }
}

/** Spoils the LRC of the next frame that passes, so the receiving link NAKs it as a real one would. */
function spoilNextFrame(): Filter {
  let done = false;
  return (bytes) => {
    if (done || bytes[0] !== STX) return bytes;
    done = true;
    const bad = Buffer.from(bytes);
    bad[bad.length - 1] ^= 0xff;
    return bad;
  };
}

interface Rig {
  end: SimulatorEnd;
  simulator: TerminalSimulator;
  line: Line;
  driver: TerminalDriver;
  answers: DecodedAnswer[];
  badAnswers: string[];
}

type SimulatorChoice = Partial<Omit<SimulatorOptions, 'framing'>>;

async function withDriver(codec: PaymentCodec, simulator: SimulatorChoice, run: (rig: Rig) => Promise<void>): Promise<void> {
  const sim = new TerminalSimulator({ protocol: codec.protocol, outcome: 'approve', delayMs: 0, ...simulator, framing: 'link' });
  const end = new SimulatorEnd(sim);
  const line = new Line(end, quiet, 10, 20);
  const driver = new TerminalDriver(new LinkChannel(line, quiet), codec);
  const answers: DecodedAnswer[] = [];
  const badAnswers: string[] = [];
  driver.on('answer', (a) => answers.push(a));
  driver.on('bad-answer', (e) => badAnswers.push(e));
  await line.start();
  try {
    await run({ end, simulator: sim, line, driver, answers, badAnswers });
  } finally {
    driver.close();
    await line.close();
    sim.close();
  }
}

async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function nextState(line: Line, wanted: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (state: string) => {
      if (state !== wanted) return;
      line.off('state', on);
      resolve();
    };
    line.on('state', on);
  });
}

const PAYMENT = { amount: 1234, currencyNumeric: '978', reference: '0000004711' };

describe.each([
  ['Concert V3', concertV3Codec],
  ['Concert V2', concertV2Codec],
])('TerminalDriver, %s, against the terminal simulator', (label, codec) => {
  test('money rule 4: an approved payment is reported with the amount and currency the terminal approved, the reference it echoed', async () => {
    await withDriver(codec, {}, async ({ simulator, driver, answers, badAnswers }) => {
      await driver.sendPayment(PAYMENT);
      // What reached the terminal: one request, for the amount and currency asked, with the reference.
      expect(simulator.requests.map((r) => [r.amount, r.currencyNumeric, r.reference])).toEqual([[1234, '978', '0000004711']]);
      await waitFor(() => answers.length === 1);
      const [answer] = answers;
      expect(answer!.ref).toBe('0000004711');
      expect(answer!.result).toMatchObject({ outcome: 'approved', amount: 1234, currencyNumeric: '978' });
      expect(answer!.hasAmount).toBe(true);
      expect(answer!.hasCurrency).toBe(true);
      // The card number comes masked (V2: from the report; V3: from AA), never whole.
      expect(answer!.result.maskedPan).toMatch(/^497010X+0014$/);
      expect(JSON.stringify(answer)).not.toContain(FULL_PAN);
      expect(badAnswers).toEqual([]);
      expect(driver.protocol).toBe(codec.protocol);
      expect(driver.label).toBe(label);
    });
  });

  test('a decline is reported as the terminal said it, with a reason a person reads (money rule 1: Failure only from the terminal)', async () => {
    await withDriver(codec, { outcome: 'decline' }, async ({ driver, answers }) => {
      await driver.sendPayment(PAYMENT);
      await waitFor(() => answers.length === 1);
      expect(answers[0]!.ref).toBe('0000004711');
      expect(answers[0]!.result.outcome).toBe('declined');
      expect(answers[0]!.result.reason).toMatch(/refused/);
      expect(answers[0]!.result.amount).toBe(1234);
    });
  });

  test('money rule 2: a request frame the terminal NAKed is sent again and the terminal takes one request', async () => {
    await withDriver(codec, {}, async ({ end, simulator, driver, answers }) => {
      end.toTerminal = spoilNextFrame();
      await driver.sendPayment(PAYMENT);
      await waitFor(() => answers.length === 1);
      expect(simulator.requests).toHaveLength(1);
      expect(answers[0]!.result.outcome).toBe('approved');
    });
  });

  test('money rule 3: an answer frame garbled on the line is NAKed and its resend reported once', async () => {
    await withDriver(codec, {}, async ({ end, simulator, driver, answers }) => {
      end.toConnector = spoilNextFrame();
      const taken = new Promise<void>((r) => simulator.once('answered', () => r()));
      await driver.sendPayment(PAYMENT);
      await taken;
      expect(answers).toHaveLength(1);
      expect(answers[0]!.result).toMatchObject({ outcome: 'approved', amount: 1234 });
      expect(simulator.answers.map((a) => a.delivered)).toEqual([true]);
    });
  });

  test('money rule 1: the line dropping while the request is on its way rejects the send, nothing reached the terminal; the next payment goes through', async () => {
    await withDriver(codec, {}, async ({ end, simulator, line, driver, answers }) => {
      end.toTerminal = (bytes) => {
        if (bytes[0] !== STX) return bytes;
        end.toTerminal = pass;
        end.pull(`serial device /dev/ttyTEST disconnected`);
        return undefined;
      };
      await expect(driver.sendPayment(PAYMENT)).rejects.toThrow('terminal line down: serial device /dev/ttyTEST disconnected');
      expect(simulator.requests).toEqual([]);
      // While it is out, a probe says so at once.
      await expect(driver.probe()).resolves.toBe(false);

      const back = nextState(line, 'connected');
      end.unplugged = false;
      await back;
      await driver.sendPayment({ ...PAYMENT, reference: '0000004712' });
      await waitFor(() => answers.length === 1);
      expect(simulator.requests.map((r) => r.reference)).toEqual(['0000004712']);
      expect(answers[0]!.ref).toBe('0000004712');
    });
  });
});

describe('TerminalDriver: what Concert cannot do, and what a line gives', () => {
  test('Concert has no abort message: abort() rejects saying so, and capabilities say no to every admin call', async () => {
    await withDriver(concertV3Codec, {}, async ({ driver }) => {
      expect(driver.capabilities).toEqual({ tlc: false, reset: false, deviceId: false, abort: false });
      await expect(driver.abort()).rejects.toThrow('Concert V3 has no abort message');
    });
  });

  test('probe: the terminal answers ENQ, so it is there', async () => {
    await withDriver(concertV2Codec, {}, async ({ driver }) => {
      await expect(driver.probe()).resolves.toBe(true);
    });
  });

  test('money rule 4: an abandon a Desk/5000 answers with an empty CB is reported without an amount, not as 0 approved', async () => {
    await withDriver(concertV3Codec, { outcome: 'abandon', answers: { abandonAmount: 'empty' } }, async ({ driver, answers }) => {
      await driver.sendPayment(PAYMENT);
      await waitFor(() => answers.length === 1);
      expect(answers[0]!.result.outcome).toBe('abandoned');
      expect(answers[0]!.hasAmount).toBe(false);
    });
  });

  test('money rule 3: a Telium that answers the V2 private field with zeros is reported with that reference, not a guessed one', async () => {
    await withDriver(concertV2Codec, { answers: { answerReference: 'zeros' } }, async ({ driver, answers }) => {
      await driver.sendPayment(PAYMENT);
      await waitFor(() => answers.length === 1);
      expect(answers[0]!.ref).toBe('0000000000');
      expect(answers[0]!.result.outcome).toBe('approved');
    });
  });

  test('a message that is not an answer of the configured protocol is reported as a bad answer, in one line, never as a result', async () => {
    // TERMINAL_PROTOCOL=concert-v2 set for a V3 terminal: it refuses the request with a V3 answer (AE=01 AF=09).
    const v2OnV3Terminal: PaymentCodec = { ...concertV2Codec, protocol: 'concert-v3' };
    await withDriver(v2OnV3Terminal, {}, async ({ driver, answers, badAnswers }) => {
      await driver.sendPayment(PAYMENT);
      await waitFor(() => badAnswers.length === 1);
      expect(badAnswers[0]).toMatch(/^Concert V2 answer/);
      expect(badAnswers[0]).not.toContain('\n');
      expect(answers).toEqual([]);
    });
  });

  test('after close() the terminal\'s answer is no longer reported (the driver let go of the line)', async () => {
    // The terminal's link gives up its answer after three unanswered ENQs; short timings keep the test fast.
    await withDriver(concertV3Codec, { delayMs: 50, link: { ackTimeoutMs: 50, enqRetryPauseMs: 10 } }, async ({ simulator, driver, answers }) => {
      await driver.sendPayment(PAYMENT);
      driver.close();
      await new Promise((r) => simulator.once('answer-failed', r));
      expect(answers).toEqual([]);
    });
  });
});

describe('TerminalDriver with the payment runner and a journal: an answer after the wait ended', () => {
  test('money rule 1: the kiosk is told "not known yet" at the time-out, and the terminal\'s late approval settles the order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-driver-'));
    const journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    try {
      await withDriver(concertV3Codec, { delayMs: 300 }, async ({ simulator, driver, line }) => {
        const runner = new PaymentRunner(journal, driver, line, quiet);
        const entry = await runner.pay({ id: 'cmd-1', orderId: 'ORDER-1', amount: 1234, currencyNumeric: '978', timeoutMs: 50 });
        expect(entry.result).toMatchObject({ outcome: 'error', connectorCode: 'terminal-timeout' });
        expect(simulator.requests).toHaveLength(1);

        await waitFor(() => journal.get('cmd-1')?.result?.outcome === 'approved');
        expect(journal.get('cmd-1')!.result).toMatchObject({ outcome: 'approved', amount: 1234, currencyNumeric: '978' });
        expect(journal.get('cmd-1')!.result!.connectorCode).toBeUndefined();
        expect(journal.unattributedCount()).toBe(0);
      });
    } finally {
      journal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('money rule 1: the line back before the terminal gave up, its answer sent while the cable was out still arrives', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-driver-'));
    const journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    try {
      // The terminal's link retries its ENQ (3 tries: terminal-protocols.md); short timings keep the test fast.
      const link = { ackTimeoutMs: 100, enqRetryPauseMs: 20 };
      await withDriver(concertV3Codec, { delayMs: 100, link }, async ({ end, simulator, driver, line }) => {
        const runner = new PaymentRunner(journal, driver, line, quiet, { lineLostGraceMs: 10_000 });
        // The cable comes out once the terminal took the request (the connector's EOT), while the customer pays.
        const pulled = new Promise<void>((resolve) => {
          end.toTerminal = (bytes) => {
            if (bytes[0] === 0x04 && simulator.requests.length === 1) {
              end.toTerminal = pass;
              end.pull('serial device /dev/ttyTEST disconnected');
              resolve();
            }
            return bytes;
          };
        });
        const paying = runner.pay({ id: 'cmd-2', orderId: 'ORDER-2', amount: 990, currencyNumeric: '978', timeoutMs: 10_000 });
        await pulled;
        // The terminal's first ENQ for its answer is lost on the pulled cable; then the cable is back.
        await new Promise((r) => simulator.once('output', r));
        end.unplugged = false;
        const entry = await paying;
        expect(entry.result).toMatchObject({ outcome: 'approved', amount: 990, currencyNumeric: '978' });
      });
    } finally {
      journal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
