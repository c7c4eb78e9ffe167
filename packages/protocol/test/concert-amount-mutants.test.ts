/**
 * The Concert amount fields at their limits (money rule 4: the amount read is the amount the terminal gave),
 * and V2 answer errors that name the field at fault. V2: 8 digits of minor units; V3: CB of 1 to 12 digits
 * (/work/shared/reference/terminal-protocols.md; Caisse-AP / Concert V3 via akretion/caisse-ap-ip and the
 * HiPay "Local API for Nepting"). Found unproven by the mutation run (issue 15).
 */
import { decodeV2Answer, decodeV3Answer, encodeV2Answer, encodeV3Answer, type V2Answer } from '../src';
import { ascii } from './helpers/vectors';

const v2: V2Answer = { posNumber: '01', status: '0', amount: 0, paymentMeans: '1', currencyNumeric: '978', privateField: '0000000000' };

describe('Concert V2 amount: 0 to 99 999 999 minor units, no other', () => {
  test.each([
    [0, '00000000'],
    [1, '00000001'],
    [99_999_999, '99999999'],
  ])('money rule 4: %i minor units are sent as %s and read back as the same amount', (amount, digits) => {
    const bytes = encodeV2Answer({ ...v2, amount });
    expect(bytes.toString('latin1').slice(3, 11)).toBe(digits);
    const r = decodeV2Answer(bytes);
    expect(r.ok && r.value.amount).toBe(amount);
  });

  test.each([[-1], [100_000_000], [Number.NaN], [Number.MAX_SAFE_INTEGER + 1]])('%d minor units cannot be sent (RangeError)', (amount) => {
    expect(() => encodeV2Answer({ ...v2, amount })).toThrow(RangeError);
  });

  test('a full answer: report, currency and private field each read from their own place', () => {
    const report = '4970100000000014'.padEnd(55);
    const payload = `01700001234` + '1' + report + '826' + 'ABCDEFGHIJ';
    expect(payload).toHaveLength(80);
    const r = decodeV2Answer(ascii(payload));
    expect(r).toEqual({
      ok: true,
      value: { posNumber: '01', status: '7', amount: 1234, paymentMeans: '1', report, currencyNumeric: '826', privateField: 'ABCDEFGHIJ' },
    });
  });

  test('a short answer has no report', () => {
    const r = decodeV2Answer(ascii('019000005001' + '826' + 'ABCDEFGHIJ'));
    expect(r).toStrictEqual({
      ok: true,
      value: { posNumber: '01', status: '9', amount: 500, paymentMeans: '1', currencyNumeric: '826', privateField: 'ABCDEFGHIJ' },
    });
  });

  test.each([
    ['0X0000012341978ABCDEFGHIJ', "Concert V2 answer: POS number must be 2 digits, got '0X'"],
    ['0130000123419780000000000', "Concert V2 answer: status must be 0, 7, 9, got '3'"],
    ['0100000123419X80000000000', "Concert V2 answer: currency must be 3 digits, got '9X8'"],
    ['01000001 341978ABCDEFGHIJ', "Concert V2 answer: amount must be 8 digits, got '00001 34'"],
  ])('money rule 3: an answer that cannot be read says which field is wrong: %j', (payload, error) => {
    expect(decodeV2Answer(ascii(payload))).toEqual({ ok: false, error });
  });

  test.each([['0'], ['7'], ['9']])('status %s is read', (status) => {
    const r = decodeV2Answer(ascii(`01${status}000012341978ABCDEFGHIJ`));
    expect(r.ok && r.value.status).toBe(status);
  });
});

describe('Concert V3 amount (CB): 1 to 12 digits', () => {
  test.each([
    ['5', 5],
    ['05', 5],
    ['999999999999', 999_999_999_999],
  ])('money rule 4: CB %j is read as %i minor units', (cb, amount) => {
    const r = decodeV3Answer(ascii(`CB${String(cb.length).padStart(3, '0')}${cb}AE00210`));
    expect(r.ok && r.value.amount).toBe(amount);
  });

  test.each([['1234567890123'], ['12 4'], ['-5']])('money rule 4: CB %j is no amount: kept aside, never read as one', (cb) => {
    const r = decodeV3Answer(ascii(`CB${String(cb.length).padStart(3, '0')}${cb}AE00210`));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.amount).toBeUndefined();
    expect(r.value.otherFields).toEqual([{ tag: 'CB', value: cb }]);
  });

  test.each([
    [0, 'CB00200'],
    [7, 'CB00207'],
    [999_999_999_999, 'CB012999999999999'],
  ])('%i minor units are sent as %s', (amount, field) => {
    expect(encodeV3Answer({ status: '10', amount }).toString('latin1')).toContain(field);
  });

  test.each([[-1], [1_000_000_000_000], [1.5]])('%d minor units cannot be sent (RangeError)', (amount) => {
    expect(() => encodeV3Answer({ status: '10', amount })).toThrow(RangeError);
  });
});
