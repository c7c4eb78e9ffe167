/** Test harness for the HTTP layer: the real app on a real port, a fake ConnectorService, a recording logger. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { completeReceipt } from '@ecr/common';
import { ConnectorError } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from '../../src/contract';
import type { ConnectorService } from '../../src/service';
import { createApp } from '../../src/http/app';
import type { MetricsSource } from '../../src/metrics/metrics-route';
import { ORDER_EXAMPLE } from '../../src/http/openapi';

export const LOGIN = 'kiosk';
export const PASSWORD = 'S3cret-pwd!';

/** The seed guide's example, with the contract's e-mail address (the one the OpenAPI description shows). */
export function seedExample() {
  return structuredClone(ORDER_EXAMPLE);
}

/** What a real service answers for a paid order: the echo of the request plus a terminal receipt. */
export function successFor(order: ValidatedOrder): OrderResponse {
  return {
    status: 'Success',
    error: null,
    receipt: completeReceipt({ amount: String(order.amount).padStart(8, '0'), currencyAlphaCode: order.currency.alpha, primaryAccountNumber: '497010XXXXXX0014' }),
    ticket: 'CARTE BANCAIRE|MONTANT REEL:1,00 EUR||',
    amount: order.amount,
    currency: order.currency.alpha,
    orderId: order.orderId,
    basket: order.basketAsSent,
    customer: order.customerAsSent,
    customData: order.customData,
    notificationHipaySent: true,
  };
}

export type FakeService = { [K in keyof ConnectorService]: jest.MockedFunction<ConnectorService[K]> };

export function fakeService(): FakeService {
  return {
    order: jest.fn(async (order: ValidatedOrder) => successFor(order)),
    getOrder: jest.fn(async (orderId: string) => {
      throw new ConnectorError('not-found', `no order ${orderId}`);
    }),
    cancel: jest.fn(async () => []),
    stop: jest.fn(async () => undefined),
    reset: jest.fn(async () => undefined),
    version: jest.fn(async () => ({ version: '1.2.3-tpa-linux_64', type: 'tpa' as const, os: 'linux_64' })),
    deviceId: jest.fn(async () => '00000012345678'),
    tlc: jest.fn(async () => ({ NbApp: '1', App: [{ Name: 'CB EMV', Status: '0' as const }] })),
    check: jest.fn(async () => ({ cr: '0' as const, card: '0' as const, call: '0' as const, periph: '0' as const })),
    health: jest.fn(async () => ({
      supervisor: { pid: process.pid, uptimeS: 12, version: '0.1.0' },
      tpManager: { reachable: true, link: 'connected', busy: false },
      outbox: { pending: 0, refused: 0 },
    })),
  };
}

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  text: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface RequestOptions {
  method?: string;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded, as is. */
  form?: string;
  /** Raw body with its own content type. */
  raw?: { body: string; contentType?: string };
  /** [login, password]; null for no Authorization header. Default: the right credentials. */
  auth?: [string, string] | null;
}

export interface TestApp {
  url: string;
  service: FakeService;
  logs: LogLine[];
  request(path: string, options?: RequestOptions): Promise<Answer>;
  close(): Promise<void>;
}

export function basicHeader(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

/** A metrics source with one fixed series, in prom-client's media type: the HTTP layer only passes the text on. */
export function fixedMetrics(text = 'ecr_payments_total{outcome="success"} 1\n'): MetricsSource {
  return { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: async () => text };
}

export async function startApp(options: { bodyLimit?: string; service?: FakeService; metrics?: MetricsSource } = {}): Promise<TestApp> {
  const service = options.service ?? fakeService();
  const logs: LogLine[] = [];
  const record = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) => {
    logs.push({ level, text: meta === undefined ? message : `${message} ${JSON.stringify(meta)}` });
  };
  const logger = { info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') };
  const app = createApp({ login: LOGIN, password: PASSWORD, service, logger, version: '0.1.0-test', bodyLimit: options.bodyLimit, metrics: options.metrics });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function request(path: string, opts: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    const auth = opts.auth === undefined ? [LOGIN, PASSWORD] : opts.auth;
    if (auth) headers.authorization = basicHeader(auth[0], auth[1]);
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = opts.form;
    } else if (opts.raw) {
      if (opts.raw.contentType) headers['content-type'] = opts.raw.contentType;
      body = opts.raw.body;
    }
    const method = opts.method ?? (body === undefined ? 'GET' : 'POST');
    const res = await fetch(url + path, { method, headers, body, signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const isJson = text !== '' && (res.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: res.status, headers: res.headers, body: isJson ? (JSON.parse(text) as unknown) : text, text };
  }

  async function close(): Promise<void> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  return { url, service, logs, request, close };
}

/** The contract's error shape: one element, one one-line string, no stack trace. */
export function expectErrorBody(answer: Answer): string {
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Array.isArray(answer.body)).toBe(true);
  const body = answer.body as unknown[];
  expect(body).toHaveLength(1);
  expect(Object.keys(body[0] as object)).toEqual(['error']);
  const message = (body[0] as { error: unknown }).error;
  expect(typeof message).toBe('string');
  expect(message).not.toMatch(/\n|\s+at\s+\S+\s+\(|\.ts:\d+/);
  return message as string;
}
