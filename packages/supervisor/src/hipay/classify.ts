/**
 * Turns HiPay's HTTP answers and network failures into what the outbox does next, with one clear line each.
 * HiPay's documented code decides, whatever the HTTP status that carries it (hipay-codes.ts). Only a
 * configuration problem is a refusal; anything else is retried, looked up first. Pure: no I/O.
 */
import { ALREADY_HELD_CODES, CONFIGURATION_CODES, NOT_FOUND_CODES } from './hipay-codes';
import type { HipayRefusal, HipayRetryable, HipayTransactionSummary } from './results';

export interface HipayErrorBody {
  code?: number;
  message?: string;
  description?: string;
}

/** Network failures that happen before the request leaves: HiPay cannot have the order. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL'];

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** HiPay's {code, message, description}, when the body is one. */
export function errorBody(json: unknown): HipayErrorBody | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const raw = json as Record<string, unknown>;
  const code = typeof raw.code === 'number' ? raw.code : typeof raw.code === 'string' && /^\d+$/.test(raw.code) ? Number(raw.code) : undefined;
  if (code === undefined && typeof raw.message !== 'string') return undefined;
  return {
    code,
    message: typeof raw.message === 'string' ? raw.message : undefined,
    description: typeof raw.description === 'string' ? raw.description : undefined,
  };
}

/** HiPay's answer to a second order with an orderid it already has (duplicate, completed, max attempts). */
export function isAlreadyHeld(body: HipayErrorBody | undefined): boolean {
  return body?.code !== undefined && ALREADY_HELD_CODES.includes(body.code);
}

/** HiPay's answer to a lookup of an order or transaction it does not know. */
export function isUnknownOrder(body: HipayErrorBody | undefined): boolean {
  return body?.code !== undefined && NOT_FOUND_CODES.includes(body.code);
}

function describe(httpStatus: number, body: HipayErrorBody | undefined, text: string): string {
  if (!body) return `HiPay answered HTTP ${httpStatus}${text.trim() ? `: ${oneLine(text, 120)}` : ''}`;
  const parts = [body.code, body.message].filter((p) => p !== undefined).join(' ');
  const detail = body.description ? ` (${oneLine(body.description)})` : '';
  return `HiPay answered HTTP ${httpStatus}: ${parts}${detail}`;
}

function hint(httpStatus: number, body: HipayErrorBody | undefined): string {
  if (/hash/i.test(body?.description ?? '')) return ' - check HIPAY_HASHKEY';
  if (body?.code !== undefined && CONFIGURATION_CODES[body.code]) return ` - ${CONFIGURATION_CODES[body.code]}`;
  if (httpStatus === 404 || (httpStatus >= 300 && httpStatus < 400)) return ' - check HIPAY_URL (or the host part of HIPAY_LOGIN)';
  return '';
}

/**
 * An HTTP answer that is not a success (status >= 300). Refused only for a configuration problem; anything
 * else (1000008, an undocumented code, a proxy's 5xx, a redirect) is retried, looked up first: HiPay's
 * portal gives both "try again later" and "retry possible: no" for 1000008, so the lookup decides.
 */
export function classifyErrorAnswer(httpStatus: number, text: string): HipayRetryable | HipayRefusal {
  const body = errorBody(parseJson(text));
  const reason = describe(httpStatus, body, text) + hint(httpStatus, body);
  if (body?.code !== undefined && body.code in CONFIGURATION_CODES) return { kind: 'refused', reason, code: body.code, httpStatus };
  return { kind: 'retryable', reason, outcomeUnknown: true };
}

/** A request that got no answer (connection refused, timeout, reset, abort). */
export function classifyNetworkError(code: string | undefined, baseUrl: string, detail: string): HipayRetryable {
  const notSent = code !== undefined && NOT_SENT_CODES.includes(code);
  let what: string;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') what = 'no answer in time';
  else if (code === 'ERR_CANCELED') what = 'gave up waiting (delivery bound reached or outbox stopping)';
  else if (code === 'ECONNREFUSED') what = 'connection refused';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') what = 'host name not found';
  else what = oneLine(detail, 120) || 'network error';
  return { kind: 'retryable', reason: `HiPay unreachable at ${baseUrl}: ${what}${code ? ` (${code})` : ''}`, outcomeUnknown: !notSent };
}

function summary(raw: unknown): HipayTransactionSummary | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const t = raw as Record<string, unknown>;
  const ref = typeof t.transactionReference === 'string' || typeof t.transactionReference === 'number' ? String(t.transactionReference) : '';
  if (!/^\d+$/.test(ref)) return undefined;
  const status = typeof t.status === 'number' ? t.status : typeof t.status === 'string' && /^\d+$/.test(t.status) ? Number(t.status) : undefined;
  return {
    transactionReference: ref,
    state: typeof t.state === 'string' ? t.state : 'unknown',
    status,
    message: typeof t.message === 'string' ? t.message : undefined,
  };
}

/** The transaction of a POST /rest/v1/order answer. */
export function parseTransaction(json: unknown): HipayTransactionSummary | undefined {
  return summary(json);
}

/** An object whose keys are all "0", "1", ...: HiPay's Node SDK notes several transactions come so. */
function indexKeyed(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((k) => /^\d+$/.test(k))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => (value as Record<string, unknown>)[k]);
}

/**
 * The transactions of a GET /rest/v1/transaction answer, in every documented form: {"transaction": {...}},
 * {"transaction": [...]}, {"transaction": {"0": {...}, "1": {...}}} (HiPay's TransactionDetail and its Node
 * SDK), or a bare transaction, array or index-keyed object.
 */
export function parseTransactionList(json: unknown): HipayTransactionSummary[] {
  const inner = typeof json === 'object' && json !== null && !Array.isArray(json) && 'transaction' in json ? (json as { transaction: unknown }).transaction : json;
  const list = Array.isArray(inner) ? inner : (indexKeyed(inner) ?? [inner]);
  return list.map(summary).filter((t): t is HipayTransactionSummary => t !== undefined);
}
