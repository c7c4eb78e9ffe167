/**
 * The control interface: a tiny JSON-over-HTTP server on loopback, so a test or a person can read what the
 * terminal received and change what it does next while it runs.
 *
 *   GET  /requests   -> every request received, oldest first
 *   GET  /counters   -> bytes (and reads/writes) exchanged on the line so far, both ways
 *   GET  /behaviour  -> { outcome, delayMs, faults }
 *   POST /behaviour  <- any subset of { outcome, delayMs, faults: {...} } (faults also accepted at top level)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyBehaviourPatch } from './behaviour';
import type { TerminalSimulator } from './simulator';

/** What the control interface reads and changes (Concert's TerminalSimulator or the ZVT one). */
export type ControlledTerminal = Pick<TerminalSimulator, 'requests' | 'lineCounters' | 'behaviour' | 'setBehaviour'>;

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

export async function serveControl(host: string, port: number, simulator: ControlledTerminal): Promise<ControlServer> {
  const server = createServer((req, res) => {
    handle(req, res, simulator).catch((err: Error) => reply(res, 500, { error: err.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`control interface cannot listen on ${host}:${port}: ${err.code ?? err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const chosen = (server.address() as AddressInfo).port;
  return {
    port: chosen,
    url: `http://${host}:${chosen}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, simulator: ControlledTerminal): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/requests') {
    if (req.method !== 'GET') return reply(res, 405, { error: 'use GET /requests' });
    return reply(res, 200, simulator.requests);
  }
  if (path === '/counters') {
    if (req.method !== 'GET') return reply(res, 405, { error: 'use GET /counters' });
    return reply(res, 200, simulator.lineCounters);
  }
  if (path === '/behaviour') {
    if (req.method === 'GET') return reply(res, 200, simulator.behaviour);
    if (req.method !== 'POST') return reply(res, 405, { error: 'use GET or POST /behaviour' });
    const body = await readBody(req);
    if (!body.ok) return reply(res, body.status, { error: body.error });
    const checked = applyBehaviourPatch(simulator.behaviour, body.value);
    if (!checked.ok) return reply(res, 400, { error: checked.error });
    simulator.setBehaviour(checked.value);
    return reply(res, 200, simulator.behaviour);
  }
  reply(res, 404, { error: `no such path ${path}; try GET /requests, GET /counters, GET /behaviour or POST /behaviour` });
}

type Body = { ok: true; value: unknown } | { ok: false; status: number; error: string };

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, error: `body larger than ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: false, status: 400, error: 'body must be a JSON object such as {"outcome":"decline"}' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, status: 400, error: `body is not valid JSON: ${(err as Error).message}` };
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
