/**
 * The ZVT APDU: class byte, instruction byte, length, data. A length of 255 or more is written FF followed by
 * two bytes little-endian (a real terminal sends `06 D3 FF 2D 04 ...`: bezahl-online/zvt
 * `command/testdata/1617777384987PT.hex`; EVerest/zvt `zvt/data/print_system_configuration_reply.blob`).
 */
export interface Apdu {
  cls: number;
  instr: number;
  data: Buffer;
}

export type ApduParse =
  | { kind: 'apdu'; apdu: Apdu; /** bytes the APDU took, header included */ size: number }
  /** The bytes are the start of an APDU; `needed` is the total size once known. */
  | { kind: 'need-more'; needed?: number };

/** Longest data an APDU can carry: the extended length is two bytes. */
export const MAX_APDU_DATA = 0xffff;

export function encodeApdu(cls: number, instr: number, data: Uint8Array = Buffer.alloc(0)): Buffer {
  checkByte('class', cls);
  checkByte('instruction', instr);
  if (data.length > MAX_APDU_DATA) throw new RangeError(`APDU data of ${data.length} bytes is longer than ${MAX_APDU_DATA}`);
  const header = data.length < 0xff ? Buffer.from([cls, instr, data.length]) : Buffer.from([cls, instr, 0xff, data.length & 0xff, data.length >> 8]);
  return Buffer.concat([header, data]);
}

/** One APDU from the start of `bytes` (at `offset`). Never throws: too few bytes is 'need-more'. */
export function parseApdu(bytes: Uint8Array, offset = 0): ApduParse {
  const available = bytes.length - offset;
  if (available < 3) return { kind: 'need-more' };
  let headerSize = 3;
  let length = bytes[offset + 2];
  if (length === 0xff) {
    if (available < 5) return { kind: 'need-more' };
    headerSize = 5;
    length = bytes[offset + 3] | (bytes[offset + 4] << 8);
  }
  const size = headerSize + length;
  if (available < size) return { kind: 'need-more', needed: size };
  const start = offset + headerSize;
  const apdu: Apdu = { cls: bytes[offset], instr: bytes[offset + 1], data: Buffer.from(bytes.subarray(start, start + length)) };
  return { kind: 'apdu', apdu, size };
}

/** "06 01" for logs and error messages. */
export function apduName(cls: number, instr: number): string {
  return `${hexByte(cls)} ${hexByte(instr)}`;
}

export function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`APDU ${name} must be a byte (0..255), got ${String(v)}`);
}
