import fc from 'fast-check';
import { passiveOrderHash } from '../src';
import { validateOrder } from '../src/validate-order';
import { tpeOrder } from './http';

describe('validateOrder (unit)', () => {
  it('accepts any positive decimal amount and keeps it as sent', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 3 }), (minor, exp) => {
        const s = minor.toString().padStart(exp + 1, '0');
        const amount = exp === 0 ? s : `${s.slice(0, -exp)}.${s.slice(-exp)}`;
        const r = validateOrder(tpeOrder('P', { amount }));
        return r.ok && r.value.amount === amount;
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any amount that is not a plain decimal with 1010201', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && !/^\d+(\.\d+)?$/.test(s)),
        (amount) => {
          const r = validateOrder(tpeOrder('P', { amount }));
          return !r.ok && r.error.body.code === 1010201;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports the exponent of the currency', () => {
    const jpy = validateOrder(tpeOrder('J', { amount: '500', currency: 'JPY' }));
    const kwd = validateOrder(tpeOrder('K', { amount: '1.234', currency: 'KWD' }));
    expect(jpy.ok && jpy.value.decimals).toBe(0);
    expect(kwd.ok && kwd.value.decimals).toBe(3);
  });

  it('hashes orderid + amount + currency + key with sha1', () => {
    // sha1("A18.99EURkey"), computed independently with `printf A18.99EURkey | sha1sum`.
    expect(passiveOrderHash('A1', '8.99', 'EUR', 'key')).toBe(SHA1_A1);
  });
});

const SHA1_A1 = 'd2feb1bddb505c25affaba9c668104a37b7a7303';
