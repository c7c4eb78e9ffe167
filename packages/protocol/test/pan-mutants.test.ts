/**
 * The card-number masker's edges the mutation run (issue 15) found unproven: a masked number shows digits
 * and X only, whatever else a terminal puts in it, and a digit run of 19 or fewer is a card number on its
 * own, never read as a zero-padded one (that reading is for a real Telium's 55-character V2 report,
 * Ousret/pyTeliumManager README).
 */
import { maskPan, maskZeroPaddedPan } from '../src/pan';

describe('card numbers never leave unmasked (money rule 3\'s receipts, every log line)', () => {
  test.each([
    ['4970abcdefgh0014', '4970XXXXXXXX0014'],
    ['49701O000000O014', '49701XXXXXXXX014'],
    ['ABCDEF1234567890', 'XXXXXXXXXXXX7890'],
    ['12ab', 'XXXX'],
  ])('a masked number shows digits and X only, whatever the terminal sent: %j -> %j', (pan, masked) => {
    expect(maskPan(pan)).toBe(masked);
  });

  test.each([['4970107319285517427'], ['4970100000000014000'], ['4970100000000014']])(
    'a run of 19 digits or fewer is no zero-padded report: %j',
    (run) => {
      expect(maskZeroPaddedPan(run)).toBeUndefined();
    },
  );

  test('a run of 20 digits is read as a padded card number: 16, 17 and 19 digits pass Luhn, so 1 last digit shows', () => {
    expect(maskZeroPaddedPan('49701000000000140000')).toBe('497010XXXXXXXXX4');
  });
});
