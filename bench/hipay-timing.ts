/**
 * How long the HiPay sandbox (an HTTP server in this process) spends on each Order API call, seen from the
 * server itself through Node's http diagnostics channels: from its request's headers parsed to its answer
 * finished. This is HiPay's own time in a payment, which the connector does not control.
 */
import * as diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { epochMs } from './stats';

export interface ServerCall {
  url: string;
  method: string;
  startAt: number;
  finishAt: number;
}

export class HipayTiming {
  readonly calls: ServerCall[] = [];
  private readonly open = new WeakMap<IncomingMessage, number>();
  private readonly onStart = (message: unknown): void => {
    const { request } = message as { request: IncomingMessage };
    if (request.url?.startsWith('/rest/')) this.open.set(request, epochMs());
  };
  private readonly onFinish = (message: unknown): void => {
    const { request } = message as { request: IncomingMessage };
    const startAt = this.open.get(request);
    if (startAt === undefined) return;
    this.open.delete(request);
    this.calls.push({ url: request.url ?? '', method: request.method ?? '', startAt, finishAt: epochMs() });
  };

  constructor() {
    diagnostics.subscribe('http.server.request.start', this.onStart);
    diagnostics.subscribe('http.server.response.finish', this.onFinish);
  }

  /** Calls that started within [from, to] (epoch ms). */
  between(from: number, to: number): ServerCall[] {
    return this.calls.filter((c) => c.startAt >= from && c.startAt <= to);
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.onStart);
    diagnostics.unsubscribe('http.server.response.finish', this.onFinish);
  }
}
