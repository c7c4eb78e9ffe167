/**
 * Concert V3 over TCP: the TLV travels raw, with no length and no terminator. An answer is complete when the
 * buffer parses to a field boundary, holds the status tag AE, and no byte followed for a short quiet time
 * (terminals send the answer in one burst; the quiet time only guards against a split TCP segment).
 */
import { EventEmitter } from 'node:events';
import { parseTlv } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { MessageChannel } from './message-channel';

export class RawTlvChannel extends EventEmitter implements MessageChannel {
  private buffer = Buffer.alloc(0);
  private quietTimer?: NodeJS.Timeout;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onState = () => this.clear();

  constructor(
    private readonly line: Line,
    private readonly logger: { warn(message: string): void },
    private readonly quietMs = 30,
  ) {
    super();
    line.on('data', this.onData);
    line.on('state', this.onState);
  }

  send(payload: Buffer): Promise<void> {
    if (!this.line.write(payload)) return Promise.reject(new Error(`terminal not connected: ${this.line.reason}`));
    return Promise.resolve();
  }

  probe(): Promise<boolean> {
    return Promise.resolve(this.line.state === 'connected');
  }

  close(): void {
    this.line.off('data', this.onData);
    this.line.off('state', this.onState);
    this.clear();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    clearTimeout(this.quietTimer);
    const parsed = parseTlv(this.buffer);
    if (parsed.status === 'invalid') {
      this.logger.warn(`ignored ${this.buffer.length} byte(s) from the terminal that are not TLV: ${parsed.error ?? ''}`);
      this.buffer = Buffer.alloc(0);
      return;
    }
    if (parsed.status === 'complete' && parsed.fields.some((f) => f.tag === 'AE')) {
      this.quietTimer = setTimeout(() => {
        const message = this.buffer;
        this.buffer = Buffer.alloc(0);
        this.emit('message', message);
      }, this.quietMs);
    }
  }

  private clear(): void {
    clearTimeout(this.quietTimer);
    this.buffer = Buffer.alloc(0);
  }
}
