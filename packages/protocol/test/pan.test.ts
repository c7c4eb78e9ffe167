/**
 * The one card-number masker (maskPan) and the text masker built on it, including the zero-padded card number
 * of a real Telium's V2 report (Ousret/pyTeliumManager README). Money rule 3's receipts and every log line
 * depend on it: at most the first 6 and the last 4 digits of the real number ever show.
 */
import fc from 'fast-check';
import { zvt } from '../src';
import { luhnValid, maskPan, maskPansInText, maskZeroPaddedPan } from '../src/pan';

/** pyTeliumManager README, a real Telium's answer: `'_repport': '4711690463168807000...'` (55 characters). */
const TELIUM_REPORT = '4711690463168807'.padEnd(55, '0');

const checkDigit = (body: string): string => String([...'0123456789'].findIndex((d) => luhnValid(body + d)));

/** Luhn-valid numbers of 13 to 19 digits whose middle digits (the part a mask hides) are random 5 to 9. */
const panArb = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 6 }),
    fc.array(fc.integer({ min: 5, max: 9 }), { minLength: 3, maxLength: 9 }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
  )
  .map(([head, middle, tail]) => {
    const body = head.join('') + middle.join('') + tail.join('');
    return body + checkDigit(body);
  });

/** Nothing of the number shows beyond its first 6 and last 4 digits: no run of 5 of its middle digits. */
function expectOnlyFirst6Last4(text: string, pan: string): void {
  const middle = pan.slice(6, -4);
  for (let i = 0; i + 5 <= middle.length; i++) expect(text).not.toContain(middle.slice(i, i + 5));
  expect(text).not.toContain(pan);
}

describe('maskPan, the one masker', () => {
  test.each([
    ['4970100000000014', '497010XXXXXX0014'],
    ['4970 1000 0000 0014', '497010XXXXXX0014'],
    ['293540######4260', '293540XXXXXX4260'],
    ['############4260', 'XXXXXXXXXXXX4260'],
    ['4970100000000000014', '497010XXXXXXXXX0014'],
    ['1234567890123', '123456XXX0123'],
    ['123456789012', 'XXXXXXXX9012'],
    ['123456789', 'XXXXX6789'],
    ['1234', 'XX34'],
    ['1', 'X'],
    ['', ''],
  ])('%j -> %j', (pan, masked) => {
    expect(maskPan(pan)).toBe(masked);
  });

  test('shows at most the first 6 and the last 4, fewer below 13 characters, and never more than half (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{0,25}$/), (digits) => {
        const masked = maskPan(digits);
        expect(masked).toHaveLength(digits.length);
        const shown = [...masked].filter((c) => c !== 'X').length;
        expect(shown).toBeLessThanOrEqual(digits.length >= 13 ? 10 : Math.floor(digits.length / 2));
        for (const [i, c] of [...masked].entries()) if (c !== 'X') expect(c).toBe(digits[i]);
        if (digits.length >= 13) expect(masked).toBe(digits.slice(0, 6) + 'X'.repeat(digits.length - 10) + digits.slice(-4));
      }),
    );
  });
});

describe('the zero-padded card number of a real Telium V2 report', () => {
  test("pyTeliumManager's report: 16 or 18 digits pass Luhn, so the first 6 and the last 2 show (the last 4 whatever the length)", () => {
    expect(maskZeroPaddedPan(TELIUM_REPORT)).toBe('471169XXXXXXXX07');
    const masked = maskPansInText(`report ${TELIUM_REPORT} end`);
    expect(masked).toBe(`report 471169XXXXXXXX07XX${'0'.repeat(37)} end`);
    expectOnlyFirst6Last4(masked, '4711690463168807');
  });

  test('one length passes (19 digits not ending in 0): the exact masked form, the zeros kept', () => {
    const pan = '4970107319285517427';
    expect(maskZeroPaddedPan(pan.padEnd(55, '0'))).toBe(maskPan(pan));
    expect(maskPansInText(pan.padEnd(55, '0'))).toBe(maskPan(pan).padEnd(55, '0'));
    expect(maskPan(pan)).toBe('497010XXXXXXXXX7427');
  });

  test('any Luhn-valid card number padded with zeros shows its first 6 digits and no more than its last 4 (property)', () => {
    fc.assert(
      fc.property(panArb, fc.integer({ min: 20, max: 60 }), (pan, width) => {
        const report = pan.padEnd(Math.max(width, pan.length + 1), '0');
        const masked = maskZeroPaddedPan(report)!;
        expect(masked.slice(0, 6)).toBe(pan.slice(0, 6));
        expect(masked.length).toBeLessThanOrEqual(pan.length);
        // Every digit shown after the first 6 is the real number's own, among its last 4.
        for (let i = 6; i < masked.length; i++) {
          if (masked[i] === 'X') continue;
          expect(masked[i]).toBe(pan[i]);
          expect(i).toBeGreaterThanOrEqual(pan.length - 4);
        }
        const inText = maskPansInText(`a ${report} b`);
        expect(inText).toHaveLength(report.length + 4);
        expect(inText.startsWith(`a ${masked}`)).toBe(true);
        expectOnlyFirst6Last4(masked, pan);
        expectOnlyFirst6Last4(inText, pan);
      }),
      { numRuns: 500 },
    );
  });

  test('long digit runs that are not a padded card number stay as they are', () => {
    for (const text of ['00000000000000000000000', '12345678901234567890123', '2026113007455312345678901']) {
      expect(maskPansInText(text)).toBe(text);
    }
  });
});

describe('one masker for every protocol (issue 11 item 1)', () => {
  test('ZVT\'s card number (BMP 22) is masked by the same maskPan as Concert\'s, short numbers included', () => {
    // 22 F0 F8 55 98 83 EE EE EE 80 74 as a real terminal sends it (EVerest/zvt test data): E = masked digit.
    expect(zvt.decodePanBmp(Buffer.from('5598 83EE EEEE 8074'.replace(/ /g, ''), 'hex'))).toBe(maskPan('559883******8074'));
    // Below 13 digits the one masker shows at most half: 3 of a 6-digit number (ZVT's own masker showed 4).
    const short = zvt.decodePanBmp(Buffer.from('123456', 'hex'));
    expect(short).toBe(maskPan('123456'));
    expect(short).toBe('XXX456');
    expect(zvt.maskPan).toBe(maskPan);
  });
});
