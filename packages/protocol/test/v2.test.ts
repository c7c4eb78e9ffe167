import fc from 'fast-check';
import { decodeV2Answer, decodeV2Request, encodeV2Answer, encodeV2Request, type V2Answer, type V2Request } from '../src';
import { ascii, v2Answers, v2Requests } from './helpers/vectors';

const printable = (min: number, max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });
const digitString = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

const requestArb: fc.Arbitrary<V2Request> = fc.record({
  posNumber: digitString(2),
  amount: fc.integer({ min: 0, max: 99_999_999 }),
  fullAnswer: fc.boolean(),
  paymentMeans: printable(1, 1),
  transactionType: fc.constantFrom('debit', 'credit', 'refund', 'auto'),
  currencyNumeric: digitString(3),
  privateField: printable(10, 10),
  answerAtEnd: fc.boolean(),
  forcedAuthorisation: fc.boolean(),
});

const answerArb: fc.Arbitrary<V2Answer> = fc.record(
  {
    posNumber: digitString(2),
    status: fc.constantFrom('0', '7', '9'),
    amount: fc.integer({ min: 0, max: 99_999_999 }),
    paymentMeans: printable(1, 1),
    report: printable(55, 55),
    currencyNumeric: digitString(3),
    privateField: printable(10, 10),
  },
  { requiredKeys: ['posNumber', 'status', 'amount', 'paymentMeans', 'currencyNumeric', 'privateField'] },
);

const baseRequest: V2Request = {
  posNumber: '01',
  amount: 899,
  fullAnswer: true,
  paymentMeans: '1',
  transactionType: 'debit',
  currencyNumeric: '978',
  privateField: '',
  answerAtEnd: true,
  forcedAuthorisation: false,
};

describe('Concert V2 request', () => {
  it.each(v2Requests.map((v) => [v.payload, v] as const))('encodes the reference request %s byte for byte', (payload, v) => {
    const encoded = encodeV2Request({
      ...baseRequest,
      amount: v.amount_minor,
      transactionType: v.transaction_type as V2Request['transactionType'],
      answerAtEnd: v.answer_at_end,
      fullAnswer: v.full_answer,
      forcedAuthorisation: v.forced_authorisation,
    });
    expect(encoded.toString('latin1')).toBe(payload);
    expect(encoded.length).toBe(34);
  });

  it.each(v2Requests.map((v) => [v.payload, v] as const))('decodes the reference request %s', (payload, v) => {
    expect(decodeV2Request(ascii(payload))).toEqual({
      ok: true,
      value: {
        ...baseRequest,
        amount: v.amount_minor,
        transactionType: v.transaction_type,
        answerAtEnd: v.answer_at_end,
        fullAnswer: v.full_answer,
        forcedAuthorisation: v.forced_authorisation,
        privateField: ' '.repeat(10),
      },
    });
  });

  it('pads the private field with spaces and puts it at offset 16', () => {
    const text = encodeV2Request({ ...baseRequest, privateField: 'ORDER42' }).toString('latin1');
    expect(text.slice(16, 26)).toBe('ORDER42   ');
    expect(text.slice(26)).toBe('A010B010');
  });

  it.each([
    ['a 3-digit POS number', { posNumber: '001' }],
    ['a negative amount', { amount: -1 }],
    ['an amount over 8 digits', { amount: 100_000_000 }],
    ['a fractional amount', { amount: 8.99 }],
    ['a 2-letter currency', { currencyNumeric: '97' }],
    ['a private field of 11 characters', { privateField: 'ABCDEFGHIJK' }],
    ['a private field with a control byte', { privateField: 'AB\x03' }],
    ['an empty payment means', { paymentMeans: '' }],
    ['an unknown transaction type', { transactionType: 'void' as V2Request['transactionType'] }],
  ])('refuses to encode %s (RangeError)', (_what, change) => {
    expect(() => encodeV2Request({ ...baseRequest, ...change })).toThrow(RangeError);
  });

  it.each([
    ['0100000899110978          A010B01', /expected 34 characters, got 33/],
    ['01000008X9110978          A010B010', /amount must be 8 digits, got '000008X9'/],
    ['0100000899113978          A010B010', /transaction type must be 0, 1, 2, 4, got '3'/],
    ['0100000899110978          A012B010', /delay must be A010, A011, got 'A012'/],
    ['0100000899110978          A010C010', /authorisation must be B010, B011/],
    ['0100000899210978          A010B010', /answer flag must be 0, 1, got '2'/],
    ['01000008991109\x058          A010B010', /byte 14 is 0x05, not printable ASCII/],
  ])('says what is wrong with %j', (payload, message) => {
    const r = decodeV2Request(ascii(payload));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('decode(encode(r)) is r', () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        expect(decodeV2Request(encodeV2Request(r))).toEqual({ ok: true, value: r });
      }),
      { numRuns: 300 },
    );
  });
});

describe('Concert V2 answer', () => {
  it.each(v2Answers.map((v) => [v.payload, v] as const))('decodes the reference answer %s and encodes it back', (payload, v) => {
    const r = decodeV2Answer(ascii(payload));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.status).toBe(v.status);
    expect(r.value.amount).toBe(v.amount_minor);
    expect(r.value.currencyNumeric).toBe('978');
    expect(r.value.posNumber).toBe('01');
    expect(r.value.paymentMeans).toBe('1');
    expect(r.value.privateField).toBe('0000000000');
    expect(r.value.report !== undefined).toBe(v.with_report);
    if (v.with_report) expect(r.value.report).toHaveLength(55);
    expect(encodeV2Answer(r.value).toString('latin1')).toBe(payload);
  });

  it('keeps the report exactly as sent (the result mapping masks it)', () => {
    const r = decodeV2Answer(ascii(v2Answers[0]!.payload));
    expect(r.ok && r.value.report?.startsWith('4970100000000014  ')).toBe(true);
  });

  it('never quotes the report (a card number) in an error', () => {
    const payload = '01X' + v2Answers[0]!.payload.slice(3);
    const r = decodeV2Answer(ascii(payload));
    expect(r).toEqual({ ok: false, error: "Concert V2 answer: status must be 0, 7, 9, got 'X'" });
    const badCurrency = v2Answers[0]!.payload.slice(0, 67) + 'EUR' + v2Answers[0]!.payload.slice(70);
    const r2 = decodeV2Answer(ascii(badCurrency));
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).not.toContain('4970100000000014');
  });

  it.each([[0], [24], [26], [79], [81], [34]])('refuses a payload of %i characters', (n) => {
    expect(decodeV2Answer(ascii('0'.repeat(n)))).toEqual({ ok: false, error: `Concert V2 answer: expected 25 or 80 characters, got ${n}` });
  });

  it('encodes a short answer without report and a full one with it', () => {
    const a: V2Answer = { posNumber: '01', status: '0', amount: 100, paymentMeans: '1', currencyNumeric: '978', privateField: '0000000000' };
    expect(encodeV2Answer(a).toString('latin1')).toBe(v2Answers[2]!.payload);
    expect(encodeV2Answer({ ...a, report: '4970100000000014' })).toHaveLength(80);
    expect(() => encodeV2Answer({ ...a, status: '5' as V2Answer['status'] })).toThrow(RangeError);
    expect(() => encodeV2Answer({ ...a, report: 'x'.repeat(56) })).toThrow(RangeError);
  });

  it('decode(encode(a)) is a, short and full', () => {
    fc.assert(
      fc.property(answerArb, (a) => {
        expect(decodeV2Answer(encodeV2Answer(a))).toEqual({ ok: true, value: a });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 25, maxLength: 25 }), fc.uint8Array({ minLength: 80, maxLength: 80 }), fc.uint8Array()), (bytes) => {
        const a = decodeV2Answer(bytes);
        const r = decodeV2Request(bytes);
        expect(typeof a.ok).toBe('boolean');
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
