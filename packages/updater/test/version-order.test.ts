import fc from 'fast-check';
import { compareVersions, isVersion } from '../src/version-order';

const core = fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50));

describe('compareVersions (which release is newer)', () => {
  test('orders plain versions as their number triples, and is antisymmetric', () => {
    fc.assert(
      fc.property(core, core, (a, b) => {
        const expected = Math.sign(a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
        expect(compareVersions(a.join('.'), b.join('.'))).toBe(expected);
        expect(compareVersions(b.join('.'), a.join('.'))).toBe(-expected || 0);
      }),
      { numRuns: 300 },
    );
  });

  test('a pre-release comes before its release and after the previous one; numbers compare as numbers', () => {
    expect(compareVersions('0.2.0-rc.1', '0.2.0')).toBeLessThan(0);
    expect(compareVersions('0.2.0-rc.1', '0.1.9')).toBeGreaterThan(0);
    expect(compareVersions('0.2.0-rc.10', '0.2.0-rc.9')).toBeGreaterThan(0);
    expect(compareVersions('0.2.0-alpha', '0.2.0-beta')).toBeLessThan(0);
    expect(compareVersions('0.2.0-1', '0.2.0-alpha')).toBeLessThan(0);
    expect(compareVersions('0.10.0', '0.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0+build.5', '1.0.0')).toBe(0);
  });

  test('refuses what is not a version, with a message naming both', () => {
    expect(isVersion('0.2')).toBe(false);
    expect(isVersion('latest')).toBe(false);
    expect(isVersion('01.2.3')).toBe(false);
    expect(() => compareVersions('0.2', '0.1.0')).toThrow('cannot compare versions "0.2" and "0.1.0"');
  });
});
