import fc from 'fast-check';
import { decodeV3Answer, decodeV3Request, encodeTlv, encodeV3Answer, encodeV3Request, parseTlv, type TlvField, type V3Answer, type V3Request } from '../src';
import { ascii, v3Exchanges } from './helpers/vectors';

const printable = (min: number, max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

const requestArb: fc.Arbitrary<V3Request> = fc.record(
  {
    version: digits(4),
    ecrId: printable(12, 12),
    posNumber: digits(2),
    amount: fc.integer({ min: 0, max: 999_999_999_999 }),
    action: fc.constantFrom('debit', 'credit'),
    currencyNumeric: digits(3),
    answerAtOnce: fc.boolean(),
    application: fc.string({ unit: fc.constantFrom(...'0123456789ABCDZ'), minLength: 3, maxLength: 3 }),
    privateData: printable(1, 40),
    askTicket: fc.constant(true),
  },
  { requiredKeys: ['version', 'ecrId', 'posNumber', 'amount', 'action', 'currencyNumeric'] },
);

/** Ticket lines as a terminal prints them: the last one not empty (a trailing line break is not a line). */
const ticketArb = fc
  .array(fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 24 }), { minLength: 1, maxLength: 12 })
  .filter((lines) => lines[lines.length - 1] !== '');

const answerArb: fc.Arbitrary<V3Answer> = fc
  .tuple(
    requestArb,
    fc.record(
      {
        status: fc.constantFrom('10', '01', '11'),
        reason: digits(2),
        pan: printable(16, 19),
        cardExpiry: digits(4),
        authorisationNumber: printable(6, 6),
        aid: printable(10, 32),
        readingMode: printable(1, 1),
        merchantContract: printable(1, 10),
        ticket: ticketArb,
        otherFields: fc.constant<TlvField[]>([{ tag: 'ZZ', value: 'kept as is' }]),
      },
      { requiredKeys: ['status'] },
    ),
  )
  .map(([request, result]) => ({ ...request, ...result }));

const withoutOrder = <T extends { tagOrder?: string[] }>(m: T): Omit<T, 'tagOrder'> => {
  const { tagOrder: _ignored, ...rest } = m;
  return rest;
};

describe('Concert V3 request', () => {
  it('encodes the reference requests byte for byte, in the tag order given', () => {
    expect(
      encodeV3Request({
        version: '0300',
        ecrId: '012345678901',
        posNumber: '01',
        currencyNumeric: '978',
        answerAtOnce: false,
        action: 'debit',
        amount: 1234,
        tagOrder: ['CZ', 'CJ', 'CA', 'CE', 'BA', 'CD', 'CB'],
      }).toString('latin1'),
    ).toBe(v3Exchanges[0]!.request);
    // Without a tag order: CZ CJ CA CB CD CE, the order of the second reference request.
    expect(
      encodeV3Request({ version: '0320', ecrId: '000000000000', posNumber: '01', amount: 899, action: 'debit', currencyNumeric: '978' }).toString('latin1'),
    ).toBe(v3Exchanges[1]!.request);
  });

  it.each(v3Exchanges.map((x) => [x.request]))('decodes %s and encodes it back to the same bytes', (request) => {
    const r = decodeV3Request(ascii(request));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ posNumber: '01', action: 'debit', currencyNumeric: '978' });
    expect(encodeV3Request(r.value).toString('latin1')).toBe(request);
  });

  it('puts CZ first whatever the tag order says, sends CB with at least 2 digits, CK=100 for a ticket', () => {
    const text = encodeV3Request({
      version: '0320', ecrId: '000000000001', posNumber: '01', amount: 5, action: 'credit', currencyNumeric: '392',
      askTicket: true, privateData: 'ORDER-1', tagOrder: ['CB', 'CZ'],
    }).toString('latin1');
    expect(text).toBe('CZ0040320CB00205CJ012000000000001CA00201CD0011CE003392CF007ORDER-1CK003100');
  });

  it('leaves CK out when no ticket is asked for, and BA out when not set', () => {
    const text = encodeV3Request({ version: '0320', ecrId: '000000000001', posNumber: '01', amount: 50, action: 'debit', currencyNumeric: '978', askTicket: false }).toString('latin1');
    expect(text).not.toContain('CK');
    expect(text).not.toContain('BA');
  });

  it.each([
    ['a 3-digit version', { version: '030' }],
    ['an 11-character ECR id', { ecrId: '01234567890' }],
    ['a 13-digit amount', { amount: 1_000_000_000_000 }],
    ['a negative amount', { amount: -5 }],
    ['an empty private data', { privateData: '' }],
    ['an unknown action', { action: 'refund' as V3Request['action'] }],
    ['a currency of letters', { currencyNumeric: 'EUR' }],
    ['otherFields repeating a typed tag', { otherFields: [{ tag: 'CB', value: '1' }] }],
  ])('refuses to encode %s (RangeError)', (_what, change) => {
    const base: V3Request = { version: '0320', ecrId: '000000000001', posNumber: '01', amount: 50, action: 'debit', currencyNumeric: '978' };
    expect(() => encodeV3Request({ ...base, ...change })).toThrow(RangeError);
  });

  it.each([
    ['a missing amount and currency', 'CZ0040300CJ012012345678901CA00201CD0010', /missing CB \(amount\), CE \(currencyNumeric\)/],
    ['an unknown action', 'CZ0040300CJ012012345678901CA00201CE003978CD0012CB0041234', /CD \(action\) must be '0' \(debit\) or '1' \(credit\), got '2'/],
    ['a letter in the amount', 'CZ0040300CJ012012345678901CA00201CE003978CD0010CB00412a4', /CB \(amount\) must be 1 to 12 digits, got '12a4'/],
    ['a repeated tag', 'CZ0040300CZ0040300', /tag CZ appears twice/],
    ['a cut message', 'CZ0040300CJ01201234', /cut inside a field after byte 9/],
    ['bytes that are not TLV', 'hello', /byte 0 is 'h' where a tag/],
  ])('says what is wrong with %s', (_what, text, error) => {
    const r = decodeV3Request(ascii(text));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^Concert V3 request: /);
      expect(r.error).toMatch(error);
    }
  });

  it('accepts parsed fields as well as bytes, and keeps unknown tags', () => {
    const fields = parseTlv(ascii(v3Exchanges[1]!.request + 'BB0011')).fields;
    const r = decodeV3Request(fields);
    expect(r.ok && r.value.otherFields).toEqual([{ tag: 'BB', value: '1' }]);
  });

  it('decode(encode(r)) is r, and encoding the decoded request gives the same bytes', () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        const bytes = encodeV3Request(r);
        const d = decodeV3Request(bytes);
        expect(d.ok).toBe(true);
        if (!d.ok) return;
        expect(withoutOrder(d.value)).toEqual(r);
        expect(encodeV3Request(d.value)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('follows any tag order given, CZ first', () => {
    fc.assert(
      fc.property(requestArb, fc.nat(), (r, seed) => {
        const tags = parseTlv(encodeV3Request(r)).fields.map((f) => f.tag);
        const shuffled = [...tags].sort((a, b) => ((a.charCodeAt(0) * 31 + a.charCodeAt(1) + seed) % 17) - ((b.charCodeAt(0) * 31 + b.charCodeAt(1) + seed) % 17));
        const sent = parseTlv(encodeV3Request({ ...r, tagOrder: shuffled })).fields.map((f) => f.tag);
        expect(sent).toEqual(['CZ', ...shuffled.filter((t) => t !== 'CZ')]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Concert V3 answer', () => {
  it('decodes the approved reference answer', () => {
    const r = decodeV3Answer(ascii(v3Exchanges[0]!.answer));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(withoutOrder(r.value)).toEqual({
      version: '0300',
      ecrId: '012345678901',
      posNumber: '01',
      currencyNumeric: '978',
      answerAtOnce: false,
      action: 'debit',
      amount: 1234,
      status: '10',
      application: '001',
      readingMode: '1',
      authorisationNumber: '912773',
      pan: '293540######4260',
      aid: 'A00000000808111225912',
      cardExpiry: '2707',
      privateData: '1010000000',
      merchantContract: '424242',
    });
  });

  it('decodes the abandoned reference answer', () => {
    const r = decodeV3Answer(ascii(v3Exchanges[2]!.answer));
    expect(r.ok && r.value.status).toBe('01');
    expect(r.ok && r.value.reason).toBe('11');
  });

  it.each(v3Exchanges.map((x) => [x.outcome, x.answer]))('encodes the decoded %s answer back to the same bytes', (_outcome, answer) => {
    const r = decodeV3Answer(ascii(answer));
    expect(r.ok).toBe(true);
    if (r.ok) expect(encodeV3Answer(r.value).toString('latin1')).toBe(answer);
  });

  it('carries the ticket in a ZT container holding CK and AK, as HiPay documents it (ZT374CK003100AK361...)', () => {
    const lines = ['CARTE BANCAIRE', 'MONTANT 8,99 EUR', '', 'MERCI'];
    const bytes = encodeV3Answer({ status: '10', amount: 899, currencyNumeric: '978', ticket: lines });
    const zt = parseTlv(bytes).fields.find((f) => f.tag === 'ZT')!.value;
    const inner = parseTlv(Buffer.from(zt, 'latin1')).fields;
    expect(inner).toEqual([{ tag: 'CK', value: '100' }, { tag: 'AK', value: lines.join('\r\n') }]);
    const d = decodeV3Answer(bytes);
    expect(d.ok && d.value.ticket).toEqual(lines);
  });

  it("reads a ticket shaped like HiPay's example: ZT374 = CK003100 + AK361 (8 + 366 bytes)", () => {
    const text = 'TICKET CLIENT\n' + 'x'.repeat(346);
    expect(text.length).toBe(360);
    const ak = text + '\n';
    const zt = `CK003100AK${String(ak.length).padStart(3, '0')}${ak}`;
    expect(zt.length).toBe(374);
    const d = decodeV3Answer(ascii(`CZ0040320AE00210ZT374${zt}`));
    expect(d.ok && d.value.ticket).toEqual(['TICKET CLIENT', 'x'.repeat(346)]);
  });

  it('keeps a ZT it cannot read (no TLV inside, or no AK) raw in otherFields, the outcome intact', () => {
    const d = decodeV3Answer(ascii('AE00210ZT003123'));
    expect(d.ok && d.value.status).toBe('10');
    expect(d.ok && d.value.ticket).toBeUndefined();
    expect(d.ok && d.value.otherFields).toEqual([{ tag: 'ZT', value: '123' }]);
  });

  it('refuses a ticket too long for one AK inside ZT', () => {
    expect(() => encodeV3Answer({ status: '10', ticket: ['x'.repeat(987)] })).toThrow(/at most 986/);
  });

  it('reads AF of 2 to 50 characters and a CF with a separator byte (HiPay "Local API for Nepting")', () => {
    const d = decodeV3Answer(ascii('CZ0040320CF011000\x1d0000042AE00201AF03505HOLDER INVALID / 05 Do not honour'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.privateData).toBe('000\x1d0000042');
    expect(d.value.reason).toBe('05HOLDER INVALID / 05 Do not honour');
  });

  it('reads an empty CB (Desk/5000 red key) as no amount, the outcome intact', () => {
    const d = decodeV3Answer(ascii('CZ0040300CB000AE00201AF00211'));
    expect(d.ok && d.value.amount).toBeUndefined();
    expect(d.ok && d.value.reason).toBe('11');
  });

  it('keeps a value it cannot read in otherFields instead of losing the payment outcome', () => {
    const d = decodeV3Answer(ascii('CB0040x12CD0019AK003!!!AE00210'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.status).toBe('10');
    expect(d.value.amount).toBeUndefined();
    expect(d.value.otherFields).toEqual([
      { tag: 'CB', value: '0x12' },
      { tag: 'CD', value: '9' },
      { tag: 'AK', value: '!!!' },
    ]);
    expect(encodeV3Answer(d.value).toString('latin1')).toBe('CB0040x12CD0019AK003!!!AE00210');
  });

  it.each([
    ['no AE', 'CZ0040300CB0041234', /AE \(status\) is missing/],
    ['an unknown AE', 'CZ0040300AE00299', /AE \(status\) must be '10', '01' or '11', got '99'/],
    ['a repeated tag', 'AE00210AE00201', /tag AE appears twice/],
    ['a cut answer', 'AE00210AA016293540####', /cut inside a field/],
  ])('refuses an answer with %s', (_what, text, error) => {
    const r = decodeV3Answer(ascii(text));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('decode(encode(a)) is a, and encoding it again gives the same bytes', () => {
    fc.assert(
      fc.property(answerArb, (a) => {
        const bytes = encodeV3Answer(a);
        const d = decodeV3Answer(bytes);
        expect(d.ok).toBe(true);
        if (!d.ok) return;
        expect(withoutOrder(d.value)).toEqual(a);
        expect(encodeV3Answer(d.value)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random TLV', () => {
    const anyTag = fc.constantFrom('AE', 'AF', 'AA', 'AK', 'ZT', 'CB', 'CD', 'BA', 'CK', 'CZ', 'CC', 'QQ');
    fc.assert(
      fc.property(fc.array(fc.record({ tag: anyTag, value: printable(1, 20) }), { maxLength: 10 }), (fields) => {
        const a = decodeV3Answer(encodeTlv(fields));
        const r = decodeV3Request(fields);
        expect(typeof a.ok).toBe('boolean');
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
