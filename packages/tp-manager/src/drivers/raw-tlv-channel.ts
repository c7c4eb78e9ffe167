/**
 * Concert V3 over TCP: the TLV travels raw, with no length and no terminator. The sans-I/O deframer of
 * @ecr/protocol cuts the stream into messages; this channel feeds it bytes and time and arms its one timer.
 * An answer is taken as soon as it is whole (it echoes the request's tags and has AE, and the ticket
 * container when a ticket was asked for an approval); only one that does not look whole waits a short
 * silence. Two answers in one read are two answers; leftovers and separators are skipped and reported.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { TlvStreamDeframer, parseTlv, v3AnswerIsComplete, type TlvStreamEvent } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { MessageChannel, MessageChannelEvents } from './message-channel';
import type { Logger } from '@ecr/common';

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
  private timer?: NodeJS.Timeout;
  private readonly suffix: Buffer;
  private readonly onData = (chunk: Buffer) => this.apply(this.deframer.receive(chunk, performance.now()));
  private readonly onState = (state: string) => {
    if (state !== 'connected') this.apply(this.deframer.reset('the connection to the terminal dropped'));
  };

  constructor(
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'warn' | 'debug'>,
    options: RawTlvChannelOptions = {},
  ) {
    super();
    this.suffix = options.requestSuffix ?? Buffer.alloc(0);
    this.deframer = new TlvStreamDeframer(options.quietMs === undefined ? {} : { quietMs: options.quietMs });
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
    clearTimeout(this.timer);
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.deframer.reset();
  }

  private apply(events: TlvStreamEvent[]): void {
    for (const event of events) {
      if (event.type === 'message') {
        this.emit('message', event.bytes);
      } else if (event.separatorsOnly) {
        this.logger.debug(`skipped ${event.bytes.length} separator byte(s) from the terminal`);
      } else {
        this.logger.warn(`skipped ${event.bytes.length} byte(s) from the terminal: ${event.why}`);
      }
    }
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const deadline = this.deframer.deadline;
    if (deadline === undefined) return;
    this.timer = setTimeout(() => this.apply(this.deframer.tick(performance.now())), Math.max(0, deadline - performance.now()));
  }
}
