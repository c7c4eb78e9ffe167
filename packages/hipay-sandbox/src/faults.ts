/**
 * Faults the sandbox can play on demand, set programmatically (setFaults) or with POST /_sandbox/faults.
 * A fault set replaces the previous one; {} clears every fault.
 */
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
}

const UNAVAILABLE = ['http-500', 'http-503', '1000008'] as const;
const KEYS = ['delayMs', 'unavailable', 'refuseCredentials', 'declined'];

/** A fault set from untrusted JSON, or a one-line error saying what is wrong. */
export function parseFaults(input: unknown): HipayFaults | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'faults must be a JSON object';
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) return `unknown fault '${unknown[0]}' (known: ${KEYS.join(', ')})`;
  const faults: HipayFaults = {};
  if (raw.delayMs !== undefined) {
    if (typeof raw.delayMs !== 'number' || !Number.isInteger(raw.delayMs) || raw.delayMs < 0 || raw.delayMs > 600_000) {
      return 'delayMs must be an integer number of milliseconds between 0 and 600000';
    }
    faults.delayMs = raw.delayMs;
  }
  if (raw.unavailable !== undefined && raw.unavailable !== null) {
    if (!UNAVAILABLE.includes(raw.unavailable as (typeof UNAVAILABLE)[number])) {
      return `unavailable must be one of ${UNAVAILABLE.join(', ')}`;
    }
    faults.unavailable = raw.unavailable as HipayFaults['unavailable'];
  }
  for (const key of ['refuseCredentials', 'declined'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') return `${key} must be true or false`;
    faults[key] = raw[key];
  }
  return faults;
}
