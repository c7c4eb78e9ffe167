/**
 * The messages a payment terminal (PT) sends, decoded for the ECR side and encoded for the terminal side
 * (the simulator). Layouts: wirelane/ecrterm `packets/base_packets.py`, EVerest/zvt `zvt/src/packets.rs`,
 * checked against real-terminal captures (EVerest `zvt/data/*.blob`, bezahl-online `command/testdata`).
 */
import { encodeApdu, type Apdu } from './apdu';
import { encodeBcd } from './bcd';
import { encodeBmp, parseBmps } from './bmp';
import { bmpFields, type ZvtFields } from './fields';
import { amountBytes, currencyBytes, tlvBmp } from './ecr-commands';
import { intermediateStatusText, resultCodeText } from './codes';
import { findTlv, tlvContainer, tlvText, tlvTextLines, type TlvNode } from './tlv';

export type ZvtTerminalMessage =
  /** 80 00: the PT took our command. */
  | { type: 'ack' }
  /** 84 xx: the PT refused our command (nothing started). */
  | { type: 'nak'; code: number }
  /** 04 FF: status byte, optional time-out, optional TLV text lines. */
  | { type: 'intermediate'; code: number; text: string }
  /** 04 0F. `error` says why the BMPs stopped early (the fields before it stand). */
  | { type: 'status-information'; fields: ZvtFields; error?: string }
  /** 06 D1: attribute byte then the text. */
  | { type: 'print-line'; attribute: number; text: string }
  /** 06 D3: the TLV text lines (tag 07 inside tag 25). */
  | { type: 'print-block'; lines: string[]; error?: string }
  /** 06 0F: its data depends on the command it ends (decodeCompletion / decodeStatusCompletion). */
  | { type: 'completion'; data: Buffer }
  /** 06 1E: the command failed, with a result code. */
  | { type: 'abort'; resultCode: number; text: string }
  | { type: 'other'; cls: number; instr: number; data: Buffer };

export function decodeTerminalMessage(apdu: Apdu): ZvtTerminalMessage {
  const { cls, instr, data } = apdu;
  if (cls === 0x80 && instr === 0x00) return { type: 'ack' };
  if (cls === 0x84) return { type: 'nak', code: instr };
  if (cls === 0x04 && instr === 0xff) return decodeIntermediate(data);
  if (cls === 0x04 && instr === 0x0f) {
    const parsed = parseBmps(data);
    const message: ZvtTerminalMessage = { type: 'status-information', fields: bmpFields(parsed.bmps) };
    if (parsed.error) message.error = parsed.error;
    return message;
  }
  if (cls === 0x06 && instr === 0xd1) {
    // The text has no CR LF; an empty line is an empty text (EVerest PrintLine, chapter 3.5).
    return { type: 'print-line', attribute: data[0] ?? 0, text: data.subarray(1).toString('latin1') };
  }
  if (cls === 0x06 && instr === 0xd3) {
    const parsed = parseBmps(data);
    const tlv = parsed.bmps.find((b) => b.tag === 0x06)?.tlv;
    const message: ZvtTerminalMessage = { type: 'print-block', lines: tlvTextLines(tlv) };
    if (parsed.error) message.error = parsed.error;
    return message;
  }
  if (cls === 0x06 && instr === 0x0f) return { type: 'completion', data };
  if (cls === 0x06 && instr === 0x1e) {
    // A 06 1E without data is read as code FF "system error": the terminal still said the command failed.
    const resultCode = data[0] ?? 0xff;
    return { type: 'abort', resultCode, text: resultCodeText(resultCode) };
  }
  return { type: 'other', cls, instr, data };
}

/**
 * 04 FF status(1) [time-out(1)] [06 TLV]. A real terminal sends the text it shows in TLV tag 24 / 07:
 * `04 FF 2E 0A 01 06 2A 24 28 07 26 "Karte vorhalten\neinstecken/durchziehen"` (bezahl-online
 * `command/testdata/data050730027.hex`); without it the text comes from the code table.
 */
function decodeIntermediate(data: Buffer): ZvtTerminalMessage {
  const code = data[0] ?? 0xff;
  let lines: string[] = [];
  // The TLV follows the status byte, or the status byte and the time-out (which may itself be 06).
  for (const at of [1, 2]) {
    if (data[at] !== 0x06) continue;
    const parsed = parseBmps(data, at);
    if (parsed.error || parsed.bmps.length !== 1) continue;
    lines = tlvTextLines(parsed.bmps[0].tlv);
    break;
  }
  const text = lines.length > 0 ? lines.join(' ').replace(/[\r\n]+/g, ' ') : intermediateStatusText(code);
  return { type: 'intermediate', code, text };
}

/** 06 0F after a payment, a registration, an end of day...: BMPs 27, 19, 29, 49, 06 (EVerest CompletionData). */
export function decodeCompletion(data: Uint8Array): { fields: ZvtFields; error?: string } {
  const parsed = parseBmps(data);
  return parsed.error ? { fields: bmpFields(parsed.bmps), error: parsed.error } : { fields: bmpFields(parsed.bmps) };
}

export interface ZvtStatusCompletion {
  softwareVersion?: string;
  terminalStatus?: number;
  terminalId?: string;
  serialNumber?: string;
  deviceName?: string;
  error?: string;
}

/**
 * 06 0F after a status enquiry: [software version, LLLVAR] terminal status byte [06 TLV] (ecrterm
 * Completion; EVerest ReceiptPrintoutCompletion). The version is there only if the enquiry did not say
 * otherwise: it is recognised by its F0-F9 length bytes, as ecrterm does. Real captures: `06 0F 01 DC`
 * (bezahl-online `1619070661833PT.hex`) and EVerest `1680728219.054216000_pt_ecr.blob` (version, 00, TLV
 * with 1F44 terminal id and E4 device information).
 */
export function decodeStatusCompletion(data: Uint8Array): ZvtStatusCompletion {
  const out: ZvtStatusCompletion = {};
  let pos = 0;
  if (data.length >= 3 && [0, 1, 2].every((i) => (data[i] & 0xf0) === 0xf0 && (data[i] & 0x0f) <= 9)) {
    const length = (data[0] & 0x0f) * 100 + (data[1] & 0x0f) * 10 + (data[2] & 0x0f);
    if (3 + length <= data.length) {
      out.softwareVersion = Buffer.from(data.subarray(3, 3 + length)).toString('latin1').trim();
      pos = 3 + length;
    }
  }
  if (pos < data.length) out.terminalStatus = data[pos++];
  const parsed = parseBmps(data, pos);
  if (parsed.error) out.error = parsed.error;
  const tlv = parsed.bmps.find((b) => b.tag === 0x06)?.tlv;
  const value = (tag: number) => findTlv(tlv, tag)[0]?.value;
  const tid = value(0x1f44);
  if (tid) out.terminalId = tid.toString('hex');
  const serial = value(0x1f42);
  if (serial) out.serialNumber = serial.toString('hex').toUpperCase();
  const name = value(0x1f40);
  if (name) out.deviceName = name.toString('latin1');
  const version = value(0x1f41);
  if (!out.softwareVersion && version) out.softwareVersion = version.toString('latin1');
  const fields = bmpFields(parsed.bmps);
  if (!out.terminalId && fields.terminalId) out.terminalId = fields.terminalId;
  return out;
}

// ---- the terminal side: encoders ----

export function encodeIntermediateStatus(code: number, options: { timeoutS?: number; text?: string } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([code & 0xff])];
  if (options.timeoutS !== undefined) parts.push(Buffer.from([options.timeoutS & 0xff]));
  if (options.text !== undefined) parts.push(tlvBmp([tlvContainer(0x24, [tlvText(0x07, options.text)])]));
  return encodeApdu(0x04, 0xff, Buffer.concat(parts));
}

/** What the simulated terminal reports; each present field becomes its BMP, in the order real terminals use. */
export interface StatusInformationFields {
  resultCode: number;
  amount?: number;
  currencyNumeric?: string;
  traceNumber?: number;
  /** hhmmss */
  time?: string;
  /** MMDD */
  date?: string;
  /** YYMM */
  expiry?: string;
  paymentType?: number;
  /** Digits, with '*' or 'X' where the terminal masks (sent as E nibbles). */
  pan?: string;
  terminalId?: string;
  vuNumber?: string;
  authorisationNumber?: string;
  additionalText?: string;
  receiptNumber?: number;
  turnoverNumber?: number;
  cardType?: number;
  cardName?: string;
  totals?: Buffer;
  tlv?: TlvNode[];
}

export function encodeStatusInformation(f: StatusInformationFields): Buffer {
  const b: Buffer[] = [encodeBmp(0x27, Buffer.from([f.resultCode & 0xff]))];
  if (f.amount !== undefined) b.push(encodeBmp(0x04, amountBytes(f.amount)));
  if (f.currencyNumeric !== undefined) b.push(encodeBmp(0x49, currencyBytes(f.currencyNumeric)));
  if (f.time !== undefined) b.push(encodeBmp(0x0c, encodeBcd(f.time, 3)));
  if (f.date !== undefined) b.push(encodeBmp(0x0d, encodeBcd(f.date, 2)));
  if (f.pan !== undefined) b.push(encodeBmp(0x22, panBytes(f.pan)));
  if (f.receiptNumber !== undefined) b.push(encodeBmp(0x87, encodeBcd(String(f.receiptNumber), 2)));
  if (f.authorisationNumber !== undefined) b.push(encodeBmp(0x3b, fixedText(f.authorisationNumber, 8, '\u0000')));
  if (f.traceNumber !== undefined) b.push(encodeBmp(0x0b, encodeBcd(String(f.traceNumber), 3)));
  if (f.paymentType !== undefined) b.push(encodeBmp(0x19, Buffer.from([f.paymentType & 0xff])));
  if (f.terminalId !== undefined) b.push(encodeBmp(0x29, encodeBcd(f.terminalId, 4)));
  if (f.expiry !== undefined) b.push(encodeBmp(0x0e, encodeBcd(f.expiry, 2)));
  if (f.cardType !== undefined) b.push(encodeBmp(0x8a, Buffer.from([f.cardType & 0xff])));
  if (f.cardName !== undefined) b.push(encodeBmp(0x8b, Buffer.from(f.cardName, 'latin1')));
  if (f.vuNumber !== undefined) b.push(encodeBmp(0x2a, fixedText(f.vuNumber, 15, ' ')));
  if (f.turnoverNumber !== undefined) b.push(encodeBmp(0x88, encodeBcd(String(f.turnoverNumber), 3)));
  if (f.additionalText !== undefined) b.push(encodeBmp(0x3c, Buffer.from(f.additionalText, 'latin1')));
  if (f.totals !== undefined) b.push(encodeBmp(0x60, f.totals));
  if (f.tlv !== undefined) b.push(tlvBmp(f.tlv));
  return encodeApdu(0x04, 0x0f, Buffer.concat(b));
}

/** BMP 60 of an end of day (see decodeTotals). */
export function encodeTotals(t: { receiptFrom: number; receiptTo: number; byCard: { count: number; amount: number }[] }): Buffer {
  if (t.byCard.length !== 7) throw new RangeError('end-of-day totals have 7 card families');
  return Buffer.concat([
    encodeBcd(String(t.receiptFrom), 2),
    encodeBcd(String(t.receiptTo), 2),
    ...t.byCard.map((c) => Buffer.concat([Buffer.from([Math.min(c.count, 255)]), amountBytes(c.amount)])),
  ]);
}

export function encodePrintLine(text: string, attribute = 0): Buffer {
  return encodeApdu(0x06, 0xd1, Buffer.concat([Buffer.from([attribute & 0xff]), Buffer.from(text, 'latin1')]));
}

/** 06 D3 06 <1F07 receipt type> <25 { 07 line ... }> (EVerest PrintTextBlock; real capture bezahl-online data051327012.hex). */
export function encodePrintTextBlock(lines: string[], receiptType = 1): Buffer {
  const tlv: TlvNode[] = [{ tag: 0x1f07, value: Buffer.from([receiptType & 0xff]) }, tlvContainer(0x25, lines.map((l) => tlvText(0x07, l)))];
  return encodeApdu(0x06, 0xd3, tlvBmp(tlv));
}

export function encodeCompletion(f: { resultCode?: number; paymentType?: number; terminalId?: string; currencyNumeric?: string } = {}): Buffer {
  const b: Buffer[] = [];
  if (f.resultCode !== undefined) b.push(encodeBmp(0x27, Buffer.from([f.resultCode & 0xff])));
  if (f.paymentType !== undefined) b.push(encodeBmp(0x19, Buffer.from([f.paymentType & 0xff])));
  if (f.terminalId !== undefined) b.push(encodeBmp(0x29, encodeBcd(f.terminalId, 4)));
  if (f.currencyNumeric !== undefined) b.push(encodeBmp(0x49, currencyBytes(f.currencyNumeric)));
  return encodeApdu(0x06, 0x0f, Buffer.concat(b));
}

export function encodeStatusCompletion(f: { softwareVersion?: string; terminalStatus: number; terminalId?: string }): Buffer {
  const b: Buffer[] = [];
  if (f.softwareVersion !== undefined) {
    const v = Buffer.from(f.softwareVersion, 'latin1');
    const digits = String(v.length).padStart(3, '0');
    b.push(Buffer.from([...digits].map((d) => 0xf0 | Number(d))), v);
  }
  b.push(Buffer.from([f.terminalStatus & 0xff]));
  if (f.terminalId !== undefined) b.push(tlvBmp([{ tag: 0x1f44, value: encodeBcd(f.terminalId, 4) }]));
  return encodeApdu(0x06, 0x0f, Buffer.concat(b));
}

/** 06 1E result-code: the command failed (real capture `06 1E 01 6C`, bezahl-online data091355012.hex). */
export function encodeAbort(resultCode: number): Buffer {
  return encodeApdu(0x06, 0x1e, Buffer.from([resultCode & 0xff]));
}

function panBytes(pan: string): Buffer {
  const nibbles = pan.replace(/[*X]/gi, 'E');
  if (!/^[0-9E]{1,19}$/.test(nibbles)) throw new RangeError('PAN must be 1 to 19 digits or mask characters');
  return Buffer.from(nibbles.length % 2 ? `${nibbles}F` : nibbles, 'hex');
}

function fixedText(text: string, length: number, pad: string): Buffer {
  const b = Buffer.from(text.padEnd(length, pad), 'latin1');
  if (b.length !== length) throw new RangeError(`text ${JSON.stringify(text)} is longer than ${length} bytes`);
  return b;
}

