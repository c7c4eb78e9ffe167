/** Which reference values prove nothing about the payment they answer (money rule 3). */
import { isNoEchoReference, normaliseReference } from '../src';

describe('no-echo references', () => {
  it.each([
    [undefined, 'missing'],
    ['', 'empty'],
    ['          ', 'blank (V2 private field of spaces)'],
    ['0000000000', 'all zeros (a real Telium, pyTeliumManager)'],
    ['1010000000', "akretion's Desk/5000-based simulator constant in CF"],
    [' 1010000000\r', 'that constant padded'],
  ] as [string | undefined, string][])('money rule 3: %j (%s) is no echo', (ref) => {
    expect(isNoEchoReference(ref)).toBe(true);
  });

  it.each([['0000009999'], ['1730000000042'], ['ORDER-1'], ['1010000001']])('money rule 3: %s is a reference (ours or foreign), not "no echo"', (ref) => {
    expect(isNoEchoReference(ref)).toBe(false);
  });

  it('compares references without the separators and padding terminals add (HiPay Nepting: CF may carry a separator)', () => {
    expect(normaliseReference('17300\x1d00042 ')).toBe('1730000042');
  });
});
