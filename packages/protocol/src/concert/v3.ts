/**
 * Concert V3 / Caisse-AP request and answer on top of the TLV.
 *
 * Tag order: CZ first, then the order in `tagOrder` (the decoders fill it with the order the tags came in,
 * so decoding and encoding again gives the same bytes), then a default order, then `otherFields`.
 *
 * Strictness: a request decoder is strict (a tag it knows with a value it cannot read is an error: the ECR
 * sent something wrong). An answer decoder is lenient, because the answer carries the payment outcome:
 * only AE must be readable; an echoed or result tag it cannot read is kept, raw, in `otherFields`.
 */
import { decodeError, decoded, type Result } from '../decode-result';
import { quote } from './ascii';
import { encodeTlv, parseTlv, type TlvField } from './tlv';
import {
  ANSWER_TAG_ORDER,
  FIELD_CODECS,
  REQUEST_KEYS,
  REQUEST_TAG_ORDER,
  RESULT_KEYS,
  describeTag,
  type AnswerFieldKey,
  type V3RequestFields,
  type V3ResultFields,
} from './v3-fields';

export type { V3Action, V3Status, V3RequestFields, V3ResultFields } from './v3-fields';

interface TlvExtras {
  /** Fields kept raw: tags this codec has no field for, or (answers) values it could not read. In order. */
  otherFields?: TlvField[];
  /** Order of the tags; set by the decoders, optional for the encoders. */
  tagOrder?: string[];
}

export interface V3Request extends V3RequestFields, TlvExtras {}

/** The terminal's answer: the request's fields echoed (each optional), AE, and what the terminal adds. */
export interface V3Answer extends Partial<V3RequestFields>, V3ResultFields, TlvExtras {}

const REQUIRED_REQUEST_KEYS: AnswerFieldKey[] = ['version', 'ecrId', 'posNumber', 'amount', 'action', 'currencyNumeric'];
const ANSWER_KEYS: AnswerFieldKey[] = [...REQUEST_KEYS, ...RESULT_KEYS];

export function encodeV3Request(request: V3Request): Buffer {
  return encodeMessage(request, REQUEST_KEYS, REQUEST_TAG_ORDER);
}

export function encodeV3Answer(answer: V3Answer): Buffer {
  if (answer.status === undefined) throw new RangeError('V3 answer needs a status (AE)');
  return encodeMessage(answer, ANSWER_KEYS, ANSWER_TAG_ORDER);
}

export function decodeV3Request(input: readonly TlvField[] | Uint8Array): Result<V3Request> {
  const what = 'Concert V3 request';
  const read = readFields(what, input, REQUEST_KEYS, true);
  if (!read.ok) return read;
  const missing = REQUIRED_REQUEST_KEYS.filter((k) => read.value.values[k] === undefined);
  if (missing.length > 0) return decodeError(`${what}: missing ${missing.map(describeTag).join(', ')}`);
  return decoded(withExtras(read.value.values, read.value) as unknown as V3Request);
}

export function decodeV3Answer(input: readonly TlvField[] | Uint8Array): Result<V3Answer> {
  const what = 'Concert V3 answer';
  const read = readFields(what, input, ANSWER_KEYS, false);
  if (!read.ok) return read;
  if (read.value.values.status === undefined) {
    const ae = read.value.otherFields.find((f) => f.tag === 'AE');
    return decodeError(
      ae
        ? `${what}: AE (status) must be '10', '01' or '11', got ${quote(ae.value)}`
        : `${what}: AE (status) is missing: not an answer to a payment`,
    );
  }
  return decoded(withExtras(read.value.values, read.value) as unknown as V3Answer);
}

// ---- encoding

function encodeMessage(message: object, keys: readonly AnswerFieldKey[], defaultOrder: readonly string[]): Buffer {
  const record = message as Partial<Record<AnswerFieldKey, unknown>> & TlvExtras;
  const byTag = new Map<string, string>();
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    const codec = FIELD_CODECS[key] as { tag: string; format(value: unknown): string | undefined };
    const value = codec.format(v);
    if (value !== undefined) byTag.set(codec.tag, value);
  }
  // otherFields may hold a known tag the lenient answer decoder could not read, but not one also given typed.
  for (const f of record.otherFields ?? []) {
    if (byTag.has(f.tag)) throw new RangeError(`V3 tag ${f.tag} is given twice (typed field or otherFields)`);
    byTag.set(f.tag, f.value);
  }
  const order = new Set(['CZ', ...(record.tagOrder ?? []), ...defaultOrder, ...(record.otherFields ?? []).map((f) => f.tag)]);
  const fields: TlvField[] = [];
  for (const tag of order) {
    const value = byTag.get(tag);
    if (value !== undefined) fields.push({ tag, value });
  }
  return encodeTlv(fields);
}

// ---- decoding

interface ReadFields {
  values: Partial<Record<AnswerFieldKey, unknown>>;
  otherFields: TlvField[];
  tagOrder: string[];
}

function readFields(
  what: string,
  input: readonly TlvField[] | Uint8Array,
  keys: readonly AnswerFieldKey[],
  strict: boolean,
): Result<ReadFields> {
  let fields: readonly TlvField[];
  if (input instanceof Uint8Array) {
    const parsed = parseTlv(input);
    if (parsed.status === 'invalid') return decodeError(`${what}: ${parsed.error ?? 'not a TLV message'}`);
    if (parsed.status === 'partial') return decodeError(`${what}: cut inside a field after byte ${parsed.consumed} (incomplete message)`);
    fields = parsed.fields;
  } else {
    fields = input;
  }

  const keyByTag = new Map(keys.map((k) => [FIELD_CODECS[k].tag, k] as const));
  const out: ReadFields = { values: {}, otherFields: [], tagOrder: [] };
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.tag)) return decodeError(`${what}: tag ${field.tag} appears twice`);
    seen.add(field.tag);
    out.tagOrder.push(field.tag);
    const key = keyByTag.get(field.tag);
    if (key === undefined) {
      out.otherFields.push({ ...field });
      continue;
    }
    const value = (FIELD_CODECS[key] as { parse(v: string): unknown }).parse(field.value);
    if (value !== undefined) {
      out.values[key] = value;
    } else if (strict) {
      return decodeError(`${what}: ${describeTag(key)} must be ${FIELD_CODECS[key].expected}, got ${quote(field.value)}`);
    } else {
      out.otherFields.push({ ...field });
    }
  }
  return decoded(out);
}

function withExtras(values: ReadFields['values'], read: ReadFields): Record<string, unknown> {
  const result: Record<string, unknown> = { ...values, tagOrder: read.tagOrder };
  if (read.otherFields.length > 0) result.otherFields = read.otherFields;
  return result;
}
