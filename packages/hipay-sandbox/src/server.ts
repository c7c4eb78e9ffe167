/**
 * A local stand-in for HiPay's Order API (see README.md): Basic auth, HiPay's validation and error bodies,
 * one order per orderid, lookup by orderid, faults on demand, and an admin API under /_sandbox/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin-routes';
import type { HipayFaults } from './faults';
import { handleOrderPost, handleTransactionLookup, type GatewayContext } from './gateway-routes';
import { BodyTooLargeError, sendJson } from './http-util';
import { OrderStore, type ReceivedOrder, type SandboxStats } from './order-store';

export interface HipaySandboxOptions {
  /** 0 or absent: a random free port. */
  port?: number;
  host?: string;
  login: string;
  password: string;
  /** When set, a tpe order's payment_product_parameters.hash must match it (HIPAY_HASHKEY). */
  hashKey?: string;
}

export interface HipaySandbox {
  /** Base URL to give the client (HIPAY_URL), e.g. http://127.0.0.1:8089 */
  url: string;
  port: number;
  /** Every stored order with the fields it arrived with. */
  orders(): ReceivedOrder[];
  stats(): SandboxStats;
  faults(): HipayFaults;
  /** Replaces the fault set; {} clears it. */
  setFaults(faults: HipayFaults): void;
  /** Forgets orders and counters and clears the faults. */
  reset(): void;
  close(): Promise<void>;
}

export async function startHipaySandbox(options: HipaySandboxOptions): Promise<HipaySandbox> {
  if (!options.login || !options.password) throw new Error('hipay-sandbox needs a login and a password');
  const host = options.host ?? '127.0.0.1';
  const store = new OrderStore();
  let faults: HipayFaults = {};
  const timers = new Set<NodeJS.Timeout>();

  const gateway: GatewayContext = {
    store,
    faults: () => faults,
    login: options.login,
    password: options.password,
    hashKey: options.hashKey,
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
  };
  const admin = {
    store,
    faults: () => ({ ...faults }),
    setFaults: (f: HipayFaults) => {
      faults = { ...f };
    },
    reset: () => {
      store.clear();
      faults = {};
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/_sandbox/')) return handleAdmin(req, res, path, admin);
    if (path === '/rest/v1/order') {
      if (req.method === 'POST') return handleOrderPost(req, res, gateway);
      return sendJson(res, 405, { code: 405, message: 'Method Not Allowed', description: 'Use POST /rest/v1/order.' });
    }
    if (path === '/rest/v1/transaction') {
      if (req.method === 'GET') return handleTransactionLookup(req, res, url, gateway);
      return sendJson(res, 405, { code: 405, message: 'Method Not Allowed', description: 'Use GET /rest/v1/transaction?orderid=...' });
    }
    req.resume();
    sendJson(res, 404, { code: 404, message: 'Not Found', description: `No route ${req.method} ${path}.` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { code: 413, message: 'Payload Too Large', description: err.message });
      sendJson(res, 500, { code: 500, message: 'Internal Server Error', description: String(err) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    orders: () => store.all(),
    stats: () => store.stats(),
    faults: admin.faults,
    setFaults: admin.setFaults,
    reset: admin.reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        // Keep-alive and delayed answers would hold the port: cut them.
        server.closeAllConnections();
      }),
  };
}
