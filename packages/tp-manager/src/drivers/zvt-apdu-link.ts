/**
 * Moves whole ZVT APDUs over the Line: bare over TCP (ZvtTcpDeframer splits the stream), or in DLE STX ...
 * DLE ETX CRC frames with ACK/NAK on a serial line (the sans-I/O ZvtSerialLink, driven by protocol's LinkRunner).
 * Knows no message: zvt-driver.ts does. A line that drops forgets half-received bytes and fails the sends
 * still waiting for their ACK.
 */
import { EventEmitter } from 'node:events';
import { realClock, type Logger } from '@ecr/common';
import { LinkRunner, zvt } from '@ecr/protocol';
import type { Line } from '../transports/line';

export type ZvtFraming = 'tcp' | 'serial';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Emits 'apdu' (zvt.Apdu) for every APDU the terminal sends. */
export interface ZvtApduLinkEvents {
  apdu: [apdu: zvt.Apdu];
}

export class ZvtApduLink extends EventEmitter<ZvtApduLinkEvents> {
  private deframer = new zvt.ZvtTcpDeframer();
  /** Serial framing only. */
  private readonly runner?: LinkRunner<zvt.ZvtSerialLink, zvt.ZvtLinkEvent>;
  /** Serial: one waiter per frame handed to the link, in order (the link sends them one at a time). */
  private waiters: Waiter[] = [];
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onState = (state: string, reason: string) => {
    if (state !== 'connected') this.reset(`terminal line down: ${reason}`);
  };

  constructor(
    private readonly line: Line,
    readonly framing: ZvtFraming,
    private readonly logger: Pick<Logger, 'debug' | 'warn'>,
  ) {
    super();
    if (framing === 'serial') {
      this.runner = new LinkRunner<zvt.ZvtSerialLink, zvt.ZvtLinkEvent>({
        machine: new zvt.ZvtSerialLink({ role: 'ecr' }),
        write: (bytes) => line.write(Buffer.from(bytes)),
        clock: realClock,
        onEvent: (event) => this.onLinkEvent(event),
      });
    }
    line.on('data', this.onData);
    line.on('state', this.onState);
  }

  /**
   * Resolves once the APDU is on its way: written to the socket (TCP), or ACKed by the terminal's link
   * layer (serial). Rejects with a one-line reason when it surely did not reach the terminal, or may not have.
   */
  send(apdu: Buffer): Promise<void> {
    if (this.line.state !== 'connected') return Promise.reject(new Error(`terminal not connected: ${this.line.reason}`));
    const runner = this.runner;
    if (!runner) {
      this.line.write(apdu);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      runner.do((link, now) => link.send(apdu, now));
    });
  }

  close(): void {
    this.runner?.stop();
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.reset('closed');
  }

  private receive(chunk: Buffer): void {
    if (this.runner) {
      this.runner.receive(chunk);
      return;
    }
    for (const apdu of this.deframer.push(chunk)) this.emit('apdu', apdu);
  }

  private onLinkEvent(event: zvt.ZvtLinkEvent): void {
    switch (event.type) {
      case 'message': {
        const parsed = zvt.parseApdu(event.apdu);
        if (parsed.kind === 'apdu') this.emit('apdu', parsed.apdu);
        else this.logger.warn(`the terminal sent a frame that holds no whole APDU (${event.apdu.length} bytes): ignored`);
        break;
      }
      case 'sent':
        this.waiters.shift()?.resolve();
        break;
      case 'send-failed':
        this.waiters
          .shift()
          ?.reject(new Error(event.reason === 'no-answer' ? 'the terminal did not acknowledge the frame (no ACK)' : 'the terminal refused the frame too many times (NAK)'));
        break;
      case 'noise':
        // Never the bytes themselves: a broken frame may hold card data.
        this.logger.debug(`ignored ${event.bytes.length} byte(s) of line noise or a bad frame`);
        break;
    }
  }

  private reset(reason: string): void {
    this.deframer.reset();
    this.runner?.replace(new zvt.ZvtSerialLink({ role: 'ecr' }));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error(reason));
  }
}
