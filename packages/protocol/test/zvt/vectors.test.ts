/**
 * Golden vectors (vectors.json): ecrterm's serial frames, the commands this codec writes byte for byte as
 * public implementations do, and real-terminal captures decoded to what a connector must read from them.
 */
import { zvt } from '../../src';
import vectors from './vectors.json';

const bytes = (hex: string) => Buffer.from(hex, 'hex');
const apduOf = (hex: string): zvt.Apdu => {
  const parsed = zvt.parseApdu(bytes(hex));
  if (parsed.kind !== 'apdu') throw new Error(`vector ${hex.slice(0, 20)}... is not a whole APDU`);
  expect(parsed.size).toBe(hex.length / 2);
  return parsed.apdu;
};

describe('ZVT serial frames (ecrterm test vectors: CRC-16 0x8408 init 0, low byte first, DLE doubled)', () => {
  it.each(vectors.serial.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(zvt.frameZvtSerial(bytes(v.apdu)).toString('hex')).toBe(v.frame);
    const back = zvt.unframeZvtSerial(bytes(v.frame));
    expect(back).toEqual({ ok: true, value: bytes(v.apdu) });
  });

  it('the CRC is CRC-16/KERMIT: check value 0x2189 for "123456789"', () => {
    expect(zvt.zvtCrc16(Buffer.from('123456789'))).toBe(0x2189);
  });

  it('a frame with one bit changed is refused with a one-line reason', () => {
    const frame = bytes(vectors.serial[0].frame);
    frame[4] ^= 0x01;
    const back = zvt.unframeZvtSerial(frame);
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.error).toMatch(/^bad CRC/);
  });
});

type Build = Record<string, unknown>;

function build(b: Build): Buffer {
  if (b.registration) return zvt.encodeRegistration(b.registration as zvt.RegistrationCommand);
  if (b.authorisation) return zvt.encodeAuthorisation(b.authorisation as zvt.AuthorisationCommand);
  if (b.statusEnquiry) return zvt.encodeStatusEnquiry(b.statusEnquiry as zvt.StatusEnquiryCommand);
  if (b.endOfDay) return zvt.encodeEndOfDay(b.endOfDay as string);
  if (b.abort) return zvt.encodeAbortCommand();
  if (b.diagnosis) return zvt.encodeDiagnosis();
  if (b.reset) return zvt.encodeResetTerminal();
  if (b.ack) return zvt.encodeAck();
  if (b.nak !== undefined) return zvt.encodeNak(b.nak as number);
  throw new Error(`unknown build ${JSON.stringify(b)}`);
}

describe('ZVT commands the connector writes', () => {
  it.each(vectors.ecr.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(build(v.build).toString('hex')).toBe(v.hex);
  });

  it('the terminal side decodes each of them back', () => {
    for (const v of vectors.ecr) {
      const command = zvt.decodeEcrCommand(apduOf(v.hex));
      expect(command.type).not.toBe('malformed');
      expect(command.type).not.toBe('unknown');
      const reg = (v.build as Build).registration as zvt.RegistrationCommand | undefined;
      if (reg) {
        expect(command).toMatchObject({ type: 'registration', password: reg.password, configByte: reg.configByte ?? zvt.ZVT_DEFAULT_CONFIG_BYTE });
        if (reg.currencyNumeric) expect(command).toMatchObject({ currencyNumeric: reg.currencyNumeric });
      }
      const pay = (v.build as Build).authorisation as zvt.AuthorisationCommand | undefined;
      if (pay) expect(command).toMatchObject({ type: 'authorisation', amount: pay.amount, ...(pay.currencyNumeric ? { currencyNumeric: pay.currencyNumeric } : {}) });
    }
  });

  it('the default config byte asks for intermediate status and ECR-controlled payment, and receipt lines', () => {
    const c = zvt.ZVT_CONFIG;
    expect(zvt.ZVT_DEFAULT_CONFIG_BYTE).toBe(c.intermediateStatus | c.ecrControlsPayment | c.ecrControlsAdmin | c.ecrPrintsPaymentReceipt | c.ecrPrintsAdminReceipt | c.printLines);
  });

  it('refuses a password, amount or currency it cannot encode with a clear one-line error', () => {
    expect(() => zvt.encodeRegistration({ password: '12345' })).toThrow('the ZVT password must be 6 digits');
    expect(() => zvt.encodeAuthorisation({ amount: 1.5 })).toThrow(/amount must be an integer number of minor units/);
    expect(() => zvt.encodeAuthorisation({ amount: -1 })).toThrow(/amount must be an integer/);
    expect(() => zvt.encodeAuthorisation({ amount: 1, currencyNumeric: 'EUR' })).toThrow(/ISO 4217 numeric/);
  });
});

describe('real-terminal captures', () => {
  it.each(vectors.terminal.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const apdu = apduOf(v.hex);
    const message = zvt.decodeTerminalMessage(apdu);
    if ('message' in v && v.message) expect(message).toMatchObject(v.message);
    if ('completion' in v && v.completion) {
      expect(message.type).toBe('completion');
      const c = zvt.decodeCompletion(apdu.data);
      expect(c.error).toBeUndefined();
      expect(c.fields).toMatchObject(v.completion);
    }
    if ('fields' in v && v.fields) {
      expect(message.type).toBe('status-information');
      if (message.type !== 'status-information') return;
      expect(message.error).toBeUndefined();
      expect(message.fields).toMatchObject(v.fields);
      // Card numbers leave the decoder masked: at most the first 6 and the last 4 digits.
      if (message.fields.maskedPan) expect(message.fields.maskedPan).toMatch(/^[\dX]{0,6}X+\d{4}$/);
      if ('totals' in v && v.totals) {
        const totals = zvt.decodeTotals(message.fields.totals!);
        expect(totals).toMatchObject({ receiptFrom: v.totals.receiptFrom, receiptTo: v.totals.receiptTo });
        expect(totals!.byCard.find((c) => c.card === 'eurocard')).toMatchObject(v.totals.eurocard);
      }
    }
    if ('statusCompletion' in v && v.statusCompletion) {
      const s = zvt.decodeStatusCompletion(apdu.data);
      expect(s.error).toBeUndefined();
      expect(s).toMatchObject(v.statusCompletion);
    }
    if ('printBlock' in v && v.printBlock) {
      expect(message.type).toBe('print-block');
      if (message.type !== 'print-block') return;
      expect(message.error).toBeUndefined();
      expect(message.lines[0]).toBe(v.printBlock.first);
      expect(message.lines).toContain(v.printBlock.contains);
    }
  });

  it('a real status information re-encodes field for field (terminal-side encoder)', () => {
    const real = vectors.terminal.find((v) => v.name.startsWith('status information, aborted'))!;
    expect(zvt.encodeStatusInformation({ resultCode: 0x6c, terminalId: '29001006' }).toString('hex')).toBe(real.hex);
    const abort = vectors.terminal.find((v) => v.name === 'abort 6C')!;
    expect(zvt.encodeAbort(0x6c).toString('hex')).toBe(abort.hex);
  });
});
