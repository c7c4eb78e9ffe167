/**
 * BMPs: the tagged fields of a ZVT APDU. Each tag has a fixed length, an LLVAR length (two digits sent as
 * F0-F9 bytes: `F1 F1` = 11), an LLLVAR length (three such bytes), or, for 06, a BER length (TLV container).
 * The table follows wirelane/ecrterm `packets/bitmaps.py` (field types) and EVerest/zvt `zvt/src/packets.rs`
 * (zvt_bmp lengths). A tag not in the table cannot be skipped (its length is unknown): the parse stops there
 * with an error and keeps what it read before.
 */
import { readBerLength, parseTlv, encodeBerLength, type TlvNode } from './tlv';
import { hexByte } from './apdu';

export type BmpLength = { kind: 'fixed'; bytes: number } | { kind: 'llvar' } | { kind: 'lllvar' } | { kind: 'tlv' };

const fixed = (bytes: number): BmpLength => ({ kind: 'fixed', bytes });
const LL: BmpLength = { kind: 'llvar' };
const LLL: BmpLength = { kind: 'lllvar' };

export const BMP_LENGTHS: ReadonlyMap<number, BmpLength> = new Map<number, BmpLength>([
  [0x01, fixed(1)], // time-out
  [0x02, fixed(1)], // max. status infos
  [0x03, fixed(1)], // service byte
  [0x04, fixed(6)], // amount, BCD minor units
  [0x05, fixed(1)], // pump number
  [0x06, { kind: 'tlv' }],
  [0x0b, fixed(3)], // trace number, BCD
  [0x0c, fixed(3)], // time hhmmss, BCD
  [0x0d, fixed(2)], // date MMDD, BCD
  [0x0e, fixed(2)], // expiry YYMM, BCD
  [0x17, fixed(2)], // card sequence number, BCD
  [0x19, fixed(1)], // status byte / payment type / card type
  [0x22, LL], // PAN, BCD, E nibbles masked
  [0x23, LL], // track 2
  [0x24, LLL], // track 3
  [0x27, fixed(1)], // result code
  [0x29, fixed(4)], // terminal id, BCD
  [0x2a, fixed(15)], // VU number, ASCII
  [0x2d, LL], // track 1
  [0x2e, LLL], // synchronous chip data
  [0x37, fixed(3)], // trace number of the original transaction
  [0x3a, fixed(2)], // CVV
  [0x3b, fixed(8)], // AID authorisation attribute (the authorisation number)
  [0x3c, LLL], // additional data / additional text
  [0x3d, fixed(3)], // password
  [0x49, fixed(2)], // currency, BCD
  [0x60, LLL], // individual totals
  [0x87, fixed(2)], // receipt number, BCD
  [0x88, fixed(3)], // turnover record number, BCD
  [0x8a, fixed(1)], // card type
  [0x8b, LL], // card name
  [0x8c, fixed(1)], // card type id of the network operator
  [0x92, LLL], // additional data ec-Cash chip offline
  [0x9a, LLL], // Geldkarte records
  [0xa0, fixed(1)], // result code AS
  [0xa7, LL], // chip data EF_ID
  [0xaa, fixed(3)], // date YYMMDD, BCD
  [0xaf, LLL], // EF_Info
  [0xba, fixed(5)], // AID parameter
  [0xd0, fixed(1)], // algorithm key
  [0xd1, LL], // card offset / PIN data
  [0xd2, fixed(1)], // direction
  [0xd3, fixed(1)], // key position
  [0xe0, fixed(1)], // min. input length
  ...[0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8].map((t): [number, BmpLength] => [t, LL]), // text2 lines
  [0xe9, fixed(1)], // max. input length
  [0xea, fixed(1)], // echo input
  [0xeb, fixed(8)], // MAC
  [0xf0, fixed(1)], // display duration
  ...[0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8].map((t): [number, BmpLength] => [t, LL]), // text1 lines
  [0xf9, fixed(1)], // beeps
  [0xfa, fixed(1)], // status
  [0xfb, fixed(1)], // confirmation required
  [0xfc, fixed(1)], // dialog control
]);

export interface Bmp {
  tag: number;
  /** The value without the tag and length prefix. */
  value: Buffer;
  /** BMP 06 only: the container, when it parsed. */
  tlv?: TlvNode[];
}

export interface BmpParse {
  bmps: Bmp[];
  /** Why the parse stopped before the end: an unknown tag, a bad length, a cut value. The BMPs before it stand. */
  error?: string;
}

/** The BMPs in `bytes` from `start`. Never throws. */
export function parseBmps(bytes: Uint8Array, start = 0): BmpParse {
  const bmps: Bmp[] = [];
  let pos = start;
  while (pos < bytes.length) {
    const tag = bytes[pos];
    const kind = BMP_LENGTHS.get(tag);
    if (!kind) return { bmps, error: `unknown BMP ${hexByte(tag)} at byte ${pos}: its length cannot be known, the rest is not read` };
    let length: number;
    let valueStart: number;
    if (kind.kind === 'fixed') {
      length = kind.bytes;
      valueStart = pos + 1;
    } else if (kind.kind === 'tlv') {
      const ber = readBerLength(bytes, pos + 1);
      if (!ber.ok) return { bmps, error: `BMP 06 at byte ${pos}: ${ber.error}` };
      length = ber.value.length;
      valueStart = ber.value.next;
    } else {
      const digits = kind.kind === 'llvar' ? 2 : 3;
      const ll = readVarLength(bytes, pos + 1, digits);
      if (ll === undefined) return { bmps, error: `BMP ${hexByte(tag)} at byte ${pos}: its ${digits}-digit length (F0-F9 bytes) is missing or malformed` };
      length = ll;
      valueStart = pos + 1 + digits;
    }
    const end = valueStart + length;
    if (end > bytes.length) return { bmps, error: `BMP ${hexByte(tag)} at byte ${pos} needs ${length} bytes, only ${Math.max(0, bytes.length - valueStart)} follow` };
    const bmp: Bmp = { tag, value: Buffer.from(bytes.subarray(valueStart, end)) };
    if (tag === 0x06) {
      const tlv = parseTlv(bmp.value);
      if (!tlv.ok) return { bmps, error: `BMP 06 at byte ${pos}: ${tlv.error}` };
      bmp.tlv = tlv.value;
    }
    bmps.push(bmp);
    pos = end;
  }
  return { bmps };
}

/** Tag, length prefix as the table says, value. Throws on a value that does not fit: encoders only. */
export function encodeBmp(tag: number, value: Uint8Array): Buffer {
  const kind = BMP_LENGTHS.get(tag);
  if (!kind) throw new RangeError(`BMP ${hexByte(tag)} is not in the BMP table`);
  switch (kind.kind) {
    case 'fixed':
      if (value.length !== kind.bytes) throw new RangeError(`BMP ${hexByte(tag)} is ${kind.bytes} bytes, got ${value.length}`);
      return Buffer.concat([Buffer.from([tag]), value]);
    case 'tlv':
      return Buffer.concat([Buffer.from([tag]), encodeBerLength(value.length), value]);
    case 'llvar':
    case 'lllvar':
      return Buffer.concat([Buffer.from([tag]), varLength(value.length, kind.kind === 'llvar' ? 2 : 3), value]);
  }
}

function readVarLength(bytes: Uint8Array, pos: number, digits: number): number | undefined {
  if (pos + digits > bytes.length) return undefined;
  let n = 0;
  for (let i = 0; i < digits; i++) {
    const b = bytes[pos + i];
    if ((b & 0xf0) !== 0xf0 || (b & 0x0f) > 9) return undefined;
    n = n * 10 + (b & 0x0f);
  }
  return n;
}

function varLength(length: number, digits: number): Buffer {
  if (length >= 10 ** digits) throw new RangeError(`a value of ${length} bytes does not fit a ${digits}-digit length`);
  const text = String(length).padStart(digits, '0');
  return Buffer.from([...text].map((d) => 0xf0 | Number(d)));
}

/** The first BMP with this tag. */
export function findBmp(bmps: readonly Bmp[], tag: number): Bmp | undefined {
  return bmps.find((b) => b.tag === tag);
}
