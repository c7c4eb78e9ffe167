/**
 * Whole protocol messages to and from the terminal, whatever frames them. Emits 'message' (payload: Buffer)
 * for every complete message the terminal sends, solicited or not (a late answer is still an answer).
 */
import type { EventEmitter } from 'node:events';

export interface MessageChannelEvents {
  message: [payload: Buffer];
}

export interface MessageChannel extends EventEmitter<MessageChannelEvents> {
  /** Resolves when the terminal took the message (Concert: ACKed), rejects with a one-line reason. */
  send(payload: Buffer): Promise<void>;
  /** "Is the terminal there": Concert ENQ answered by ACK, or an open TCP connection. */
  probe(): Promise<boolean>;
  close(): void;
}
