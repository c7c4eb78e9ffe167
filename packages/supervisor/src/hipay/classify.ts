/**
 * Turns HiPay's HTTP answers and network failures into retryable / refused, with one clear line each.
 * Pure: no I/O, so every branch is unit-tested.
 */
import type { HipayRefusal, HipayRetryable, HipayTransactionSummary } from './results';

export interface HipayErrorBody {
  code?: number;
  message?: string;
  description?: string;
}

/** HiPay codes that retrying cannot fix. */
const PERMANENT_CODES = [1000001, 1000005, 1000009, 1010101, 1010201];
const TEMPORARILY_UNAVAILABLE = 1000008;

/** Network failures that happen before the request leaves: HiPay cannot have the order. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL'];

const HINTS: Record<number, string> = {
  1000001: 'check HIPAY_LOGIN and HIPAY_PWD',
  1000005: 'these API credentials may not create orders: use the private API credentials of the HiPay back office',
  1000009: "HiPay refuses this machine's IP address: allow it in the HiPay back office",
};

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

/** HiPay's answer to a second order with the same orderid. */
export function isDuplicateOrder(httpStatus: number, body: HipayErrorBody | undefined): boolean {
  if (httpStatus !== 400 || !body) return false;
  return /already exist/i.test(`${body.message ?? ''} ${body.description ?? ''}`);
}

function describe(httpStatus: number, body: HipayErrorBody | undefined, text: string): string {
  if (!body) return `HiPay answered HTTP ${httpStatus}${text.trim() ? `: ${oneLine(text, 120)}` : ''}`;
  const parts = [body.code, body.message].filter((p) => p !== undefined).join(' ');
  const detail = body.description ? ` (${oneLine(body.description)})` : '';
  return `HiPay answered HTTP ${httpStatus}: ${parts}${detail}`;
}

function hint(httpStatus: number, body: HipayErrorBody | undefined): string {
  if (body?.code !== undefined && HINTS[body.code]) return ` - ${HINTS[body.code]}`;
  if (/hash/i.test(body?.description ?? '')) return ' - check HIPAY_HASHKEY';
  if (httpStatus === 404 || (httpStatus >= 300 && httpStatus < 400)) return ' - check HIPAY_URL (or the host part of HIPAY_LOGIN)';
  return '';
}

/** An HTTP answer that is not a success (status >= 300). */
export function classifyErrorAnswer(httpStatus: number, text: string): HipayRetryable | HipayRefusal {
  const body = errorBody(parseJson(text));
  const reason = describe(httpStatus, body, text) + hint(httpStatus, body);
  if (body?.code === TEMPORARILY_UNAVAILABLE) return { kind: 'retryable', reason, outcomeUnknown: false };
  if (body?.code !== undefined && PERMANENT_CODES.includes(body.code)) {
    return { kind: 'refused', reason, code: body.code, httpStatus };
  }
  // A 5xx may come from a proxy after HiPay took the order: treat the outcome as unknown.
  if (httpStatus >= 500 || httpStatus === 408 || httpStatus === 429) return { kind: 'retryable', reason, outcomeUnknown: true };
  return { kind: 'refused', reason, code: body?.code, httpStatus };
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

/**
 * The transactions of a GET /rest/v1/transaction answer: {"transaction": {...}} or {"transaction": [...]}
 * (HiPay's TransactionDetail), or a bare transaction or array.
 */
export function parseTransactionList(json: unknown): HipayTransactionSummary[] {
  const inner = typeof json === 'object' && json !== null && !Array.isArray(json) && 'transaction' in json ? (json as { transaction: unknown }).transaction : json;
  const list = Array.isArray(inner) ? inner : [inner];
  return list.map(summary).filter((t): t is HipayTransactionSummary => t !== undefined);
}
