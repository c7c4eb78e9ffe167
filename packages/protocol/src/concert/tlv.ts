/**
 * Caisse-AP / Concert V3 TLV: a tag of 2 upper-case letters, a 3-digit decimal length, then the value.
 * Over TCP the fields come raw with no terminator, so the parser is incremental: it says whether the bytes
 * so far end at a field boundary, end inside a field, or are wrong.
 *
 * Values are read byte for byte (latin1) whatever they hold: the length alone delimits them. Real terminals
 * put non-printable separators inside values (HiPay's "Local API for Nepting": CF may carry a separator
 * character; ticket text in AK has line breaks), and a Desk/5000 sends an empty CB (length 000) when the
 * customer presses the red key (OCA/l10n-france issues 669 to 672). Refusing those would lose the answer.
 */
import { quote, showByte } from './ascii';

export interface TlvField {
  tag: string;
  value: string;
}

export interface TlvParse {
  /** The complete fields, in order (before the error when 'invalid'). */
  fields: TlvField[];
  /** Bytes taken by those fields. */
  consumed: number;
  /** 'complete': every byte consumed at a field boundary (an empty input too); 'partial': a field is cut, more bytes needed; 'invalid': see error. */
  status: 'complete' | 'partial' | 'invalid';
  error?: string;
}

export const TLV_MAX_VALUE_LENGTH = 999;
const TAG = /^[A-Z]{2}$/;

export function encodeTlv(fields: readonly TlvField[]): Buffer {
  let text = '';
  for (const { tag, value } of fields) {
    if (typeof tag !== 'string' || !TAG.test(tag)) throw new RangeError(`TLV tag must be two upper-case letters, got ${quote(String(tag))}`);
    if (typeof value !== 'string' || value.length > TLV_MAX_VALUE_LENGTH) {
      throw new RangeError(`TLV value of ${tag} must be 0 to ${TLV_MAX_VALUE_LENGTH} characters, got ${String(value).length}`);
    }
    if (/[^\x00-\xff]/.test(value)) throw new RangeError(`TLV value of ${tag} must be Latin-1 bytes, got ${quote(value)}`);
    text += tag + String(value.length).padStart(3, '0') + value;
  }
  return Buffer.from(text, 'latin1');
}

export function parseTlv(bytes: Uint8Array): TlvParse {
  const fields: TlvField[] = [];
  let pos = 0;
  const stop = (status: 'partial' | 'invalid', error?: string): TlvParse =>
    error === undefined ? { fields, consumed: pos, status } : { fields, consumed: pos, status, error };

  while (pos < bytes.length) {
    const available = bytes.length - pos;
    // Check the header bytes that are there, so a wrong byte is reported as soon as it arrives.
    for (let i = 0; i < Math.min(5, available); i++) {
      const b = bytes[pos + i] as number;
      if (i < 2 && !(b >= 0x41 && b <= 0x5a)) {
        return stop('invalid', `TLV: byte ${pos + i} is ${showByte(b)} where a tag (two upper-case letters) was expected`);
      }
      if (i >= 2 && !(b >= 0x30 && b <= 0x39)) {
        const tag = String.fromCharCode(bytes[pos] as number, bytes[pos + 1] as number);
        return stop('invalid', `TLV: length of tag ${tag} must be 3 digits, byte ${pos + i} is ${showByte(b)}`);
      }
    }
    if (available < 5) return stop('partial');
    const tag = String.fromCharCode(bytes[pos] as number, bytes[pos + 1] as number);
    const length = Number(String.fromCharCode(bytes[pos + 2] as number, bytes[pos + 3] as number, bytes[pos + 4] as number));
    const end = Math.min(pos + 5 + length, bytes.length);
    if (pos + 5 + length > bytes.length) return stop('partial');
    fields.push({ tag, value: Buffer.from(bytes.subarray(pos + 5, end)).toString('latin1') });
    pos = end;
  }
  return { fields, consumed: pos, status: 'complete' };
}
