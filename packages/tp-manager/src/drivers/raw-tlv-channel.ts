/**
 * Concert V3 over TCP: the TLV travels raw, with no length and no terminator. The sans-I/O deframer of
 * @ecr/protocol cuts the stream into messages; protocol's LinkRunner feeds it bytes and time and arms its one
 * timer.
 * An answer is taken as soon as it is whole (it echoes the request's tags and has AE, and the ticket
 * container when a ticket was asked for an approval); only one that does not look whole waits a short
 * silence. Two answers in one read are two answers; leftovers and separators are skipped and reported.
 */
import { EventEmitter } from 'node:events';
import { realClock, type Logger } from '@ecr/common';
import { LinkRunner, TlvStreamDeframer, parseTlv, readingMachine, v3AnswerIsComplete, type LinkMachine, type TlvStreamEvent } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { MessageChannel, MessageChannelEvents } from './message-channel';

export interface RawTlvChannelOptions {
  /**
   * Bytes after each request. HiPay's Nepting terminals ask for CR/LF after the payment request
   * (developer.hipay.com, "Local API for Nepting", troubleshooting); Ingenico terminals, and akretion's
   * simulator, would read it as a broken tag, so the generic profile sends none.
   */
  requestSuffix?: Buffer;
  /** Silence after which a message that does not look whole is taken as it is. */
  quietMs?: number;
}

export class RawTlvChannel extends EventEmitter<MessageChannelEvents> implements MessageChannel {
  private readonly deframer: TlvStreamDeframer;
  private readonly runner: LinkRunner<LinkMachine<TlvStreamEvent>, TlvStreamEvent>;
  private readonly suffix: Buffer;
  private readonly onData = (chunk: Buffer) => this.runner.receive(chunk);
  private readonly onState = (state: string) => {
    if (state !== 'connected') this.runner.do(() => ({ write: [], events: this.deframer.reset('the connection to the terminal dropped') }));
  };

  constructor(
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'warn' | 'debug'>,
    options: RawTlvChannelOptions = {},
  ) {
    super();
    this.suffix = options.requestSuffix ?? Buffer.alloc(0);
    this.deframer = new TlvStreamDeframer(options.quietMs === undefined ? {} : { quietMs: options.quietMs });
    this.runner = new LinkRunner<LinkMachine<TlvStreamEvent>, TlvStreamEvent>({
      machine: readingMachine(this.deframer),
      write: () => undefined, // a deframer writes nothing: requests go out in send()
      clock: realClock,
      onEvent: (event) => this.onEvent(event),
    });
    line.on('data', this.onData);
    line.on('state', this.onState);
  }

  send(payload: Buffer): Promise<void> {
    // The answer echoes this request's tags: that is how a whole answer is recognised without waiting.
    const request = parseTlv(payload).fields;
    this.deframer.expect((fields) => v3AnswerIsComplete(fields, request));
    const bytes = this.suffix.length > 0 ? Buffer.concat([payload, this.suffix]) : payload;
    if (!this.line.write(bytes)) return Promise.reject(new Error(`terminal not connected: ${this.line.reason}`));
    return Promise.resolve();
  }

  probe(): Promise<boolean> {
    return Promise.resolve(this.line.state === 'connected');
  }

  close(): void {
    this.runner.stop();
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.deframer.reset();
  }

  private onEvent(event: TlvStreamEvent): void {
    if (event.type === 'message') {
      this.emit('message', event.bytes);
    } else if (event.separatorsOnly) {
      this.logger.debug(`skipped ${event.bytes.length} separator byte(s) from the terminal`);
    } else {
      this.logger.warn(`skipped ${event.bytes.length} byte(s) from the terminal: ${event.why}`);
    }
  }
}
