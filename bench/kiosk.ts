/**
 * The kiosk's side of the local API for the bench: node:http with one kept-alive connection (a kiosk talks
 * to one connector), Basic auth, timed from the first byte written to the last byte of the answer.
 */
import * as http from 'node:http';
import { epochMs } from './stats';

export interface Timed {
  status: number;
  text: string;
  /** Epoch ms when the request was handed to the socket and when the whole answer had arrived. */
  sentAt: number;
  doneAt: number;
  ms: number;
}

export class Kiosk {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    login: string,
    password: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
  }

  get(pathname: string, timeoutMs = 30_000): Promise<Timed> {
    return this.request('GET', pathname, undefined, timeoutMs);
  }

  post(pathname: string, body: unknown, timeoutMs = 60_000): Promise<Timed> {
    return this.request('POST', pathname, JSON.stringify(body), timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }

  private request(method: string, pathname: string, payload: string | undefined, timeoutMs: number): Promise<Timed> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { authorization: this.authorization };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const sentAt = epochMs();
      const req = http.request(this.baseUrl + pathname, { method, headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const doneAt = epochMs();
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), sentAt, doneAt, ms: doneAt - sentAt });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${pathname}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Polls until `probe` answers true, every `everyMs`; resolves with the epoch ms of the first success. */
export async function firstSuccess(probe: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 5): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return epochMs();
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}
