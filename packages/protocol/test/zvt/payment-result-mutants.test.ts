/**
 * A ZVT payment's evidence -> its result, one case at a time (the session tests reach it only through whole
 * exchanges). The sequences and codes are those of /work/shared/reference/zvt.md: `04 0F` status information
 * with result `27`, then `06 0F` completion or `06 1E <result>` abort; `84 xx` refuses the command; `6C`
 * "aborted" after `06 B0` or at the terminal (real captures); 01-63 from the authorisation host; a `27` other
 * than `00` is a failure even when `06 0F` follows (ecrterm gets this wrong).
 */
import { zvtPaymentResult, type PaymentEvidence } from '../../src/zvt/payment-result';
import type { ZvtFields } from '../../src/zvt/fields';

const request = { amount: 2500, currencyNumeric: '978' };
const evidence = (end: PaymentEvidence['end'], statusInformation: ZvtFields[] = [], extra: Partial<PaymentEvidence> = {}): PaymentEvidence => ({
  request, statusInformation, receiptLines: [], abortRequested: false, end, ...extra,
});
const base = { requestedAmount: 2500, requestedCurrency: '978', receiptLines: [], abortRequested: false };
const completion = (fields: ZvtFields = {}): PaymentEvidence['end'] => ({ kind: 'completion', fields });

describe('ZVT: no answer that settles it is "unknown", never a failure (money rule 1)', () => {
  test('no acknowledgement: unknown, with no result code', () => {
    expect(zvtPaymentResult(evidence({ kind: 'no-ack' }))).toStrictEqual({
      ...base, outcome: 'unknown', reason: 'the terminal did not acknowledge the payment request: it may or may not have started',
    });
  });

  test('nothing more within the payment time-out: unknown', () => {
    expect(zvtPaymentResult(evidence({ kind: 'timeout' }))).toStrictEqual({
      ...base, outcome: 'unknown', reason: 'the terminal sent nothing more within the payment time-out: the payment may still complete',
    });
  });

  test('an approval (04 0F result 00) then an abort: unknown, with the abort\'s code', () => {
    expect(zvtPaymentResult(evidence({ kind: 'abort', resultCode: 0x6c }, [{ resultCode: 0x00, amount: 2500 }]))).toStrictEqual({
      ...base, outcome: 'unknown', resultCode: 0x6c, amount: 2500,
      reason: 'the terminal reported an approval (04 0F result 00), then aborted (06 1E 6C): whether the card was charged is not known',
    });
  });

  test('a completion with neither a status information nor a result code: unknown', () => {
    expect(zvtPaymentResult(evidence(completion()))).toStrictEqual({
      ...base, outcome: 'unknown', reason: 'the terminal completed (06 0F) without a status information or a result code',
    });
  });
});

describe('ZVT: approved means this amount in this currency (money rule 4)', () => {
  test('the status information\'s fields are the result\'s; no reason', () => {
    const fields: ZvtFields = {
      resultCode: 0, amount: 2500, currencyNumeric: '978', maskedPan: '559883XXXXXX8074', authorisationNumber: '750071',
      traceNumber: '000123', receiptNumber: '0042', terminalId: '52523535', vuNumber: 'VU123', cardName: 'MasterCard',
      aid: 'A0000000041010', expiry: '2712', date: '1130', time: '101500',
    };
    const lines = ['LINE 1', 'LINE 2'];
    const r = zvtPaymentResult(evidence(completion(), [fields], { receiptLines: lines }));
    const { resultCode: _code, ...shown } = fields;
    expect(r).toStrictEqual({ ...base, ...shown, receiptLines: lines, outcome: 'approved', resultCode: 0 });
  });

  test('the last status information decides: a refusal followed by an approval is approved', () => {
    const r = zvtPaymentResult(evidence(completion(), [{ resultCode: 0x05 }, { resultCode: 0x00, amount: 2500 }]));
    expect(r).toMatchObject({ outcome: 'approved', amount: 2500, resultCode: 0 });
  });

  test('a terminal that leaves BMP 04 and 49 out approved the command it was sent: the request\'s amount and currency', () => {
    expect(zvtPaymentResult(evidence(completion({ resultCode: 0 })))).toStrictEqual({
      ...base, outcome: 'approved', resultCode: 0, amount: 2500, currencyNumeric: '978',
    });
  });

  test('no currency asked and none reported: approved, and no currency is made up', () => {
    const r = zvtPaymentResult({ request: { amount: 2500 }, statusInformation: [{ resultCode: 0 }], receiptLines: [], abortRequested: false, end: completion() });
    expect(r).toStrictEqual({ outcome: 'approved', resultCode: 0, requestedAmount: 2500, amount: 2500, receiptLines: [], abortRequested: false });
  });

  test('a currency reported when none was asked is approved with it', () => {
    const r = zvtPaymentResult({ request: { amount: 2500 }, statusInformation: [{ resultCode: 0, currencyNumeric: '978' }], receiptLines: [], abortRequested: false, end: completion() });
    expect(r).toMatchObject({ outcome: 'approved', amount: 2500, currencyNumeric: '978' });
  });

  test('another amount approved: unknown, both amounts kept for reconciliation', () => {
    expect(zvtPaymentResult(evidence(completion(), [{ resultCode: 0, amount: 2400, currencyNumeric: '978' }]))).toStrictEqual({
      ...base, outcome: 'unknown', resultCode: 0, amount: 2400, currencyNumeric: '978',
      reason: 'the terminal approved 2400 minor units, the kiosk asked 2500',
    });
  });

  test('another currency approved: unknown', () => {
    expect(zvtPaymentResult(evidence(completion(), [{ resultCode: 0, amount: 2500, currencyNumeric: '756' }]))).toStrictEqual({
      ...base, outcome: 'unknown', resultCode: 0, amount: 2500, currencyNumeric: '756',
      reason: 'the terminal approved currency 756, the kiosk asked 978',
    });
  });
});

describe('ZVT: failures the terminal itself reported', () => {
  test('money rule 1: the command refused (84 83): nothing was charged', () => {
    expect(zvtPaymentResult(evidence({ kind: 'refused', code: 0x83 }))).toStrictEqual({
      ...base, outcome: 'refused', resultCode: 0x83, reason: 'the terminal refused the payment request (84 83): nothing was charged',
    });
    expect(zvtPaymentResult(evidence({ kind: 'refused', code: 0x0a })).reason).toBe('the terminal refused the payment request (84 0A): nothing was charged');
  });

  test('6C ends it "aborted": at the kiosk\'s request or on the terminal, said apart', () => {
    expect(zvtPaymentResult(evidence({ kind: 'abort', resultCode: 0x6c }))).toStrictEqual({
      ...base, outcome: 'aborted', resultCode: 0x6c, reason: 'aborted on the terminal: time-out or abort key (result 6C)',
    });
    expect(zvtPaymentResult(evidence({ kind: 'abort', resultCode: 0x6c }, [], { abortRequested: true }))).toStrictEqual({
      ...base, abortRequested: true, outcome: 'aborted', resultCode: 0x6c,
      reason: 'cancelled at the kiosk\'s request: the terminal ended the payment (result 6C)',
    });
  });

  test.each([
    ['01', 0x01, 'declined', 'card refused: refused by the authorisation system (code 01)'],
    ['63', 0x63, 'declined', 'card refused: refused by the authorisation system (code 63)'],
    ['64', 0x64, 'error', 'the terminal ended the payment: card not readable (result 64)'],
    ['00', 0x00, 'error', 'the terminal ended the payment: no error (result 00)'],
    ['9C', 0x9c, 'error', 'the terminal ended the payment: please wait (result 9C)'],
  ])('an abort (06 1E %s = %i) without an approval before it: %s', (_hex, code, outcome, reason) => {
    expect(zvtPaymentResult(evidence({ kind: 'abort', resultCode: code }, [{ resultCode: 0x05 }]))).toStrictEqual({
      ...base, outcome, resultCode: code, reason,
    });
  });

  test('a 27 other than 00 is a failure even when 06 0F follows (ecrterm trusts 06 0F alone)', () => {
    expect(zvtPaymentResult(evidence(completion({ resultCode: 0 }), [{ resultCode: 0x6c }]))).toStrictEqual({
      ...base, outcome: 'aborted', resultCode: 0x6c, reason: 'aborted on the terminal: time-out or abort key (result 6C)',
    });
    expect(zvtPaymentResult(evidence(completion({ resultCode: 0x05 })))).toMatchObject({ outcome: 'declined', resultCode: 5 });
  });
});
