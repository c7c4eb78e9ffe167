/**
 * TLV written as real terminals may write it, without the codec's checks: a value may hold a separator or
 * other non-printable byte (HiPay "Local API for Nepting") or be empty (a Desk/5000's CB on the red key,
 * OCA/l10n-france issues 669-672). Tag, 3-digit length, value; Latin-1 bytes.
 */
import type { TlvField } from '@ecr/protocol';

export function writeRawTlv(fields: readonly TlvField[]): Buffer {
  const parts: Buffer[] = [];
  for (const { tag, value } of fields) {
    const bytes = Buffer.from(value, 'latin1');
    if (!/^[A-Z]{2}$/.test(tag) || bytes.length > 999) throw new RangeError(`cannot write TLV field ${tag} of ${bytes.length} bytes`);
    parts.push(Buffer.from(tag + String(bytes.length).padStart(3, '0'), 'latin1'), bytes);
  }
  return Buffer.concat(parts);
}

/** Reads back what writeRawTlv wrote (tests and the ledger): any byte in a value, empty values too. */
export function readRawTlv(bytes: Uint8Array): { fields: TlvField[]; rest: Buffer } {
  const fields: TlvField[] = [];
  const buf = Buffer.from(bytes);
  let pos = 0;
  while (pos + 5 <= buf.length) {
    const tag = buf.toString('latin1', pos, pos + 2);
    const lengthText = buf.toString('latin1', pos + 2, pos + 5);
    if (!/^[A-Z]{2}$/.test(tag) || !/^\d{3}$/.test(lengthText)) break;
    const end = pos + 5 + Number(lengthText);
    if (end > buf.length) break;
    fields.push({ tag, value: buf.toString('latin1', pos + 5, end) });
    pos = end;
  }
  return { fields, rest: buf.subarray(pos) };
}
