/**
 * One terminal protocol behind one interface, so a new protocol is a new codec and nothing else changes.
 * The driver sends requests and reports every answer the terminal gives, matched by the reference the
 * terminal echoes (Concert private field): answers can arrive late, after the caller stopped waiting.
 */
import { EventEmitter } from 'node:events';
import type { PaymentRequest, PaymentResult } from '@ecr/common';
import type { MessageChannel } from './message-channel';

export interface DecodedAnswer {
  /** The echoed reference, or undefined when the terminal echoed none. */
  ref?: string;
  result: PaymentResult;
}

export interface PaymentCodec {
  readonly protocol: 'concert-v2' | 'concert-v3';
  encodeRequest(request: PaymentRequest): Buffer;
  /** A one-line error for a message that is not an answer. */
  decodeAnswer(payload: Buffer): { ok: true; value: DecodedAnswer } | { ok: false; error: string };
}

export interface Capabilities {
  tlc: boolean;
  reset: boolean;
  deviceId: boolean;
}

/** Emits 'answer' (DecodedAnswer) and 'bad-answer' (error: string). */
export class TerminalDriver extends EventEmitter {
  /** Concert V2 and V3 carry no telecollection, reset or serial-number message (terminal-protocols.md). */
  readonly capabilities: Capabilities = { tlc: false, reset: false, deviceId: false };

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
