/**
 * Concert answers -> results, the edges the mutation run (issue 15) found unproven: the exact shape of a
 * result (no empty reason, card number or label), whose amount a result carries, the words a person reads
 * for each status, and the card number of a V2 report at its shortest and longest. Status codes and AF
 * values: /work/shared/reference/terminal-protocols.md (Caisse-AP / Concert V3, HiPay's "Local API for
 * Nepting"); the zero-padded report: Ousret/pyTeliumManager README.
 */
import { applicationLabel, v2AnswerToResult, v3AnswerToResult, type V2Answer } from '../src';

const v2 = (status: string, report?: string): V2Answer => ({
  posNumber: '01',
  status: status as V2Answer['status'],
  amount: 1250,
  paymentMeans: '1',
  currencyNumeric: '978',
  privateField: '0000000000',
  ...(report === undefined ? {} : { report }),
});

describe('Concert V2 answer -> result: shape and words', () => {
  test('money rule 4: an approval carries the amount and currency the terminal gave, and no reason or card number it did not', () => {
    expect(v2AnswerToResult(v2('0'))).toStrictEqual({ outcome: 'approved', amount: 1250, currencyNumeric: '978' });
    expect(v2AnswerToResult(v2('0', ' '.repeat(55)))).toStrictEqual({ outcome: 'approved', amount: 1250, currencyNumeric: '978' });
  });

  test('money rule 1: each refusal says why in words a person reads; an unknown status is an error, never an approval', () => {
    expect(v2AnswerToResult(v2('7'))).toStrictEqual({
      outcome: 'declined', amount: 1250, currencyNumeric: '978', reason: 'card refused by the terminal (Concert V2 status 7)',
    });
    expect(v2AnswerToResult(v2('9'))).toStrictEqual({
      outcome: 'abandoned', amount: 1250, currencyNumeric: '978',
      reason: 'payment not completed on the terminal: abandoned, timed out or failed (Concert V2 status 9)',
    });
    expect(v2AnswerToResult(v2('5'))).toStrictEqual({
      outcome: 'error', amount: 1250, currencyNumeric: '978', reason: 'the terminal answered an unknown status (Concert V2 status "5")',
    });
  });

  test.each([
    // 13 and 19 digits: the shortest and longest card numbers, followed by the protocol's spaces.
    ['4222222222222'.padEnd(55), '422222XXX2222'],
    ['4970107319285517427'.padEnd(55), '497010XXXXXXXXX7427'],
  ])('a report beginning with a card number of 13 to 19 digits gives it masked: %j', (report, masked) => {
    expect(v2AnswerToResult(v2('0', report)).maskedPan).toBe(masked);
  });

  test('a report beginning with fewer than 13 digits holds no card number: none is given, nothing of it shows', () => {
    const result = v2AnswerToResult(v2('0', '123456789012'.padEnd(55)));
    expect(result).toStrictEqual({ outcome: 'approved', amount: 1250, currencyNumeric: '978' });
  });
});

describe('Concert V3 answer -> result: shape, amounts and words', () => {
  test('money rule 4: the amount and currency the terminal answered win over the request\'s', () => {
    const r = v3AnswerToResult({ status: '10', amount: 700, currencyNumeric: '826' }, { amount: 1250, currencyNumeric: '978' });
    expect(r).toStrictEqual({ outcome: 'approved', amount: 700, currencyNumeric: '826' });
  });

  test('no amount or currency anywhere: 0 and an empty currency (never a crash), which no order can match', () => {
    expect(v3AnswerToResult({ status: '10' })).toStrictEqual({ outcome: 'approved', amount: 0, currencyNumeric: '' });
  });

  test('an approval carries no reason, card number, label or text fields the terminal did not send', () => {
    expect(v3AnswerToResult({ status: '10', amount: 1, currencyNumeric: '978', application: '999' })).toStrictEqual({
      outcome: 'approved', amount: 1, currencyNumeric: '978',
    });
  });

  test('every free-text field is given, each with a full card number in it masked', () => {
    const pan = '4970100000000014';
    const r = v3AnswerToResult({
      status: '10', amount: 1, currencyNumeric: '978',
      authorisationNumber: `A ${pan}`, aid: `B ${pan}`, readingMode: `C ${pan}`, merchantContract: `D ${pan}`, cardExpiry: `E ${pan}`,
    });
    expect(r).toStrictEqual({
      outcome: 'approved', amount: 1, currencyNumeric: '978',
      authorisationNumber: 'A 497010XXXXXX0014', aid: 'B 497010XXXXXX0014', readingMode: 'C 497010XXXXXX0014',
      merchantContract: 'D 497010XXXXXX0014', cardExpiry: 'E 497010XXXXXX0014',
    });
  });

  test('ticket lines: every control character shows as "?", so none can join two digit runs into a card number', () => {
    const r = v3AnswerToResult({ status: '10', amount: 1, currencyNumeric: '978', ticket: ['A\x00B\x1fC\x7fD\tE', 'CARTE 49701000\x0000000014'] });
    expect(r.ticket).toEqual(['A?B?C?D?E', 'CARTE 49701000?00000014']);
  });

  test('money rule 1: AE=11 and AE=01 without AF are errors whose words say why', () => {
    expect(v3AnswerToResult({ status: '11', amount: 1, currencyNumeric: '978' }).reason).toBe(
      'the terminal only acknowledged the request and gave no payment result (Concert V3 AE=11, answer at once)',
    );
    expect(v3AnswerToResult({ status: '01', amount: 1, currencyNumeric: '978' })).toStrictEqual({
      outcome: 'error', amount: 1, currencyNumeric: '978',
      reason: 'the terminal did not complete the payment and gave no reason (Concert V3 AE=01, no AF)',
    });
    expect(v3AnswerToResult({ status: '99' as '10', amount: 1, currencyNumeric: '978' })).toStrictEqual({
      outcome: 'error', amount: 1, currencyNumeric: '978', reason: 'the terminal answered an unknown status (Concert V3 AE="99")',
    });
  });

  test.each([
    // A run of control characters inside the acquirer's text is one space; one in the code shows as "?".
    ['04DO\x1c\x1dNOT HONOUR', 'declined', 'card refused by the terminal (Concert V3 AF=04: DO NOT HONOUR)'],
    ['0\x07LATE', 'error', 'the terminal did not complete the payment (Concert V3 AF=0?: LATE)'],
    ['02', 'error', 'the terminal asks for a phone authorisation call, which an unattended kiosk cannot make (Concert V3 AF=02)'],
    ['06', 'abandoned', 'payment abandoned on the terminal (Concert V3 AF=06)'],
    ['07', 'error', 'payment not completed by the terminal (Concert V3 AF=07)'],
    ['10', 'error', 'the terminal could not select a card application (Concert V3 AF=10)'],
    ['12', 'error', 'the terminal does not know the requested action type (Concert V3 AF=12)'],
  ])('money rule 1: AE=01 AF=%j is %s, saying why', (af, outcome, reason) => {
    const r = v3AnswerToResult({ status: '01', reason: af, amount: 500, currencyNumeric: '978' });
    expect(r).toStrictEqual({ outcome, reason, amount: 500, currencyNumeric: '978' });
  });
});

describe('the card brand', () => {
  test('only leading zeros of the application code are dropped: "100" is no known code', () => {
    expect(applicationLabel('100')).toBeUndefined();
    expect(applicationLabel('0000001')).toBe('CB');
  });

  test('an unknown code and no AID: no label; the AID prefix is read whatever its case', () => {
    expect(applicationLabel('ZZZ')).toBeUndefined();
    expect(applicationLabel(undefined, 'a0000000041010')).toBe('Mastercard');
  });
});
