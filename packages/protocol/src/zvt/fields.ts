/**
 * The BMPs of a terminal message as named, typed values. Meanings from wirelane/ecrterm `packets/bitmaps.py`
 * and EVerest/zvt `zvt/src/packets.rs` (StatusInformation); the EMV AID from the TLV tag 43 (EVerest
 * `packets/tlv.rs` Subs.application_id; a real terminal sends `43 07 A0000000043060` inside tag 60:
 * bezahl-online/zvt `command/testdata/1618593839564PT.hex`).
 */
import { findBmp, type Bmp } from './bmp';
import { decodeBcdDigits, decodeBcdNumber } from './bcd';
import { decodePanBmp } from './card-number';
import { findTlv, tlvTextLines, type TlvNode } from './tlv';

export interface ZvtFields {
  resultCode?: number;
  /** BMP 04, minor units. */
  amount?: number;
  /** BMP 49 as the ISO 4217 numeric code, three digits ("978"). */
  currencyNumeric?: string;
  traceNumber?: string;
  receiptNumber?: string;
  turnoverNumber?: string;
  terminalId?: string;
  vuNumber?: string;
  /** BMP 3B "AID authorisation attribute": the authorisation number, NULs and spaces trimmed. */
  authorisationNumber?: string;
  /** BMP 22, masked. */
  maskedPan?: string;
  cardName?: string;
  /** BMP 8A, ZVT card type. */
  cardType?: number;
  /** BMP 19. */
  paymentType?: number;
  /** BMP 0E, YYMM. */
  expiry?: string;
  /** BMP 0D MMDD, or the MMDD of BMP AA. */
  date?: string;
  /** BMP AA, YYMMDD. */
  fullDate?: string;
  /** BMP 0C, hhmmss. */
  time?: string;
  cardSequenceNumber?: string;
  /** BMP 3C additional text. */
  additionalText?: string;
  /** EMV AID from the TLV (tag 43), hex upper case. */
  aid?: string;
  /** Text lines (tag 07) of the TLV container. */
  textLines?: string[];
  /** BMP 60, raw (end of day totals: see decodeTotals). */
  totals?: Buffer;
  tlv?: TlvNode[];
}

export function bmpFields(bmps: readonly Bmp[]): ZvtFields {
  const f: ZvtFields = {};
  const get = (tag: number) => findBmp(bmps, tag)?.value;
  const byte = (tag: number) => get(tag)?.[0];
  const bcd = (tag: number) => {
    const v = get(tag);
    return v ? decodeBcdDigits(v) : undefined;
  };
  const text = (tag: number) => {
    const v = get(tag);
    return v ? v.toString('latin1').replace(/[\u0000\s]+$/, '') : undefined;
  };
  const set = <K extends keyof ZvtFields>(key: K, value: ZvtFields[K] | undefined) => {
    if (value !== undefined) f[key] = value;
  };

  set('resultCode', byte(0x27));
  const amount = get(0x04);
  set('amount', amount ? decodeBcdNumber(amount) : undefined);
  const currency = bcd(0x49);
  set('currencyNumeric', currency !== undefined ? currency.slice(1) : undefined);
  set('traceNumber', bcd(0x0b));
  set('receiptNumber', bcd(0x87));
  set('turnoverNumber', bcd(0x88));
  set('terminalId', bcd(0x29));
  set('vuNumber', text(0x2a)?.trim());
  set('authorisationNumber', text(0x3b)?.trim() || undefined);
  const pan = get(0x22);
  set('maskedPan', pan ? decodePanBmp(pan) : undefined);
  set('cardName', text(0x8b));
  set('cardType', byte(0x8a));
  set('paymentType', byte(0x19));
  set('expiry', bcd(0x0e));
  set('fullDate', bcd(0xaa));
  set('date', bcd(0x0d) ?? bcd(0xaa)?.slice(2));
  set('time', bcd(0x0c));
  set('cardSequenceNumber', bcd(0x17));
  set('additionalText', text(0x3c));
  set('totals', get(0x60));
  const tlv = findBmp(bmps, 0x06)?.tlv;
  if (tlv) {
    f.tlv = tlv;
    const aid = findTlv(tlv, 0x43)[0];
    if (aid) f.aid = aid.value.toString('hex').toUpperCase();
    const lines = tlvTextLines(tlv);
    if (lines.length > 0) f.textLines = lines;
  }
  return f;
}

/** End-of-day totals by card family (BMP 60 in the end of day's status information). */
export interface ZvtTotals {
  receiptFrom: string;
  receiptTo: string;
  byCard: { card: ZvtTotalsCard; count: number; amount: number }[];
}

export type ZvtTotalsCard = 'girocard' | 'jcb' | 'eurocard' | 'amex' | 'visa' | 'diners' | 'others';

/**
 * BMP 60 after an end of day: receipt numbers from and to (2 BCD each), then for each card family a count
 * (1 byte binary) and a total (6 BCD), 53 bytes. Layout: EVerest/zvt `packets.rs` SingleAmounts, checked
 * against its real capture `zvt/data/1680761828.489701000_pt_ecr.blob` (2 Eurocard payments, 9.58).
 */
export function decodeTotals(value: Uint8Array): ZvtTotals | undefined {
  const CARDS: ZvtTotalsCard[] = ['girocard', 'jcb', 'eurocard', 'amex', 'visa', 'diners', 'others'];
  if (value.length !== 4 + CARDS.length * 7) return undefined;
  const receiptFrom = decodeBcdDigits(value.subarray(0, 2));
  const receiptTo = decodeBcdDigits(value.subarray(2, 4));
  if (receiptFrom === undefined || receiptTo === undefined) return undefined;
  const byCard: ZvtTotals['byCard'] = [];
  for (let i = 0; i < CARDS.length; i++) {
    const at = 4 + i * 7;
    const amount = decodeBcdNumber(value.subarray(at + 1, at + 7));
    if (amount === undefined) return undefined;
    byCard.push({ card: CARDS[i], count: value[at], amount });
  }
  return { receiptFrom, receiptTo, byCard };
}
