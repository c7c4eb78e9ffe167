/**
 * The Concert link layer over a Line, driven by protocol's LinkRunner (bytes and time in, bytes out, one
 * timer at the link's deadline): this file only turns the link's events into sends that resolve, probes that
 * answer and messages. A line that drops resets the link to a clean state.
 */
import { EventEmitter } from 'node:events';
import { realClock, type Logger } from '@ecr/common';
import { ConcertLink, LinkRunner, type LinkEvent } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { MessageChannel, MessageChannelEvents } from './message-channel';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

export class LinkChannel extends EventEmitter<MessageChannelEvents> implements MessageChannel {
  private readonly runner: LinkRunner<ConcertLink, LinkEvent>;
  /** Sends wait their turn: the link carries one exchange at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private sending?: Waiter<void>;
  private probing?: Waiter<boolean>;
  private readonly onData = (chunk: Buffer) => this.runner.receive(chunk);
  private readonly onState = (state: string, reason: string) => {
    if (state !== 'connected') this.reset(`terminal line down: ${reason}`);
  };

  constructor(
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'debug' | 'warn'>,
  ) {
    super();
    this.runner = new LinkRunner<ConcertLink, LinkEvent>({
      machine: new ConcertLink({ role: 'ecr' }),
      write: (bytes) => line.write(Buffer.from(bytes)),
      clock: realClock,
      onEvent: (event) => this.onEvent(event),
    });
    line.on('data', this.onData);
    line.on('state', this.onState);
  }

  send(payload: Buffer): Promise<void> {
    return this.enqueue(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.line.state !== 'connected') return reject(new Error(`terminal not connected: ${this.line.reason}`));
          this.sending = { resolve, reject };
          this.runner.do((link, now) => link.send(payload, now));
        }),
    );
  }

  probe(): Promise<boolean> {
    return this.enqueue(
      () =>
        new Promise<boolean>((resolve, reject) => {
          if (this.line.state !== 'connected') return resolve(false);
          this.probing = { resolve, reject };
          this.runner.do((link, now) => link.probe(now));
        }),
    );
  }

  close(): void {
    this.runner.stop();
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.reset('closed');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private onEvent(event: LinkEvent): void {
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

  private settle(key: 'sending'): Waiter<void> | undefined;
  private settle(key: 'probing'): Waiter<boolean> | undefined;
  private settle(key: 'sending' | 'probing'): Waiter<void> | Waiter<boolean> | undefined {
    const waiter = this[key];
    this[key] = undefined;
    return waiter;
  }

  private reset(reason: string): void {
    this.runner.replace(new ConcertLink({ role: 'ecr' }));
    this.settle('sending')?.reject(new Error(reason));
    this.settle('probing')?.resolve(false);
  }
}
