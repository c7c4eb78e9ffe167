/**
 * HiPay's Order API over axios: POST /rest/v1/order (form-encoded, Basic auth) and
 * GET /rest/v1/transaction?orderid=. Never throws for HiPay's or the network's sake: every call ends in a
 * result the outbox can act on (results.ts).
 */
import axios from 'axios';
import { classifyErrorAnswer, classifyNetworkError, errorBody, isAlreadyHeld, isUnknownOrder, parseJson, parseTransaction, parseTransactionList } from './classify';
import type { HipayOrderFields } from './order-fields';
import { transactionOutcome, type CreateOrderResult, type FindTransactionResult } from './results';

export interface HipayClientOptions {
  /** e.g. https://stage-secure-gateway.hipay-tpp.com (HIPAY_URL, or derived from HIPAY_LOGIN by the config loader). */
  baseUrl: string;
  login: string;
  password: string;
  /** Bound on each HTTP call. */
  timeoutMs: number;
}

export interface HipayCallOptions {
  /** Aborts the call (e.g. the bound of a delivery inside POST /order). */
  signal?: AbortSignal;
}

export interface HipayClient {
  createOrder(fields: HipayOrderFields, options?: HipayCallOptions): Promise<CreateOrderResult>;
  findTransaction(orderid: string, options?: HipayCallOptions): Promise<FindTransactionResult>;
}

type Answer = { ok: true; status: number; text: string } | { ok: false; code?: string; detail: string };

async function call(run: () => Promise<{ status: number; data: unknown }>): Promise<Answer> {
  try {
    const res = await run();
    return { ok: true, status: res.status, text: typeof res.data === 'string' ? res.data : '' };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, code: e.code, detail: e.message ?? String(err) };
  }
}

/** The URL for log lines: credentials in a URL never reach a log. */
function withoutUserInfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

export function createHipayClient(options: HipayClientOptions): HipayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const shownUrl = withoutUserInfo(baseUrl);
  const http = axios.create({
    baseURL: baseUrl,
    timeout: options.timeoutMs,
    auth: { username: options.login, password: options.password },
    // Every status is classified here; a redirect means a wrong base URL, not something to follow with a POST.
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    headers: { accept: 'application/json' },
  });

  async function findTransaction(orderid: string, opts: HipayCallOptions = {}): Promise<FindTransactionResult> {
    const a = await call(() => http.get('/rest/v1/transaction', { params: { orderid }, signal: opts.signal }));
    if (!a.ok) {
      const r = classifyNetworkError(a.code, shownUrl, a.detail);
      return { kind: 'retryable', reason: r.reason };
    }
    // HiPay's code decides whatever the status (3000001 has come with 400 and 404); a bare 404 is the v3
    // API's "order not found". A 2xx without a transaction is "not found" too, as HiPay's PHP SDK reads it.
    const json = parseJson(a.text);
    const error = errorBody(json);
    if (isUnknownOrder(error) || (a.status === 404 && !error)) return { kind: 'not-found' };
    if (a.status >= 200 && a.status < 300) {
      const list = parseTransactionList(json);
      if (list.length === 0) return { kind: 'not-found' };
      // Prefer a transaction HiPay accepted over an earlier declined attempt.
      const accepted = list.find((t) => t.state !== 'declined' && t.state !== 'error');
      return { kind: 'found', transaction: accepted ?? list[0] };
    }
    const r = classifyErrorAnswer(a.status, a.text);
    return r.kind === 'refused' ? r : { kind: 'retryable', reason: r.reason };
  }

  async function createOrder(fields: HipayOrderFields, opts: HipayCallOptions = {}): Promise<CreateOrderResult> {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.append(key, value);
    const a = await call(() =>
      http.post('/rest/v1/order', form.toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        signal: opts.signal,
      }),
    );
    if (!a.ok) return classifyNetworkError(a.code, shownUrl, a.detail);
    if (a.status >= 200 && a.status < 300) {
      const transaction = parseTransaction(parseJson(a.text));
      if (transaction) return transactionOutcome(fields.orderid, transaction, false);
      return { kind: 'retryable', reason: `HiPay answered HTTP ${a.status} without a transactionReference`, outcomeUnknown: true };
    }
    const error = errorBody(parseJson(a.text));
    if (isAlreadyHeld(error)) {
      // HiPay already has this orderid: never post it again; the lookup gives its transaction.
      const what = `HiPay already has order ${fields.orderid} (${[error?.code, error?.message].filter((p) => p !== undefined).join(' ')})`;
      const found = await findTransaction(fields.orderid, opts);
      if (found.kind === 'found') return transactionOutcome(fields.orderid, found.transaction, true);
      if (found.kind === 'refused') return found;
      const why = found.kind === 'not-found' ? 'its lookup does not show it yet' : `its lookup failed: ${found.reason}`;
      return { kind: 'held', reason: `${what} but ${why}` };
    }
    return classifyErrorAnswer(a.status, a.text);
  }

  return { createOrder, findTransaction };
}
