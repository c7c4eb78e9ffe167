/**
 * LinkChannel, tp-manager's Concert link layer over a Line, against a terminal that runs protocol's real
 * ConcertLink (role 'terminal') at the other end of an in-memory line. The terminal's faults are byte
 * filters on what it hears (a spoiled LRC, silence, a pulled cable), so what is asserted is what the
 * connector wrote and what the channel's user saw: sends that resolve or reject with a reason, probes,
 * messages. Link-layer behaviour: terminal-protocols.md "Concert serial link layer" (pyTeliumManager).
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ConcertLink, controlName, ENQ, EOT, ETX, STX, type LinkEvent, type LinkStep } from '@ecr/protocol';
import { LinkChannel } from '../src/drivers/link-channel';
import type { ByteTransport, ByteTransportEvents } from '../src/transports/byte-transport';
import { Line } from '../src/transports/line';

/** What a filter does with the bytes the connector wrote before the terminal hears them. */
type Filter = (bytes: Buffer) => Buffer | undefined;

/**
 * The terminal's end of an in-memory line: a real ConcertLink in the terminal's role. Its bytes reach the
 * connector on a later turn of the event loop, as from a serial port.
 */
class TerminalEnd extends EventEmitter<ByteTransportEvents> implements ByteTransport {
  readonly raw = false;
  readonly description = 'in-memory Concert terminal';
  /** Every byte the connector wrote, in order, as it wrote it. */
  readonly written: Buffer[] = [];
  /** Messages the terminal's link accepted (ACKed). */
  readonly heard: string[] = [];
  /** Events of the terminal's link ('sent' once the connector ACKed its answer). */
  readonly events: LinkEvent[] = [];
  filter: Filter = (bytes) => bytes;
  /** While true, open() fails: the cable is out. */
  unplugged = false;
  private link = new ConcertLink({ role: 'terminal' });
  private open_ = false;

  open(): Promise<void> {
    if (this.unplugged) return Promise.reject(new Error('serial device /dev/ttyTEST not found'));
    this.open_ = true;
    return Promise.resolve();
  }

  write(bytes: Buffer): void {
    this.written.push(Buffer.from(bytes));
    const heard = this.filter(Buffer.from(bytes));
    if (heard && heard.length > 0) this.apply(this.link.receive(heard, performance.now()));
  }

  close(): Promise<void> {
    this.open_ = false;
    return Promise.resolve();
  }

  /** The terminal starts an exchange of its own: a payment answer, say. */
  answer(payload: string): void {
    this.apply(this.link.send(Buffer.from(payload, 'latin1'), performance.now()));
  }

  /** Raw bytes from the terminal (noise on the line, or a hand-made exchange). */
  say(...bytes: number[]): void {
    const chunk = Buffer.from(bytes);
    setImmediate(() => this.open_ && this.emit('data', chunk));
  }

  /** The cable is pulled: the transport reports it, the terminal's link starts again when it is back. */
  pull(reason: string): void {
    this.open_ = false;
    this.unplugged = true;
    this.link = new ConcertLink({ role: 'terminal' });
    this.emit('close', reason);
  }

  /** What the connector wrote, as control names and [payload] for each frame. */
  get wire(): string[] {
    return readWire(Buffer.concat(this.written));
  }

  private apply(step: LinkStep): void {
    for (const bytes of step.write) this.say(...bytes);
    for (const event of step.events) {
      this.events.push(event);
      if (event.type === 'message') this.heard.push(event.payload.toString('latin1'));
    }
  }
}

/** Control bytes by name, a whole frame as [payload] (or [payload]!lrc when its LRC is wrong). */
function readWire(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== STX) {
      out.push(controlName(bytes[i]!));
      continue;
    }
    const end = bytes.indexOf(ETX, i);
    const body = bytes.subarray(i + 1, end + 1);
    const good = body.reduce((x, b) => x ^ b, 0) === bytes[end + 1];
    out.push(`[${bytes.subarray(i + 1, end).toString('latin1')}]${good ? '' : '!lrc'}`);
    i = end + 1;
  }
  return out;
}

/** Spoils the LRC of the next `times` frames the terminal hears, so its link NAKs them. */
function spoilFrames(times: number): Filter {
  let left = times;
  return (bytes) => {
    if (left > 0 && bytes[0] === STX) {
      left -= 1;
      const bad = Buffer.from(bytes);
      bad[bad.length - 1] ^= 0xff;
      return bad;
    }
    return bytes;
  };
}

interface Rig {
  terminal: TerminalEnd;
  line: Line;
  channel: LinkChannel;
  messages: string[];
  debug: string[];
}

async function withChannel(run: (rig: Rig) => Promise<void>): Promise<void> {
  const terminal = new TerminalEnd();
  const quiet = { info: () => undefined, warn: () => undefined };
  // Reopened 10 ms after a drop: the tests wait for the event, not for the back-off.
  const line = new Line(terminal, quiet, 10, 20);
  const debug: string[] = [];
  const channel = new LinkChannel(line, { debug: (m: string) => debug.push(m), warn: () => undefined });
  const messages: string[] = [];
  channel.on('message', (payload: Buffer) => messages.push(payload.toString('latin1')));
  await line.start();
  try {
    await run({ terminal, line, channel, messages, debug });
  } finally {
    channel.close();
    await line.close();
  }
}

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

function nextState(line: Line, wanted: string): Promise<string> {
  return new Promise((resolve) => {
    const on = (state: string, reason: string) => {
      if (state !== wanted) return;
      line.off('state', on);
      resolve(reason);
    };
    line.on('state', on);
  });
}

const REQUEST = '0100001234101097801234567890A010B010';

describe('LinkChannel: sending a request', () => {
  test('ENQ, the frame, EOT: the send resolves once the terminal ACKed, and the terminal has the request once (money rule 2)', async () => {
    await withChannel(async ({ terminal, channel }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      expect(terminal.heard).toEqual([REQUEST]);
      await waitFor(() => terminal.wire.length === 3);
      expect(terminal.wire).toEqual(['ENQ', `[${REQUEST}]`, 'EOT']);
    });
  });

  test('a NAKed frame is sent again, the same bytes, and the terminal takes the request once (money rule 2)', async () => {
    await withChannel(async ({ terminal, channel }) => {
      terminal.filter = spoilFrames(1);
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      expect(terminal.heard).toEqual([REQUEST]);
      await waitFor(() => terminal.wire.at(-1) === 'EOT');
      expect(terminal.wire).toEqual(['ENQ', `[${REQUEST}]`, `[${REQUEST}]`, 'EOT']);
    });
  });

  test('money rule 1: a frame NAKed four times is given up with a reason, and the terminal took nothing', async () => {
    await withChannel(async ({ terminal, channel }) => {
      terminal.filter = spoilFrames(4);
      await expect(channel.send(Buffer.from(REQUEST, 'latin1'))).rejects.toThrow('the terminal refused the frame too many times (NAK)');
      expect(terminal.heard).toEqual([]);
      expect(terminal.events.filter((e) => e.type === 'noise')).toHaveLength(4);
      expect(terminal.wire).toEqual(['ENQ', ...Array(4).fill(`[${REQUEST}]`), 'EOT']);
    });
  });

  test('sends wait their turn: the second ENQ only after the first exchange ended, and a failed send does not block the next', async () => {
    await withChannel(async ({ terminal, channel }) => {
      terminal.filter = spoilFrames(4);
      const first = channel.send(Buffer.from('FIRST', 'latin1'));
      const second = channel.send(Buffer.from('SECOND', 'latin1'));
      await expect(first).rejects.toThrow(/NAK/);
      await second;
      expect(terminal.heard).toEqual(['SECOND']);
      expect(terminal.wire).toEqual(['ENQ', '[FIRST]', '[FIRST]', '[FIRST]', '[FIRST]', 'EOT', 'ENQ', '[SECOND]', 'EOT']);
    });
  });

  test('money rule 1: with the line down the send rejects at once with the reason, and not a byte is written', async () => {
    await withChannel(async ({ terminal, line, channel }) => {
      const down = nextState(line, 'disconnected');
      terminal.pull('serial device /dev/ttyTEST disconnected');
      await down;
      await expect(channel.send(Buffer.from(REQUEST, 'latin1'))).rejects.toThrow(/^terminal not connected: /);
      await expect(channel.probe()).resolves.toBe(false);
      expect(terminal.written).toEqual([]);
    });
  });
});

describe('LinkChannel: the line drops during an exchange', () => {
  test('the send in flight rejects with the line\'s reason, and once the line is back a fresh link sends from ENQ', async () => {
    await withChannel(async ({ terminal, line, channel }) => {
      // The cable comes out just as the frame is on its way: no ACK will ever come for it.
      terminal.filter = (bytes) => {
        if (bytes[0] === STX) {
          terminal.filter = (b) => b;
          terminal.pull('serial device /dev/ttyTEST disconnected');
          return undefined;
        }
        return bytes;
      };
      const sending = channel.send(Buffer.from(REQUEST, 'latin1'));
      await expect(sending).rejects.toThrow('terminal line down: serial device /dev/ttyTEST disconnected');
      expect(terminal.heard).toEqual([]);

      const back = nextState(line, 'connected');
      terminal.unplugged = false;
      await back;
      terminal.written.length = 0;
      await channel.send(Buffer.from('AGAIN', 'latin1'));
      expect(terminal.heard).toEqual(['AGAIN']);
      await waitFor(() => terminal.wire.at(-1) === 'EOT');
      expect(terminal.wire).toEqual(['ENQ', '[AGAIN]', 'EOT']);
    });
  });
});

describe('LinkChannel: what the terminal sends', () => {
  test('money rule 1: an answer that comes with no request waiting (the caller stopped waiting) is still delivered, ACKed once', async () => {
    await withChannel(async ({ terminal, channel, messages }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      terminal.written.length = 0;
      terminal.answer('0100000123410978');
      await waitFor(() => messages.length === 1);
      expect(messages).toEqual(['0100000123410978']);
      await waitFor(() => terminal.events.some((e) => e.type === 'sent'));
      expect(terminal.wire).toEqual(['ACK', 'ACK']);
    });
  });

  test('a terminal answer frame with a bad LRC is NAKed, its good resend delivered once', async () => {
    await withChannel(async ({ terminal, messages }) => {
      const payload = Buffer.from('ANSWER', 'latin1');
      const good = [STX, ...payload, ETX, payload.reduce((x, b) => x ^ b, ETX)];
      const bad = [...good.slice(0, -1), good.at(-1)! ^ 0xff];
      terminal.filter = () => undefined; // the test plays the terminal byte by byte
      terminal.say(ENQ);
      await waitFor(() => terminal.wire.length === 1);
      terminal.say(...bad);
      await waitFor(() => terminal.wire.length === 2);
      terminal.say(...good);
      await waitFor(() => terminal.wire.length === 3);
      terminal.say(EOT);
      expect(terminal.wire).toEqual(['ACK', 'NAK', 'ACK']);
      await waitFor(() => messages.length === 1);
      expect(messages).toEqual(['ANSWER']);
    });
  });

  test('both sides ENQ at once: the terminal goes first, its answer is delivered, then the request is sent', async () => {
    await withChannel(async ({ terminal, channel, messages }) => {
      // The terminal's ENQ crosses ours: it ignores ours and starts its own exchange.
      let crossed = false;
      terminal.filter = (bytes) => {
        if (!crossed && bytes[0] === ENQ) {
          crossed = true;
          terminal.answer('LATE-ANSWER');
          return undefined;
        }
        return bytes;
      };
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      expect(messages).toEqual(['LATE-ANSWER']);
      expect(terminal.heard).toEqual([REQUEST]);
      await waitFor(() => terminal.wire.at(-1) === 'EOT');
      expect(terminal.wire).toEqual(['ENQ', 'ACK', 'ACK', 'ENQ', `[${REQUEST}]`, 'EOT']);
    });
  });

  test('bytes outside an exchange are line noise: logged at debug with their count only (they may hold card data)', async () => {
    await withChannel(async ({ terminal, debug, messages }) => {
      terminal.say(0x34, 0x39, 0x37, 0x30);
      await waitFor(() => debug.length === 1);
      expect(debug).toEqual(['ignored 4 byte(s) of line noise']);
      expect(messages).toEqual([]);
    });
  });
});

describe('LinkChannel: probe and close', () => {
  test('probe: ENQ answered by ACK is true, and the connector ends it with EOT', async () => {
    await withChannel(async ({ terminal, channel }) => {
      await expect(channel.probe()).resolves.toBe(true);
      await waitFor(() => terminal.wire.length === 2);
      expect(terminal.wire).toEqual(['ENQ', 'EOT']);
    });
  });

  test('close: a send in flight rejects "closed", and later bytes from the terminal are not delivered', async () => {
    await withChannel(async ({ terminal, channel, messages }) => {
      terminal.filter = () => undefined; // a deaf terminal: nothing is ever ACKed
      const sending = channel.send(Buffer.from(REQUEST, 'latin1'));
      await waitFor(() => terminal.written.length === 1);
      channel.close();
      await expect(sending).rejects.toThrow('closed');
      terminal.filter = (b) => b;
      terminal.answer('AFTER-CLOSE');
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(messages).toEqual([]);
    });
  });
});

/**
 * The link's own timers (3 s for an ACK, three ENQ tries: terminal-protocols.md) on Jest's fake clock.
 * LinkChannel reads time from perf_hooks' performance.now(), which Jest's fake timers leave alone: it is
 * pointed at the fake Date for these tests only.
 */
describe('LinkChannel: a terminal that does not answer (fake clock)', () => {
  let nowSpy: jest.SpyInstance | undefined;
  beforeEach(() => {
    jest.useFakeTimers();
    nowSpy = jest.spyOn(performance, 'now').mockImplementation(() => Date.now());
  });
  afterEach(() => {
    nowSpy?.mockRestore();
    jest.useRealTimers();
  });

  async function rig(): Promise<{ terminal: TerminalEnd; channel: LinkChannel; line: Line }> {
    const terminal = new TerminalEnd();
    const line = new Line(terminal, { info: () => undefined, warn: () => undefined });
    const channel = new LinkChannel(line, { debug: () => undefined, warn: () => undefined });
    await line.start();
    return { terminal, channel, line };
  }

  test('money rule 2: a frame neither ACKed nor NAKed is not sent again; the send rejects after 3 s', async () => {
    const { terminal, channel, line } = await rig();
    terminal.filter = (bytes) => (bytes[0] === STX ? undefined : bytes);
    const sending = channel.send(Buffer.from(REQUEST, 'latin1'));
    const outcome = sending.then(() => 'sent', (err: Error) => err.message);
    await jest.advanceTimersByTimeAsync(2999);
    expect(terminal.wire).toEqual(['ENQ', `[${REQUEST}]`]);
    await jest.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe('the terminal did not acknowledge the request (no ACK)');
    // The terminal may have taken it and lost only its ACK: one frame, then EOT, never a second request.
    expect(terminal.wire).toEqual(['ENQ', `[${REQUEST}]`, 'EOT']);
    channel.close();
    await line.close();
  });

  test('money rule 1: an ENQ never answered is tried three times, then the send rejects: nothing reached the terminal', async () => {
    const { terminal, channel, line } = await rig();
    terminal.filter = () => undefined;
    const outcome = channel.send(Buffer.from(REQUEST, 'latin1')).then(() => 'sent', (err: Error) => err.message);
    await jest.advanceTimersByTimeAsync(3 * 3000 + 2 * 500);
    await expect(outcome).resolves.toBe('the terminal did not acknowledge the request (no ACK)');
    expect(terminal.wire).toEqual(['ENQ', 'EOT', 'ENQ', 'EOT', 'ENQ', 'EOT']);
    expect(terminal.wire.some((w) => w.startsWith('['))).toBe(false);
    channel.close();
    await line.close();
  });

  test('a probe in flight answers false as soon as the line drops, before its own 3 s are over', async () => {
    const { terminal, channel, line } = await rig();
    terminal.filter = (bytes) => {
      if (bytes[0] === ENQ) terminal.pull('connection to the terminal closed');
      return undefined;
    };
    let answer: boolean | undefined;
    void channel.probe().then((ok) => (answer = ok));
    await jest.advanceTimersByTimeAsync(0);
    expect(answer).toBe(false);
    channel.close();
    await line.close();
  });

  test('probe: an ENQ not answered within 3 s is false, tried once', async () => {
    const { terminal, channel, line } = await rig();
    terminal.filter = () => undefined;
    const probing = channel.probe();
    await jest.advanceTimersByTimeAsync(3000);
    await expect(probing).resolves.toBe(false);
    expect(terminal.wire).toEqual(['ENQ', 'EOT']);
    channel.close();
    await line.close();
  });
});
