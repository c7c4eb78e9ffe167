/**
 * Concert V2 ("protocol E / E+"): fixed-width ASCII messages, unframed (the link layer adds STX/ETX/LRC).
 *
 * Request, 34 characters: POS (2) amount (8) answer flag (1) payment means (1) transaction type (1)
 * currency (3) private (10) delay (4: A010 answer at the end, A011 at once) authorisation (4: B010 / B011 forced).
 * Answer: POS (2) status (1) amount (8) payment means (1) [report (55), full answer only] currency (3) private (10).
 */
import { decodeError, decoded, type Result } from '../decode-result';
import { firstNonPrintable, isPrintableAscii, quote, showByte } from './ascii';

export const V2_REQUEST_LENGTH = 34;
export const V2_SHORT_ANSWER_LENGTH = 25;
export const V2_FULL_ANSWER_LENGTH = 80;
export const V2_REPORT_LENGTH = 55;
export const V2_PRIVATE_LENGTH = 10;
export const V2_MAX_AMOUNT = 99_999_999;

export type V2TransactionType = 'debit' | 'credit' | 'refund' | 'auto';
/** '0' accepted, '7' refused, '9' not completed. */
export type V2Status = '0' | '7' | '9';

export interface V2Request {
  /** 2 digits, e.g. "01". */
  posNumber: string;
  /** Minor units, 0 to 99999999. */
  amount: number;
  /** Ask for the full answer, with the 55-character report (PAN and card data). */
  fullAnswer: boolean;
  /** One character: "1" card, "C" cheque, "2" Amex... */
  paymentMeans: string;
  transactionType: V2TransactionType;
  /** ISO 4217 numeric, 3 digits. */
  currencyNumeric: string;
  /** Up to 10 printable ASCII characters, padded with spaces when encoded; decoded as the 10 characters. */
  privateField: string;
  /** true: answer at the end of the transaction (A010); false: answer at once (A011). */
  answerAtEnd: boolean;
  /** true: forced authorisation (B011); false: the terminal decides (B010). */
  forcedAuthorisation: boolean;
}

export interface V2Answer {
  posNumber: string;
  status: V2Status;
  /** Minor units. */
  amount: number;
  paymentMeans: string;
  /** The 55-character report of a full answer, exactly as sent: it begins with the full card number. */
  report?: string;
  currencyNumeric: string;
  /** The 10 characters of the private field, as sent. */
  privateField: string;
}

const TYPE_CODES: Record<V2TransactionType, string> = { debit: '0', credit: '1', refund: '2', auto: '4' };
const TYPE_BY_CODE: Record<string, V2TransactionType> = { '0': 'debit', '1': 'credit', '2': 'refund', '4': 'auto' };

export function encodeV2Request(r: V2Request): Buffer {
  const text =
    digits('posNumber', r.posNumber, 2) +
    amount8(r.amount) +
    (r.fullAnswer ? '1' : '0') +
    oneChar('paymentMeans', r.paymentMeans) +
    typeCode(r.transactionType) +
    digits('currencyNumeric', r.currencyNumeric, 3) +
    padded('privateField', r.privateField, V2_PRIVATE_LENGTH) +
    (r.answerAtEnd ? 'A010' : 'A011') +
    (r.forcedAuthorisation ? 'B011' : 'B010');
  return Buffer.from(text, 'latin1');
}

export function decodeV2Request(payload: Uint8Array): Result<V2Request> {
  const what = 'Concert V2 request';
  const text = readAscii(what, payload, [V2_REQUEST_LENGTH]);
  if (typeof text !== 'string') return text;
  const f = (start: number, length: number) => text.slice(start, start + length);
  const bad =
    checkDigits(what, 'POS number', f(0, 2)) ??
    checkDigits(what, 'amount', f(2, 8)) ??
    checkOneOf(what, 'answer flag', f(10, 1), ['0', '1']) ??
    checkOneOf(what, 'transaction type', f(12, 1), Object.keys(TYPE_BY_CODE)) ??
    checkDigits(what, 'currency', f(13, 3)) ??
    checkOneOf(what, 'delay', f(26, 4), ['A010', 'A011']) ??
    checkOneOf(what, 'authorisation', f(30, 4), ['B010', 'B011']);
  if (bad) return decodeError(bad);
  return decoded({
    posNumber: f(0, 2),
    amount: Number(f(2, 8)),
    fullAnswer: f(10, 1) === '1',
    paymentMeans: f(11, 1),
    transactionType: TYPE_BY_CODE[f(12, 1)] as V2TransactionType,
    currencyNumeric: f(13, 3),
    privateField: f(16, 10),
    answerAtEnd: f(26, 4) === 'A010',
    forcedAuthorisation: f(30, 4) === 'B011',
  });
}

/** A full answer when `report` is given (padded with spaces to 55), a short one otherwise. */
export function encodeV2Answer(a: V2Answer): Buffer {
  if (!['0', '7', '9'].includes(a.status)) throw new RangeError(`V2 answer status must be 0, 7 or 9, got ${quote(String(a.status))}`);
  const text =
    digits('posNumber', a.posNumber, 2) +
    a.status +
    amount8(a.amount) +
    oneChar('paymentMeans', a.paymentMeans) +
    (a.report === undefined ? '' : padded('report', a.report, V2_REPORT_LENGTH)) +
    digits('currencyNumeric', a.currencyNumeric, 3) +
    padded('privateField', a.privateField, V2_PRIVATE_LENGTH);
  return Buffer.from(text, 'latin1');
}

export function decodeV2Answer(payload: Uint8Array): Result<V2Answer> {
  const what = 'Concert V2 answer';
  const text = readAscii(what, payload, [V2_SHORT_ANSWER_LENGTH, V2_FULL_ANSWER_LENGTH]);
  if (typeof text !== 'string') return text;
  const full = text.length === V2_FULL_ANSWER_LENGTH;
  const tail = full ? 12 + V2_REPORT_LENGTH : 12;
  const f = (start: number, length: number) => text.slice(start, start + length);
  // Error messages never quote the report: it holds the card number.
  const bad =
    checkDigits(what, 'POS number', f(0, 2)) ??
    checkOneOf(what, 'status', f(2, 1), ['0', '7', '9']) ??
    checkDigits(what, 'amount', f(3, 8)) ??
    checkDigits(what, 'currency', f(tail, 3));
  if (bad) return decodeError(bad);
  const answer: V2Answer = {
    posNumber: f(0, 2),
    status: f(2, 1) as V2Status,
    amount: Number(f(3, 8)),
    paymentMeans: f(11, 1),
    currencyNumeric: f(tail, 3),
    privateField: f(tail + 3, V2_PRIVATE_LENGTH),
  };
  if (full) answer.report = f(12, V2_REPORT_LENGTH);
  return decoded(answer);
}

// ---- encoding helpers: a value that cannot be encoded is a programming error (RangeError)

function digits(name: string, value: string, length: number): string {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${length}}$`).test(value)) {
    throw new RangeError(`V2 ${name} must be ${length} digits, got ${quote(String(value))}`);
  }
  return value;
}

function amount8(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > V2_MAX_AMOUNT) {
    throw new RangeError(`V2 amount must be an integer from 0 to ${V2_MAX_AMOUNT} minor units, got ${value}`);
  }
  return String(value).padStart(8, '0');
}

function oneChar(name: string, value: string): string {
  if (typeof value !== 'string' || value.length !== 1 || !isPrintableAscii(value)) {
    throw new RangeError(`V2 ${name} must be one printable ASCII character, got ${quote(String(value))}`);
  }
  return value;
}

function typeCode(type: V2TransactionType): string {
  const code = TYPE_CODES[type];
  if (code === undefined) throw new RangeError(`V2 transactionType must be debit, credit, refund or auto, got ${quote(String(type))}`);
  return code;
}

function padded(name: string, value: string, width: number): string {
  if (typeof value !== 'string' || value.length > width || !isPrintableAscii(value)) {
    throw new RangeError(`V2 ${name} must be at most ${width} printable ASCII characters (got ${String(value).length})`);
  }
  return value.padEnd(width, ' ');
}

// ---- decoding helpers: return an error line, or undefined when the field is fine

function readAscii(what: string, payload: Uint8Array, lengths: number[]): string | Result<never> {
  if (!lengths.includes(payload.length)) {
    return decodeError(`${what}: expected ${lengths.join(' or ')} characters, got ${payload.length}`);
  }
  const bad = firstNonPrintable(payload);
  if (bad >= 0) return decodeError(`${what}: byte ${bad} is ${showByte(payload[bad] as number)}, not printable ASCII`);
  return Buffer.from(payload).toString('latin1');
}

function checkDigits(what: string, field: string, value: string): string | undefined {
  return /^\d+$/.test(value) ? undefined : `${what}: ${field} must be ${value.length} digits, got ${quote(value)}`;
}

function checkOneOf(what: string, field: string, value: string, allowed: string[]): string | undefined {
  return allowed.includes(value) ? undefined : `${what}: ${field} must be ${allowed.join(', ')}, got ${quote(value)}`;
}
