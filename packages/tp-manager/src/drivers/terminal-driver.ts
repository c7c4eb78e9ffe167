/**
 * One terminal protocol behind one interface, so a new protocol is a new codec and nothing else changes.
 * The driver sends requests and reports every answer the terminal gives, with the reference it carries
 * (Concert private field), which may be no echo at all: answer-attribution.ts decides whose answer it is.
 * Answers can arrive late, after the caller stopped waiting.
 */
import { EventEmitter } from 'node:events';
import type { PaymentRequest, PaymentResult, Result } from '@ecr/common';
import type { MessageChannel } from './message-channel';

export interface DecodedAnswer {
  /** The reference field as the terminal sent it (not always an echo), or undefined when it sent none. */
  ref?: string;
  /** result.amount and result.currencyNumeric are the terminal's; when it gave none they are 0 and ''. */
  result: PaymentResult;
  /** Whether the answer carried an amount (Concert V3 CB may be missing or empty; V2 always has one). */
  hasAmount: boolean;
  hasCurrency: boolean;
}

export interface PaymentCodec {
  readonly protocol: 'concert-v2' | 'concert-v3';
  /** For messages: "Concert V3". */
  readonly label: string;
  encodeRequest(request: PaymentRequest): Buffer;
  /** A one-line error for a message that is not an answer. */
  decodeAnswer(payload: Buffer): Result<DecodedAnswer>;
}

export interface Capabilities {
  tlc: boolean;
  reset: boolean;
  deviceId: boolean;
  /** The protocol can abort a payment from the cash register (ZVT 06 B0). */
  abort: boolean;
}

/**
 * What the payment runner and the command handler need of a driver, whatever the protocol (Concert through
 * TerminalDriver and a codec, ZVT through its session: zvt-driver.ts).
 * Emits 'answer' (DecodedAnswer) and 'bad-answer' (error: string).
 */
export interface PaymentDriverEvents {
  answer: [answer: DecodedAnswer];
  'bad-answer': [error: string];
}

export interface PaymentDriver {
  // One overload per event (not EventEmitter<PaymentDriverEvents>): a driver may emit more (ZVT: 'unsolicited').
  on(event: 'answer', listener: (answer: DecodedAnswer) => void): unknown;
  on(event: 'bad-answer', listener: (error: string) => void): unknown;
  off(event: 'answer', listener: (answer: DecodedAnswer) => void): unknown;
  off(event: 'bad-answer', listener: (error: string) => void): unknown;
  readonly capabilities: Capabilities;
  readonly protocol: string;
  readonly label: string;
  abort(): Promise<void>;
  sendPayment(request: PaymentRequest): Promise<void>;
  probe(): Promise<boolean>;
  close(): void;
}

/** Emits 'answer' (DecodedAnswer) and 'bad-answer' (error: string). */
export class TerminalDriver extends EventEmitter<PaymentDriverEvents> implements PaymentDriver {
  /** Concert V2 and V3 carry no telecollection, reset, serial-number or abort message (terminal-protocols.md). */
  readonly capabilities: Capabilities = { tlc: false, reset: false, deviceId: false, abort: false };

  constructor(
    private readonly channel: MessageChannel,
    private readonly codec: PaymentCodec,
  ) {
    super();
    channel.on('message', (payload: Buffer) => {
      const decoded = codec.decodeAnswer(payload);
      if (decoded.ok) this.emit('answer', decoded.value);
      else this.emit('bad-answer', decoded.error);
    });
  }

  get protocol(): string {
    return this.codec.protocol;
  }

  /** "Concert V3": for messages a person reads. */
  get label(): string {
    return this.codec.label;
  }

  /** Asks the terminal to abort the payment in progress; only when capabilities.abort. */
  abort(): Promise<void> {
    return Promise.reject(new Error(`${this.codec.label} has no abort message`));
  }

  /** Resolves once the terminal has taken the request; its answer comes later as an 'answer' event. */
  sendPayment(request: PaymentRequest): Promise<void> {
    return this.channel.send(this.codec.encodeRequest(request));
  }

  probe(): Promise<boolean> {
    return this.channel.probe();
  }

  close(): void {
    this.channel.close();
  }
}
