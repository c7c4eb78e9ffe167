/**
 * Faults the sandbox can play on demand, set programmatically (setFaults) or with POST /_sandbox/faults.
 * A fault set replaces the previous one; {} clears every fault. Each one plays a behaviour HiPay documents
 * or leaves open (README.md, "Faults").
 */
import { DUPLICATE_CODES, type DuplicateCode } from './hipay-errors';

export interface HipayFaults {
  /** Wait this long before answering POST /rest/v1/order. The order is stored first, as a slow HiPay would. */
  delayMs?: number;
  /**
   * Every Order API call (order and lookup) fails and nothing is stored:
   * 'http-503' / 'http-500' a bare 5xx with a text body (a proxy or load balancer), '1000008' HTTP 503 with
   * HiPay's "temporarily unavailable" body.
   */
  unavailable?: 'http-500' | 'http-503' | '1000008';
  /** Every Order API call answers 401 / 1000001, whatever the credentials. */
  refuseCredentials?: boolean;
  /** Orders are stored, but their transaction is declined (state declined, status 113). */
  declined?: boolean;
  /** The HTTP status carrying 3000001 "Unknown Order" on a lookup (HiPay does not document it); default 404. */
  unknownOrderStatus?: 400 | 404;
  /** A lookup does not show an order until this long after its creation (HiPay's lookup lagging behind). */
  lookupLagMs?: number;
  /** Lookups list transactions as an object keyed by index: {"transaction": {"0": {...}}} (HiPay's Node SDK). */
  indexKeyedLookup?: boolean;
  /** The code answering a second order with a stored orderid; default 3010004 "Duplicate Order". */
  duplicateCode?: DuplicateCode;
  /** A creation is stored, then its connection is cut before the answer: the client never hears back. */
  loseCreationAnswer?: boolean;
}

const UNAVAILABLE = ['http-500', 'http-503', '1000008'] as const;
const BOOLEANS = ['refuseCredentials', 'declined', 'indexKeyedLookup', 'loseCreationAnswer'] as const;
const KEYS = ['delayMs', 'unavailable', 'unknownOrderStatus', 'lookupLagMs', 'duplicateCode', ...BOOLEANS];

function milliseconds(value: unknown, key: string): number | string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 600_000) {
    return `${key} must be an integer number of milliseconds between 0 and 600000`;
  }
  return value;
}

/** A fault set from untrusted JSON, or a one-line error saying what is wrong. */
export function parseFaults(input: unknown): HipayFaults | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'faults must be a JSON object';
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) return `unknown fault '${unknown[0]}' (known: ${KEYS.join(', ')})`;
  const faults: HipayFaults = {};
  for (const key of ['delayMs', 'lookupLagMs'] as const) {
    if (raw[key] === undefined) continue;
    const ms = milliseconds(raw[key], key);
    if (typeof ms === 'string') return ms;
    faults[key] = ms;
  }
  if (raw.unavailable !== undefined && raw.unavailable !== null) {
    if (!UNAVAILABLE.includes(raw.unavailable as (typeof UNAVAILABLE)[number])) {
      return `unavailable must be one of ${UNAVAILABLE.join(', ')}`;
    }
    faults.unavailable = raw.unavailable as HipayFaults['unavailable'];
  }
  if (raw.unknownOrderStatus !== undefined) {
    if (raw.unknownOrderStatus !== 400 && raw.unknownOrderStatus !== 404) return 'unknownOrderStatus must be 400 or 404';
    faults.unknownOrderStatus = raw.unknownOrderStatus;
  }
  if (raw.duplicateCode !== undefined) {
    if (!DUPLICATE_CODES.includes(raw.duplicateCode as DuplicateCode)) return `duplicateCode must be one of ${DUPLICATE_CODES.join(', ')}`;
    faults.duplicateCode = raw.duplicateCode as DuplicateCode;
  }
  for (const key of BOOLEANS) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') return `${key} must be true or false`;
    faults[key] = raw[key];
  }
  return faults;
}
