/**
 * How each Concert V3 tag maps to a typed field: the tag, what its value looks like, and the two
 * conversions. parse() returns undefined for a value it cannot read; format() throws a RangeError for a
 * value that cannot be sent, or returns undefined when the field is left out (askTicket false).
 */
import { isPrintableAscii, quote } from './ascii';
import { encodeTlv, parseTlv } from './tlv';

export type V3Action = 'debit' | 'credit';
/** AE: '10' done, '01' not done (see AF), '11' request taken into account (answer at once, BA=1). */
export type V3Status = '10' | '01' | '11';

/** The fields of a request; an answer echoes them. */
export interface V3RequestFields {
  /** CZ, protocol version, 4 digits: "0300", "0310", "0320". Always sent first. */
  version: string;
  /** CJ, ECR identifier ("identifiant protocole Concert"), 12 characters. */
  ecrId: string;
  /** CA, POS number, 2 digits. */
  posNumber: string;
  /** CB, amount in minor units (sent with at least 2 digits, at most 12). */
  amount: number;
  /** CD: '0' debit, '1' credit / refund. */
  action: V3Action;
  /** CE, ISO 4217 numeric currency, 3 digits. */
  currencyNumeric: string;
  /** BA: true '1' answer at once (the answer is then AE=11), false '0' answer at the end; absent when undefined. */
  answerAtOnce?: boolean;
  /** CC, application, 3 characters: in a request "00C" asks for a cheque; in an answer the one used ("001" CB contact, "00B" CB contactless...). */
  application?: string;
  /**
   * CF, private data. Sent printable; read as any bytes, because terminals do not all echo it as sent
   * (see concert/echo.ts) and HiPay's Nepting terminals may put a separator character in it.
   */
  privateData?: string;
  /** CK: true sends "100" (ask for the customer ticket); false leaves the tag out. */
  askTicket?: boolean;
}

/** What the answer adds to the echoed request fields. */
export interface V3ResultFields {
  /** AE, required. */
  status: V3Status;
  /**
   * AF, when not done: 2 to 50 characters, the first two the code ("04" refused, "05" forbidden, "08" input
   * timeout, "09" bad format, "11" abandoned...), the rest the acquirer's text (HiPay's "Local API for Nepting").
   */
  reason?: string;
  /** AA, the card number as the terminal sends it: normally masked ("293540######4260"); the result mapping masks it in any case. */
  pan?: string;
  /** AB, card expiry, YYMM. */
  cardExpiry?: string;
  /** AC, authorisation number. */
  authorisationNumber?: string;
  /** AI, application identifier (AID). */
  aid?: string;
  /** CI, reading mode: "0" any, "1" contact, "2" contactless, "3" magnetic stripe, "4" manual entry. */
  readingMode?: string;
  /** CG, merchant contract number. */
  merchantContract?: string;
  /**
   * The customer ticket, one string per line. It travels in a ZT container whose value is itself TLV: CK
   * ("100") and AK, the ticket text (HiPay's "Local API for Nepting" shows `ZT374CK003100AK361...`).
   */
  ticket?: string[];
}

export interface FieldCodec<T> {
  tag: string;
  /** What a valid value looks like, for error messages. */
  expected: string;
  parse(value: string): T | undefined;
  format(value: T): string | undefined;
}

export type AnswerFieldKey = keyof V3RequestFields | keyof V3ResultFields;
type AllFields = V3RequestFields & V3ResultFields;

function text(tag: string, pattern: RegExp, expected: string): FieldCodec<string> {
  return {
    tag,
    expected,
    parse: (v) => (pattern.test(v) ? v : undefined),
    format: (v) => {
      if (typeof v !== 'string' || !pattern.test(v)) throw new RangeError(`V3 ${tag} must be ${expected}, got ${quote(String(v))}`);
      return v;
    },
  };
}

function choice<T>(tag: string, codes: [string, T][], expected: string): FieldCodec<T> {
  return {
    tag,
    expected,
    parse: (v) => codes.find(([code]) => code === v)?.[1],
    format: (v) => {
      const found = codes.find(([, value]) => value === v);
      if (!found) throw new RangeError(`V3 ${tag} must be ${expected}, got ${quote(String(v))}`);
      return found[0];
    },
  };
}

const ANY = /^[\x20-\x7e]{1,999}$/;
const ANY_EXPECTED = '1 to 999 printable ASCII characters';

/** A value read as the terminal sent it (any bytes), but sent only as printable ASCII. */
function lenient(tag: string, min: number, max: number, expected: string): FieldCodec<string> {
  return {
    tag,
    expected,
    parse: (v) => (v.length >= min && v.length <= 999 ? v : undefined),
    format: (v) => {
      if (typeof v !== 'string' || v.length < min || v.length > max || !isPrintableAscii(v)) throw new RangeError(`V3 ${tag} must be ${expected}, got ${quote(String(v))}`);
      return v;
    },
  };
}
export const MAX_V3_AMOUNT = 999_999_999_999;

const amount: FieldCodec<number> = {
  tag: 'CB',
  expected: '1 to 12 digits',
  parse: (v) => (/^\d{1,12}$/.test(v) ? Number(v) : undefined),
  format: (v) => {
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_V3_AMOUNT) {
      throw new RangeError(`V3 CB (amount) must be an integer from 0 to ${MAX_V3_AMOUNT} minor units, got ${v}`);
    }
    return String(v).padStart(2, '0');
  },
};

const askTicket: FieldCodec<boolean> = {
  tag: 'CK',
  expected: "'100'",
  parse: (v) => (v === '100' ? true : undefined),
  format: (v) => (v === true ? '100' : undefined),
};

/** ZT holds CK003100 (8 bytes) and AK's header (5): AK's text is at most 999 - 13 bytes. */
export const MAX_TICKET_BYTES = 999 - 13;

/** Ticket text is taken byte for byte (latin1), the usual charset of terminal printers; lines end with CR LF. */
export function ticketText(lines: readonly string[]): string {
  for (const line of lines) {
    if (typeof line !== 'string' || /[\r\n]/.test(line) || /[^\x00-\xff]/.test(line)) {
      throw new RangeError('V3 ticket lines must be strings of Latin-1 characters without line breaks');
    }
  }
  return lines.join('\r\n');
}

/** The ZT container: its value is TLV; AK in it is the ticket text. A ZT without a readable AK is kept raw. */
const ticket: FieldCodec<string[]> = {
  tag: 'ZT',
  expected: 'a TLV container holding AK (ticket text)',
  parse: (v) => {
    const inner = parseTlv(Buffer.from(v, 'latin1'));
    if (inner.status !== 'complete') return undefined;
    const ak = inner.fields.find((f) => f.tag === 'AK');
    if (!ak || ak.value === '') return undefined;
    const lines = ak.value.split(/\r\n|\n|\r/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.length > 0 ? lines : undefined;
  },
  format: (lines) => {
    const t = ticketText(lines);
    if (t.length === 0) return undefined;
    if (t.length > MAX_TICKET_BYTES) throw new RangeError(`V3 ticket is ${t.length} bytes; AK inside ZT holds at most ${MAX_TICKET_BYTES}`);
    return encodeTlv([{ tag: 'CK', value: '100' }, { tag: 'AK', value: t }]).toString('latin1');
  },
};

/** Every typed field, by property name. */
export const FIELD_CODECS: { [K in AnswerFieldKey]-?: FieldCodec<NonNullable<AllFields[K]>> } = {
  version: text('CZ', /^\d{4}$/, '4 digits'),
  ecrId: text('CJ', /^[\x20-\x7e]{12}$/, '12 characters'),
  posNumber: text('CA', /^\d{2}$/, '2 digits'),
  amount,
  action: choice<V3Action>('CD', [['0', 'debit'], ['1', 'credit']], "'0' (debit) or '1' (credit)"),
  currencyNumeric: text('CE', /^\d{3}$/, '3 digits'),
  answerAtOnce: choice<boolean>('BA', [['1', true], ['0', false]], "'0' or '1'"),
  application: text('CC', /^[0-9A-Z]{3}$/, '3 digits or upper-case letters'),
  privateData: lenient('CF', 1, 999, ANY_EXPECTED),
  askTicket,
  status: choice<V3Status>('AE', [['10', '10'], ['01', '01'], ['11', '11']], "'10', '01' or '11'"),
  reason: lenient('AF', 2, 50, '2 to 50 printable ASCII characters (a 2-character code, then text)'),
  pan: text('AA', ANY, ANY_EXPECTED),
  cardExpiry: text('AB', ANY, ANY_EXPECTED),
  authorisationNumber: text('AC', ANY, ANY_EXPECTED),
  aid: text('AI', ANY, ANY_EXPECTED),
  readingMode: text('CI', ANY, ANY_EXPECTED),
  merchantContract: text('CG', ANY, ANY_EXPECTED),
  ticket,
};

export const REQUEST_KEYS: (keyof V3RequestFields)[] = [
  'version', 'ecrId', 'posNumber', 'amount', 'action', 'currencyNumeric', 'answerAtOnce', 'application', 'privateData', 'askTicket',
];
export const RESULT_KEYS: (keyof V3ResultFields)[] = [
  'status', 'reason', 'pan', 'cardExpiry', 'authorisationNumber', 'aid', 'readingMode', 'merchantContract', 'ticket',
];

/** Tag order when none is given (CZ is always first). */
export const REQUEST_TAG_ORDER = ['CZ', 'CJ', 'CA', 'CB', 'CD', 'CE', 'BA', 'CC', 'CF', 'CK'];
export const ANSWER_TAG_ORDER = [
  'CZ', 'CJ', 'CA', 'CB', 'CD', 'CE', 'BA', 'CF', 'CK', 'AE', 'AF', 'CC', 'CI', 'AC', 'AA', 'AI', 'AB', 'CG', 'ZT',
];

/** "CB (amount)": a tag and its meaning, for error messages. */
export function describeTag(key: AnswerFieldKey): string {
  return `${FIELD_CODECS[key].tag} (${key})`;
}
