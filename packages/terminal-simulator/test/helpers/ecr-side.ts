/**
 * The cash register's end of the line for tests: a real SerialPort driving ConcertLink('ecr') from
 * @ecr/protocol through its LinkRunner, on real time. It sends a request, collects the terminal's messages, and can NAK the
 * next frames it receives (by spoiling their LRC before the link layer checks it).
 */
import { SerialPort } from 'serialport';
import { realClock } from '@ecr/common';
import { ConcertLink, ETX, LinkRunner, STX, type LinkEvent } from '@ecr/protocol';

export class EcrSide {
  /** Every event of the ECR's link layer, in order. */
  readonly events: LinkEvent[] = [];
  /** Every byte received from the terminal, as it came. */
  readonly received: Buffer[] = [];
  /** Spoil the LRC of the next N frames received, so the ECR NAKs them. */
  nakNextFrames = 0;

  private readonly runner: LinkRunner<ConcertLink, LinkEvent>;
  private readonly messages: Buffer[] = [];
  private waiters: (() => void)[] = [];
  /** Called with each link event; with undefined when the ECR side closes. */
  private readonly listeners = new Set<(e: LinkEvent | undefined) => void>();
  private closed = false;
  private inFrame = false;
  private lrcNext = false;

  /** Port errors (kept for the test to inspect; a write racing close() is not a crash). */
  readonly errors: Error[] = [];

  private constructor(private readonly port: SerialPort) {
    this.runner = new LinkRunner<ConcertLink, LinkEvent>({
      machine: new ConcertLink({ role: 'ecr' }),
      write: (bytes) => port.write(Buffer.from(bytes)),
      clock: realClock,
      onEvent: (e) => this.onEvent(e),
    });
    port.on('error', (err: Error) => this.errors.push(err));
    port.on('data', (bytes: Buffer) => {
      if (this.closed) return;
      this.received.push(bytes);
      this.runner.receive(this.spoil(bytes));
    });
  }

  static async open(path: string): Promise<EcrSide> {
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new EcrSide(port);
  }

  /** Sends one payload; resolves when the terminal ACKed it, rejects when the link gave up. */
  send(payload: Buffer): Promise<void> {
    const done = this.waitFor((e) => e.type === 'sent' || e.type === 'send-failed', 15_000);
    this.runner.do((link, now) => link.send(payload, now));
    return done.then((e) => {
      if (e.type === 'send-failed') throw new Error(`request not taken by the terminal: ${e.reason}`);
    });
  }

  /** ENQ -> ACK -> EOT: true when the terminal answered. */
  async probe(): Promise<boolean> {
    const done = this.waitFor((e) => e.type === 'probe', 10_000);
    this.runner.do((link, now) => link.probe(now));
    const e = await done;
    return e.type === 'probe' && e.ok;
  }

  /** The next message the terminal sends (already ACKed by the link layer). */
  async nextMessage(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message from the terminal within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.messages.shift() as Buffer;
  }

  /** No message arrives during `ms` (for the silent terminal). */
  async expectSilence(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.messages.length > 0) throw new Error(`unexpected message from the terminal: ${this.messages[0].toString('latin1')}`);
  }

  /** Bytes the link layer reported as noise. */
  noise(): Buffer {
    return Buffer.concat(this.events.flatMap((e) => (e.type === 'noise' ? [e.bytes] : [])));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.runner.stop();
    for (const w of this.waiters) w();
    this.waiters = [];
    for (const listener of [...this.listeners]) listener(undefined);
    if (!this.port.isOpen) return;
    // Let the last ACK or EOT reach the line before the port goes away.
    await new Promise<void>((resolve) => this.port.drain(() => resolve()));
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private waitFor(match: (e: LinkEvent) => boolean, timeoutMs: number): Promise<LinkEvent> {
    return new Promise<LinkEvent>((resolve, reject) => {
      const listener = (e: LinkEvent | undefined): void => {
        if (e !== undefined && !match(e)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (e === undefined) reject(new Error('the ECR side was closed'));
        else resolve(e);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`link event not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  private onEvent(e: LinkEvent): void {
    this.events.push(e);
    for (const listener of [...this.listeners]) listener(e);
    if (e.type === 'message') {
      this.messages.push(e.payload);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  private spoil(bytes: Buffer): Buffer {
    let out = bytes;
    for (let i = 0; i < bytes.length; i++) {
      if (this.lrcNext) {
        this.lrcNext = false;
        this.inFrame = false;
        if (this.nakNextFrames > 0) {
          this.nakNextFrames -= 1;
          if (out === bytes) out = Buffer.from(bytes);
          out[i] ^= 0xff;
        }
      } else if (bytes[i] === STX) {
        this.inFrame = true;
      } else if (bytes[i] === ETX && this.inFrame) {
        this.lrcNext = true;
      }
    }
    return out;
  }
}
