/**
 * Runs the sans-I/O Concert link layer over a Line: feeds it bytes and time, writes what it says to write,
 * and arms one timer at the deadline it asks for. A line that drops resets the link to a clean state.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ConcertLink, type LinkStep } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { MessageChannel, MessageChannelEvents } from './message-channel';
import type { Logger } from '@ecr/common';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

export class LinkChannel extends EventEmitter<MessageChannelEvents> implements MessageChannel {
  private link = new ConcertLink({ role: 'ecr' });
  private timer?: NodeJS.Timeout;
  /** Sends wait their turn: the link carries one exchange at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private sending?: Waiter<void>;
  private probing?: Waiter<boolean>;
  private readonly onData = (chunk: Buffer) => this.apply(this.link.receive(chunk, performance.now()));
  private readonly onState = (state: string, reason: string) => {
    if (state !== 'connected') this.reset(`terminal line down: ${reason}`);
  };

  constructor(
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'debug' | 'warn'>,
  ) {
    super();
    line.on('data', this.onData);
    line.on('state', this.onState);
  }

  send(payload: Buffer): Promise<void> {
    return this.enqueue(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.line.state !== 'connected') return reject(new Error(`terminal not connected: ${this.line.reason}`));
          this.sending = { resolve, reject };
          this.apply(this.link.send(payload, performance.now()));
        }),
    );
  }

  probe(): Promise<boolean> {
    return this.enqueue(
      () =>
        new Promise<boolean>((resolve, reject) => {
          if (this.line.state !== 'connected') return resolve(false);
          this.probing = { resolve, reject };
          this.apply(this.link.probe(performance.now()));
        }),
    );
  }

  close(): void {
    clearTimeout(this.timer);
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.reset('closed');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private apply(step: LinkStep): void {
    for (const bytes of step.write) this.line.write(bytes);
    for (const event of step.events) {
      switch (event.type) {
        case 'message':
          this.emit('message', event.payload);
          break;
        case 'sent':
          this.settle('sending')?.resolve();
          break;
        case 'send-failed':
          this.settle('sending')?.reject(
            new Error(event.reason === 'no-answer' ? 'the terminal did not acknowledge the request (no ACK)' : 'the terminal refused the frame too many times (NAK)'),
          );
          break;
        case 'probe':
          this.settle('probing')?.resolve(event.ok);
          break;
        case 'noise':
          this.logger.debug(`ignored ${event.bytes.length} byte(s) of line noise`);
          break;
      }
    }
    this.arm();
  }

  private settle(key: 'sending'): Waiter<void> | undefined;
  private settle(key: 'probing'): Waiter<boolean> | undefined;
  private settle(key: 'sending' | 'probing'): Waiter<void> | Waiter<boolean> | undefined {
    const waiter = this[key];
    this[key] = undefined;
    return waiter;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const deadline = this.link.deadline;
    if (deadline === undefined) return;
    this.timer = setTimeout(() => this.apply(this.link.tick(performance.now())), Math.max(0, deadline - performance.now()));
  }

  private reset(reason: string): void {
    clearTimeout(this.timer);
    this.link = new ConcertLink({ role: 'ecr' });
    this.settle('sending')?.reject(new Error(reason));
    this.settle('probing')?.resolve(false);
  }
}
