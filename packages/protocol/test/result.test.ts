import { applicationLabel, decodeV2Answer, decodeV3Answer, v2AnswerToResult, v3AnswerToResult, type V2Answer, type V3Answer } from '../src';
import { ascii, v2Answers, v3Exchanges } from './helpers/vectors';

function v2(payload: string): V2Answer {
  const r = decodeV2Answer(ascii(payload));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function v3(text: string): V3Answer {
  const r = decodeV3Answer(ascii(text));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('Concert V2 answer -> PaymentResult', () => {
  it('maps the approved full answer, with the PAN of the report masked', () => {
    const result = v2AnswerToResult(v2(v2Answers[0]!.payload));
    expect(result).toEqual({
      outcome: 'approved',
      amount: 899,
      currencyNumeric: '978',
      maskedPan: '497010XXXXXX0014',
    });
    expect(JSON.stringify(result)).not.toContain('4970100000000014');
  });

  it('maps status 7 to declined and 9 to abandoned, with a reason a person understands', () => {
    const refused = v2AnswerToResult(v2(v2Answers[1]!.payload));
    expect(refused).toMatchObject({ outcome: 'declined', reason: 'card refused by the terminal (Concert V2 status 7)', amount: 1234 });
    expect(refused.maskedPan).toBe('497010XXXXXX0014');
    const notDone = v2AnswerToResult(v2(v2Answers[3]!.payload));
    expect(notDone).toMatchObject({ outcome: 'abandoned', amount: 500 });
    expect(notDone.reason).toMatch(/not completed.*Concert V2 status 9/);
    expect(notDone.maskedPan).toBeUndefined();
  });

  it('gives no card number when the report does not begin with one', () => {
    const a: V2Answer = { posNumber: '01', status: '0', amount: 1, paymentMeans: '1', report: ' '.repeat(55), currencyNumeric: '978', privateField: '0000000000' };
    expect(v2AnswerToResult(a).maskedPan).toBeUndefined();
  });
});

describe('Concert V3 answer -> PaymentResult', () => {
  it('maps the approved reference answer', () => {
    expect(v3AnswerToResult(v3(v3Exchanges[0]!.answer))).toEqual({
      outcome: 'approved',
      amount: 1234,
      currencyNumeric: '978',
      maskedPan: '293540XXXXXX4260',
      authorisationNumber: '912773',
      aid: 'A00000000808111225912',
      readingMode: '1',
      merchantContract: '424242',
      cardExpiry: '2707',
      applicationLabel: 'CB',
    });
  });

  it('builds no receipt: the kiosk\'s receipt is the supervisor\'s (issue 11 item 1)', () => {
    expect(v3AnswerToResult(v3(v3Exchanges[0]!.answer))).not.toHaveProperty('receipt');
  });

  it('maps the abandoned reference answer (AF=11)', () => {
    expect(v3AnswerToResult(v3(v3Exchanges[2]!.answer))).toEqual({
      outcome: 'abandoned',
      reason: 'payment abandoned on the terminal (Concert V3 AF=11)',
      amount: 1234,
      currencyNumeric: '978',
    });
  });

  it.each([
    ['04', 'declined', 'card refused by the terminal (Concert V3 AF=04)'],
    ['05', 'declined', 'payment forbidden by the terminal (Concert V3 AF=05)'],
    ['08', 'timeout', 'the customer did not finish on the terminal in time (Concert V3 AF=08)'],
    ['09', 'error', 'the terminal rejected the request as badly formatted (Concert V3 AF=09)'],
    ['11', 'abandoned', 'payment abandoned on the terminal (Concert V3 AF=11)'],
    ['13', 'error', 'the terminal does not accept this currency (Concert V3 AF=13)'],
    ['99', 'error', 'the terminal did not complete the payment (Concert V3 AF=99)'],
    // AF of 2 to 50 characters (HiPay "Local API for Nepting"): the code, then the acquirer's text.
    ['04HOLDER INVALID', 'declined', 'card refused by the terminal (Concert V3 AF=04: HOLDER INVALID)'],
    ['05\x1c05 DO NOT HONOUR', 'declined', 'payment forbidden by the terminal (Concert V3 AF=05: 05 DO NOT HONOUR)'],
    ['7Z 4970100000000014', 'error', 'the terminal did not complete the payment (Concert V3 AF=7Z: 497010XXXXXX0014)'],
  ])('maps AE=01 AF=%s to %s', (af, outcome, reason) => {
    const r = v3AnswerToResult({ status: '01', reason: af, amount: 500, currencyNumeric: '978' });
    expect(r.outcome).toBe(outcome);
    expect(r.reason).toBe(reason);
  });

  it('calls AE=01 without AF and AE=11 errors, saying why', () => {
    expect(v3AnswerToResult({ status: '01', amount: 1, currencyNumeric: '978' }).reason).toMatch(/no reason \(Concert V3 AE=01, no AF\)/);
    const ack = v3AnswerToResult({ status: '11', amount: 1, currencyNumeric: '978' });
    expect(ack.outcome).toBe('error');
    expect(ack.reason).toMatch(/only acknowledged.*AE=11/);
  });

  it('masks an unmasked AA, and normalises the terminal\'s mask characters to X', () => {
    expect(v3AnswerToResult({ status: '10', pan: '4970100000000014', amount: 1, currencyNumeric: '978' }).maskedPan).toBe('497010XXXXXX0014');
    expect(v3AnswerToResult({ status: '10', pan: '4970********0014', amount: 1, currencyNumeric: '978' }).maskedPan).toBe('4970XXXXXXXX0014');
  });

  it('takes amount and currency from the request when the answer does not echo them', () => {
    const r = v3AnswerToResult({ status: '10' }, { amount: 899, currencyNumeric: '978' });
    expect(r).toMatchObject({ amount: 899, currencyNumeric: '978' });
  });

  it('gives the ticket lines, with any full card number masked', () => {
    const r = v3AnswerToResult({ status: '10', amount: 899, currencyNumeric: '978', ticket: ['CARTE 4970100000000014', 'MONTANT 8,99 EUR'] });
    expect(r.ticket).toEqual(['CARTE 497010XXXXXX0014', 'MONTANT 8,99 EUR']);
  });

  it('labels the application from CC, else from the AID', () => {
    expect(applicationLabel('001')).toBe('CB');
    expect(applicationLabel('00B')).toBe('CB');
    expect(applicationLabel('002')).toBe('American Express');
    expect(applicationLabel(undefined, 'A0000000041010')).toBe('Mastercard');
    expect(applicationLabel('000', 'A0000000031010')).toBe('Visa');
    expect(applicationLabel(undefined, 'A0000000421010')).toBe('CB');
    expect(applicationLabel(undefined, 'A0000009999999')).toBeUndefined();
    expect(v3AnswerToResult({ status: '10', aid: 'A0000000041010', amount: 1, currencyNumeric: '978' }).applicationLabel).toBe('Mastercard');
  });
});

describe('the card number of a V2 report, masked by the one masker (pan.ts maskPan)', () => {
  const answer = (report: string): V2Answer => ({ posNumber: '01', status: '0', amount: 1250, paymentMeans: '1', report, currencyNumeric: '978', privateField: '0000000000' });

  it.each([
    // Spaces after the number (the protocol's padding): its length is known, the first 6 and last 4 show.
    ['4970100000000014'.padEnd(19) + '2812123456' + ' '.repeat(26), '497010XXXXXX0014'],
    ['4970107319285517427' + ' '.repeat(36), '497010XXXXXXXXX7427'],
    // A real Telium pads with zeros (pyTeliumManager README): 16 or 18 digits pass Luhn, the last 2 show.
    ['4711690463168807'.padEnd(55, '0'), '471169XXXXXXXX07'],
    ['4970107319285517'.padEnd(55, '0'), '497010XXXXXXXX17'],
    // 19 digits not ending in 0: one length passes, the exact mask.
    ['4970107319285517427'.padEnd(55, '0'), '497010XXXXXXXXX7427'],
  ])('%j -> %j', (report, masked) => {
    const result = v2AnswerToResult(answer(report));
    expect(result.maskedPan).toBe(masked);
  });

  it('a zero-padded report whose number passes no Luhn check gives no card number, and nothing of the report', () => {
    const result = v2AnswerToResult(answer('4970107319285516'.padEnd(55, '0')));
    expect(result.maskedPan).toBeUndefined();
    expect(JSON.stringify(result)).not.toMatch(/7319/);
  });
});
