/**
 * The line to the terminal, kept open: opens the transport, and when it drops or cannot be opened, tries
 * again with back-off (1 s doubling to 10 s). Emits 'state' (LinkState, reason), 'data' and 'reopened'.
 */
import { EventEmitter } from 'node:events';
import type { LinkState, Logger } from '@ecr/common';
import type { ByteTransport } from './byte-transport';

/** 'state' when the link changes (with its one-line reason), 'data' from the terminal, 'reopened' after a drop. */
export interface LineEvents {
  state: [state: LinkState, reason: string];
  data: [chunk: Buffer];
  reopened: [];
}

export class Line extends EventEmitter<LineEvents> {
  private currentState: LinkState = 'disconnected';
  private lastReason = 'not opened yet';
  private retryTimer?: NodeJS.Timeout;
  private delayMs: number;
  private closed = false;

  constructor(
    readonly transport: ByteTransport,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly minDelayMs = 1000,
    private readonly maxDelayMs = 10_000,
  ) {
    super();
    this.delayMs = minDelayMs;
    transport.on('data', (chunk: Buffer) => this.emit('data', chunk));
    transport.on('close', (reason: string) => {
      this.setState('disconnected', reason);
      this.logger.warn(`terminal line lost: ${reason}; reopening`);
      this.scheduleOpen();
    });
  }

  get state(): LinkState {
    return this.currentState;
  }

  get reason(): string {
    return this.lastReason;
  }

  /** Starts keeping the line open. Resolves after the first try, whatever its outcome. */
  async start(): Promise<void> {
    await this.tryOpen();
  }

  write(bytes: Buffer): boolean {
    if (this.currentState !== 'connected') return false;
    this.transport.write(bytes);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.transport.close();
    this.setState('disconnected', 'closed');
  }

  private async tryOpen(): Promise<void> {
    if (this.closed) return;
    this.setState('connecting', this.lastReason);
    try {
      await this.transport.open();
      if (this.closed) {
        await this.transport.close();
        return;
      }
      this.delayMs = this.minDelayMs;
      this.setState('connected', 'open');
      this.logger.info(`terminal line open: ${this.transport.description}`);
      this.emit('reopened');
    } catch (err) {
      const reason = (err as Error).message;
      // One line per distinct reason, not one per retry: a technician reads the log, it must not flood.
      if (reason !== this.lastReason) this.logger.warn(`terminal line not open: ${reason}; retrying every ${this.maxDelayMs / 1000} s at most`);
      this.setState('disconnected', reason);
      this.scheduleOpen();
    }
  }

  private scheduleOpen(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.tryOpen(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
  }

  private setState(state: LinkState, reason: string): void {
    const changed = state !== this.currentState;
    this.currentState = state;
    this.lastReason = reason;
    if (changed) this.emit('state', state, reason);
  }
}
