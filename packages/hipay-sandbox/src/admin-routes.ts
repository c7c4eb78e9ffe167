/** The sandbox's own control API under /_sandbox/ (no Basic auth): what it received, counters, faults, reset. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaults, type HipayFaults } from './faults';
import { readBody, sendJson } from './http-util';
import type { OrderStore } from './order-store';

export interface AdminContext {
  store: OrderStore;
  faults(): HipayFaults;
  setFaults(f: HipayFaults): void;
  reset(): void;
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, ctx: AdminContext): Promise<void> {
  const route = `${req.method ?? ''} ${path}`;
  const body = await readBody(req);
  switch (route) {
    case 'GET /_sandbox/orders':
      return sendJson(res, 200, ctx.store.all());
    case 'GET /_sandbox/stats':
      return sendJson(res, 200, ctx.store.stats());
    case 'GET /_sandbox/faults':
      return sendJson(res, 200, ctx.faults());
    case 'POST /_sandbox/faults': {
      let json: unknown;
      try {
        json = body.trim() === '' ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: 'faults body must be JSON, e.g. {"delayMs": 3000}' });
      }
      const faults = parseFaults(json);
      if (typeof faults === 'string') return sendJson(res, 400, { error: faults });
      ctx.setFaults(faults);
      return sendJson(res, 200, faults);
    }
    case 'POST /_sandbox/reset':
      ctx.reset();
      return sendJson(res, 200, ctx.store.stats());
    default:
      return sendJson(res, 404, {
        error: `no admin route ${route}; try GET /_sandbox/orders, GET /_sandbox/stats, GET|POST /_sandbox/faults, POST /_sandbox/reset`,
      });
  }
}
