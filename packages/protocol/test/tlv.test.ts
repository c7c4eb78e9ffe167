import fc from 'fast-check';
import { encodeTlv, parseTlv, type TlvField } from '../src';
import { ascii, v3Exchanges } from './helpers/vectors';

const tagArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 2, maxLength: 2 });
const valueArb = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 999 });
const fieldsArb: fc.Arbitrary<TlvField[]> = fc.array(fc.record({ tag: tagArb, value: valueArb }), { maxLength: 8 });

describe('TLV', () => {
  it('encodes tag, 3-digit length and value', () => {
    expect(encodeTlv([{ tag: 'CZ', value: '0300' }, { tag: 'CB', value: '899' }]).toString('latin1')).toBe('CZ0040300CB003899');
    expect(encodeTlv([{ tag: 'AK', value: 'x'.repeat(999) }]).toString('latin1')).toBe('AK999' + 'x'.repeat(999));
    expect(encodeTlv([])).toEqual(Buffer.alloc(0));
  });

  it.each([
    ['a lower-case tag', [{ tag: 'cz', value: '0300' }]],
    ['a 3-letter tag', [{ tag: 'CZZ', value: '0300' }]],
    ['a 1000-byte value', [{ tag: 'AK', value: 'x'.repeat(1000) }]],
    ['a value beyond Latin-1', [{ tag: 'CF', value: 'price in €' }]],
  ])('refuses to encode %s (RangeError)', (_what, fields) => {
    expect(() => encodeTlv(fields)).toThrow(RangeError);
  });

  it('reads values byte for byte: separators inside CF (HiPay Nepting), line breaks, an empty CB (Desk/5000 red key)', () => {
    const text = 'CF011000\x1d0000042AK006L1\r\nL2CB000AE00201';
    const p = parseTlv(ascii(text));
    expect(p.status).toBe('complete');
    expect(p.fields).toEqual([
      { tag: 'CF', value: '000\x1d0000042' },
      { tag: 'AK', value: 'L1\r\nL2' },
      { tag: 'CB', value: '' },
      { tag: 'AE', value: '01' },
    ]);
    expect(encodeTlv(p.fields).toString('latin1')).toBe(text);
  });

  it('parses the reference answers to the tags the simulator sent', () => {
    const p = parseTlv(ascii(v3Exchanges[0]!.answer));
    expect(p.status).toBe('complete');
    expect(p.consumed).toBe(v3Exchanges[0]!.answer.length);
    expect(p.fields.map((f) => f.tag)).toEqual(['CZ', 'CJ', 'CA', 'CE', 'BA', 'CD', 'CB', 'AE', 'CC', 'CI', 'AC', 'AA', 'AI', 'AB', 'CF', 'CG']);
    expect(p.fields.find((f) => f.tag === 'AA')?.value).toBe('293540######4260');
  });

  it('reports a cut field as partial, with the complete fields before it', () => {
    const text = 'CZ0040300CB0041234';
    for (let cut = 1; cut < text.length; cut++) {
      const p = parseTlv(ascii(text.slice(0, cut)));
      if (cut === 9) {
        expect(p).toEqual({ fields: [{ tag: 'CZ', value: '0300' }], consumed: 9, status: 'complete' });
      } else {
        expect(p.status).toBe('partial');
        expect(p.consumed).toBe(cut < 9 ? 0 : 9);
        expect(p.fields).toHaveLength(cut < 9 ? 0 : 1);
      }
    }
  });

  it('calls an empty input complete, with no field', () => {
    expect(parseTlv(Buffer.alloc(0))).toEqual({ fields: [], consumed: 0, status: 'complete' });
  });

  it.each([
    ['a lower-case tag', 'CZ0040300cb003899', 9, /byte 9 is 'c' where a tag/],
    ['a digit as tag', '1Z0040300', 0, /byte 0 is '1'/],
    ['a non-digit length', 'CZ0a40300', 0, /length of tag CZ must be 3 digits, byte 3 is 'a'/],
    ['a lower-case tag even when cut', 'c', 0, /byte 0 is 'c'/],
    ['a bad length digit even when cut', 'CZ0x', 0, /byte 3 is 'x'/],
  ])('reports %s as invalid, at once', (_what, text, consumed, error) => {
    const p = parseTlv(ascii(text));
    expect(p.status).toBe('invalid');
    expect(p.consumed).toBe(consumed);
    expect(p.error).toMatch(error);
  });

  it('parse(encode(fields)) gives the fields back, complete', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const bytes = encodeTlv(fields);
        expect(parseTlv(bytes)).toEqual({ fields, consumed: bytes.length, status: 'complete' });
      }),
      { numRuns: 300 },
    );
  });

  it('any prefix of a valid message is complete or partial, never invalid, and consumes whole fields', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), (fields, at) => {
        const bytes = encodeTlv(fields);
        const cut = bytes.length === 0 ? 0 : at % (bytes.length + 1);
        const p = parseTlv(bytes.subarray(0, cut));
        expect(p.status).not.toBe('invalid');
        expect(encodeTlv(p.fields)).toEqual(bytes.subarray(0, p.consumed));
        expect(p.status === 'complete').toBe(p.consumed === cut);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes, and what it calls complete re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const p = parseTlv(bytes);
        expect(p.consumed).toBeLessThanOrEqual(bytes.length);
        expect(encodeTlv(p.fields)).toEqual(Buffer.from(bytes.subarray(0, p.consumed)));
        if (p.status === 'invalid') expect(p.error).toBeTruthy();
      }),
      { numRuns: 300 },
    );
  });
});
