/**
 * The messages a cash register (ECR) sends, encoded for the ECR side and decoded for the terminal side.
 * Layouts: wirelane/ecrterm `packets/base_packets.py`, EVerest/zvt `zvt/src/packets.rs`; zvt.md "Sequences".
 */
import { encodeApdu, type Apdu } from './apdu';
import { decodeBcdDigits, decodeBcdNumber, encodeBcd } from './bcd';
import { encodeBmp, findBmp, parseBmps, type Bmp } from './bmp';
import { encodeTlv, type TlvNode } from './tlv';

/**
 * Registration config-byte bits (ecrterm `packets/types.py` ConfigByte). The connector sets all six
 * (0xBE, ecrterm's ConfigByte.ALL):
 * - 02/04 the ECR prints the payment and the administration receipts: the terminal sends their lines
 *   (06 D1 / 06 D3), which become the kiosk's ticket and the end-of-day printout;
 * - 08 intermediate status 04 FF: "insert card", "PIN entry"... shown on GET /check while a payment runs;
 * - 10 the ECR controls payment and 20 administration: nobody starts either from the terminal's keys at an
 *   unattended kiosk;
 * - 80 receipts as print lines.
 */
export const ZVT_CONFIG = {
  ecrPrintsPaymentReceipt: 0x02,
  ecrPrintsAdminReceipt: 0x04,
  intermediateStatus: 0x08,
  ecrControlsPayment: 0x10,
  ecrControlsAdmin: 0x20,
  printLines: 0x80,
} as const;
export const ZVT_DEFAULT_CONFIG_BYTE = 0xbe;

/** Largest amount BMP 04 holds: 12 BCD digits. */
export const ZVT_MAX_AMOUNT = 999_999_999_999;

/** An explicit empty TLV container (`06 00`), as ecrterm's payment() sends (tlv=[]). */
export type TlvOption = TlvNode[] | 'empty' | undefined;

export interface RegistrationCommand {
  /** Six digits. */
  password: string;
  configByte?: number;
  /** ISO 4217 numeric ("978"), written bare after the config byte (ecrterm `cc`, EVerest `currency`: no 49 tag). */
  currencyNumeric?: string;
  serviceByte?: number;
  tlv?: TlvOption;
}

export function encodeRegistration(c: RegistrationCommand): Buffer {
  const config = c.configByte ?? ZVT_DEFAULT_CONFIG_BYTE;
  checkByte('config byte', config);
  const parts = [passwordBytes(c.password), Buffer.from([config])];
  if (c.currencyNumeric !== undefined) parts.push(currencyBytes(c.currencyNumeric));
  if (c.serviceByte !== undefined) {
    checkByte('service byte', c.serviceByte);
    parts.push(encodeBmp(0x03, Buffer.from([c.serviceByte])));
  }
  parts.push(tlvBmp(c.tlv));
  return encodeApdu(0x06, 0x00, Buffer.concat(parts));
}

export interface AuthorisationCommand {
  /** Minor units. */
  amount: number;
  currencyNumeric?: string;
  tlv?: TlvOption;
}

export function encodeAuthorisation(c: AuthorisationCommand): Buffer {
  const parts = [encodeBmp(0x04, amountBytes(c.amount))];
  if (c.currencyNumeric !== undefined) parts.push(encodeBmp(0x49, currencyBytes(c.currencyNumeric)));
  parts.push(tlvBmp(c.tlv));
  return encodeApdu(0x06, 0x01, Buffer.concat(parts));
}

export interface StatusEnquiryCommand {
  password?: string;
  serviceByte?: number;
  tlv?: TlvOption;
}

export function encodeStatusEnquiry(c: StatusEnquiryCommand = {}): Buffer {
  const parts: Buffer[] = [];
  if (c.password !== undefined) parts.push(passwordBytes(c.password));
  if (c.serviceByte !== undefined) {
    checkByte('service byte', c.serviceByte);
    parts.push(encodeBmp(0x03, Buffer.from([c.serviceByte])));
  }
  parts.push(tlvBmp(c.tlv));
  return encodeApdu(0x05, 0x01, Buffer.concat(parts));
}

export function encodeEndOfDay(password: string): Buffer {
  return encodeApdu(0x06, 0x50, passwordBytes(password));
}

/** 06 B0: abort the running command, allowed without master rights (ecrterm AbortCommand). */
export function encodeAbortCommand(): Buffer {
  return encodeApdu(0x06, 0xb0);
}

export function encodeDiagnosis(tlv?: TlvOption): Buffer {
  return encodeApdu(0x06, 0x70, tlvBmp(tlv));
}

export function encodeResetTerminal(): Buffer {
  return encodeApdu(0x06, 0x18);
}

/** 80 00 00: the acknowledgement both sides send for every message they take. */
export function encodeAck(): Buffer {
  return encodeApdu(0x80, 0x00);
}

/** 84 xx 00: a message refused (zvt2sumup lists 84 83 00 "function not possible"). */
export function encodeNak(code = 0x83): Buffer {
  checkByte('negative acknowledgement code', code);
  return encodeApdu(0x84, code);
}

// ---- the terminal side: what an ECR sent ----

export type EcrCommand =
  | { type: 'registration'; password: string; configByte: number; currencyNumeric?: string; serviceByte?: number; tlv?: TlvNode[] }
  | { type: 'authorisation'; amount?: number; currencyNumeric?: string; bmps: Bmp[] }
  | { type: 'status-enquiry'; password?: string; serviceByte?: number }
  | { type: 'end-of-day'; password: string }
  | { type: 'abort' }
  | { type: 'diagnosis' }
  | { type: 'reset' }
  | { type: 'ack' }
  | { type: 'nak'; code: number }
  | { type: 'unknown'; cls: number; instr: number }
  /** A known command whose data did not decode. */
  | { type: 'malformed'; command: string; error: string };

export function decodeEcrCommand(apdu: Apdu): EcrCommand {
  const { cls, instr, data } = apdu;
  if (cls === 0x80 && instr === 0x00) return { type: 'ack' };
  if (cls === 0x84) return { type: 'nak', code: instr };
  if (cls === 0x05 && instr === 0x01) return decodeStatusEnquiry(data);
  if (cls !== 0x06) return { type: 'unknown', cls, instr };
  switch (instr) {
    case 0x00:
      return decodeRegistration(data);
    case 0x01: {
      const parsed = parseBmps(data);
      if (parsed.error) return { type: 'malformed', command: 'authorisation', error: parsed.error };
      const amount = findBmp(parsed.bmps, 0x04)?.value;
      const currency = findBmp(parsed.bmps, 0x49)?.value;
      const c: EcrCommand = { type: 'authorisation', bmps: parsed.bmps };
      if (amount) {
        const n = decodeBcdNumber(amount);
        if (n === undefined) return { type: 'malformed', command: 'authorisation', error: 'amount (BMP 04) is not BCD' };
        c.amount = n;
      }
      if (currency) {
        const digits = decodeBcdDigits(currency);
        if (digits === undefined) return { type: 'malformed', command: 'authorisation', error: 'currency (BMP 49) is not BCD' };
        c.currencyNumeric = digits.slice(1);
      }
      return c;
    }
    case 0x50: {
      const password = data.length >= 3 ? decodeBcdDigits(data.subarray(0, 3)) : undefined;
      if (password === undefined) return { type: 'malformed', command: 'end of day', error: 'the password (3 BCD bytes) is missing' };
      return { type: 'end-of-day', password };
    }
    case 0xb0:
      return { type: 'abort' };
    case 0x70:
      return { type: 'diagnosis' };
    case 0x18:
      return { type: 'reset' };
    default:
      return { type: 'unknown', cls, instr };
  }
}

/**
 * 06 00 password(3) config(1) [currency(2), bare] [03 service] [06 TLV]. Whether the 2 bytes after the
 * config byte are a currency is not marked: the rest is read as BMPs if it parses as 03/06 BMPs to the end,
 * as currency + BMPs otherwise (a currency such as 0978 starts with 09, which is no BMP of a registration).
 */
function decodeRegistration(data: Buffer): EcrCommand {
  if (data.length < 4) return { type: 'malformed', command: 'registration', error: `registration needs a password and a config byte (4 bytes), got ${data.length}` };
  const password = decodeBcdDigits(data.subarray(0, 3));
  if (password === undefined) return { type: 'malformed', command: 'registration', error: 'the password is not BCD' };
  const c: Extract<EcrCommand, { type: 'registration' }> = { type: 'registration', password, configByte: data[3] };
  let bmps = registrationBmps(data, 4);
  if (!bmps && data.length >= 6) {
    const digits = decodeBcdDigits(data.subarray(4, 6));
    if (digits !== undefined) {
      c.currencyNumeric = digits.slice(1);
      bmps = registrationBmps(data, 6);
    }
  }
  if (!bmps) return { type: 'malformed', command: 'registration', error: 'after the config byte: neither a currency nor BMPs 03 / 06' };
  const service = findBmp(bmps, 0x03);
  if (service) c.serviceByte = service.value[0];
  const tlv = findBmp(bmps, 0x06);
  if (tlv) c.tlv = tlv.tlv ?? [];
  return c;
}

function registrationBmps(data: Buffer, start: number): Bmp[] | undefined {
  const parsed = parseBmps(data, start);
  if (parsed.error || parsed.bmps.some((b) => b.tag !== 0x03 && b.tag !== 0x06)) return undefined;
  return parsed.bmps;
}

/** 05 01 [password(3)] [03 service] [06 TLV]: the password is optional (EVerest StatusEnquiry). */
function decodeStatusEnquiry(data: Buffer): EcrCommand {
  const c: Extract<EcrCommand, { type: 'status-enquiry' }> = { type: 'status-enquiry' };
  let bmps = registrationBmps(data, 0);
  if (!bmps && data.length >= 3) {
    const password = decodeBcdDigits(data.subarray(0, 3));
    if (password !== undefined) {
      c.password = password;
      bmps = registrationBmps(data, 3);
    }
  }
  if (!bmps) return { type: 'malformed', command: 'status enquiry', error: 'neither a password nor BMPs 03 / 06' };
  const service = findBmp(bmps, 0x03);
  if (service) c.serviceByte = service.value[0];
  return c;
}

// ---- value checks shared by the encoders ----

export function passwordBytes(password: string): Buffer {
  if (!/^\d{6}$/.test(password)) throw new RangeError('the ZVT password must be 6 digits');
  return encodeBcd(password, 3);
}

export function currencyBytes(currencyNumeric: string): Buffer {
  if (!/^\d{3}$/.test(currencyNumeric)) throw new RangeError(`currency must be an ISO 4217 numeric code of 3 digits, got ${JSON.stringify(currencyNumeric)}`);
  return encodeBcd(currencyNumeric, 2);
}

export function amountBytes(amount: number): Buffer {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > ZVT_MAX_AMOUNT) {
    throw new RangeError(`amount must be an integer number of minor units from 0 to ${ZVT_MAX_AMOUNT}, got ${String(amount)}`);
  }
  return encodeBcd(String(amount), 6);
}

export function tlvBmp(tlv: TlvOption): Buffer {
  if (tlv === undefined) return Buffer.alloc(0);
  return encodeBmp(0x06, tlv === 'empty' ? Buffer.alloc(0) : encodeTlv(tlv));
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be a byte (0..255), got ${String(v)}`);
}
