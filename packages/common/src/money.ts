/**
 * Money is an integer in minor units everywhere inside the connector. The exponent of each currency comes
 * from ISO 4217 data (currency-codes), never a hard-coded 2: JPY has 0 decimals, KWD 3.
 */
import * as currencyCodes from 'currency-codes';

export interface Currency {
  /** ISO 4217 alphabetic code, e.g. "EUR". */
  alpha: string;
  /** ISO 4217 numeric code, 3 digits, e.g. "978". */
  numeric: string;
  /** Number of minor-unit digits, e.g. 2. */
  exponent: number;
}

function fromRecord(r: currencyCodes.CurrencyCodeRecord | undefined): Currency | undefined {
  // Codes of no currency (XXX, XTS) and of precious metals carry a "Zz..." pseudo-country.
  if (!r || r.countries.some((c) => c.startsWith('Zz'))) return undefined;
  return { alpha: r.code, numeric: r.number, exponent: r.digits };
}

/** The currency for an upper-case ISO 4217 alphabetic code, or undefined when there is none. */
export function currencyByAlpha(code: string): Currency | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  return fromRecord(currencyCodes.code(code));
}

/** The currency for an ISO 4217 numeric code ("978"), or undefined. */
export function currencyByNumeric(numeric: string): Currency | undefined {
  if (!/^\d{3}$/.test(numeric)) return undefined;
  return fromRecord(currencyCodes.number(numeric));
}

/** 899, 2 -> "8.99"; 5, 0 -> "5"; 1234, 3 -> "1.234". Exact: no floating point. */
export function minorToMajorString(amount: number, exponent: number, separator = '.'): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  if (exponent === 0) return String(amount);
  const digits = String(amount).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}${separator}${digits.slice(-exponent)}`;
}

/**
 * A decimal in major units ("8.99", 8.99) to minor units, or undefined when it has more decimals than the
 * currency allows. Used only at the edges (basket totals).
 */
export function majorToMinor(value: number | string, exponent: number): number | undefined {
  const text = typeof value === 'number' ? value.toFixed(Math.min(exponent + 2, 20)) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction = ''] = m;
  const extra = fraction.slice(exponent);
  if (/[1-9]/.test(extra)) return undefined;
  const minor = Number(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) return undefined;
  return sign === '-' ? -minor : minor;
}
