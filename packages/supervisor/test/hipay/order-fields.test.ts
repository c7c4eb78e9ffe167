import fc from 'fast-check';
import { currencyByAlpha, majorToMinor, type Currency } from '@ecr/common';
import { buildOrderFields, type HipayOrder } from '../../src/hipay';

const EUR = currencyByAlpha('EUR')!;
const JPY = currencyByAlpha('JPY')!;
const KWD = currencyByAlpha('KWD')!;
const settings = { hashKey: 'secret', mid: '00001326589', acquirerId: '91' };

function order(orderId: string, amount: number, currency: Currency, extra: Partial<HipayOrder> = {}): HipayOrder {
  return { orderId, amount, currency, ...extra };
}

describe('buildOrderFields', () => {
  // Hashes computed independently: printf '<orderid><amount><currency>secret' | sha1sum
  it.each([
    ['ORD-1', 899, EUR, '8.99', '2a5b8afc6db26ca6a7a61256e6596c1660b1920a'],
    ['J-1', 500, JPY, '500', '7c95331170d49fde4ea5cc96358fcd5f594dc91f'],
    ['K-1', 1234, KWD, '1.234', '08a589dbdd72cf1c7e434b434affef4beeb3350a'],
  ])('%s: amount %i minor units -> %s major, and its sha1 hash', (orderId, minor, currency, major, hash) => {
    const f = buildOrderFields(order(orderId, minor, currency), settings);
    expect(f.amount).toBe(major);
    expect(f.currency).toBe(currency.alpha);
    expect(JSON.parse(f.payment_product_parameters).hash).toBe(hash);
  });

  it('fills every field of a passive tpe order', () => {
    const f = buildOrderFields(
      order('ORD-42', 1005, EUR, {
        authorisationNumber: '122603',
        customer: { id: '7', firstname: 'John', lastname: 'Doe', email: 'johnDoe@test.com' },
        basketItems: [{ product_reference: 'NF-1', type: 'good', quantity: 1, name: 'Tea', unit_price: 10.05, tax_rate: 5.5, total_amount: 10.05 }],
        customData: { lane: 3, vip: false, note: 'x' },
      }),
      settings,
    );
    expect(f).toEqual({
      orderid: 'ORD-42',
      description: 'Kiosk order ORD-42',
      amount: '10.05',
      currency: 'EUR',
      eci: '10',
      payment_product: 'tpe',
      initialize_payment_terminal: '0',
      operation: 'Sale',
      payment_product_parameters: expect.any(String),
      cid: '7',
      firstname: 'John',
      lastname: 'Doe',
      email: 'johnDoe@test.com',
      basket: '[{"product_reference":"NF-1","type":"good","quantity":1,"name":"Tea","unit_price":10.05,"tax_rate":5.5,"total_amount":10.05}]',
      custom_data: '{"lane":3,"vip":false,"note":"x"}',
    });
    expect(JSON.parse(f.payment_product_parameters)).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{40}$/),
      code: '200100',
      mid: '00001326589',
      acquirer_registrationid: '91',
      authorization_code: '122603',
    });
  });

  it('leaves out what the order does not have: customer, basket (also when empty), custom data, auth code, empty merchant settings', () => {
    const f = buildOrderFields(order('ORD-0', 100, EUR, { basketItems: [] }), { hashKey: '', mid: '', acquirerId: '' });
    expect(Object.keys(f).sort()).toEqual(
      ['amount', 'currency', 'description', 'eci', 'initialize_payment_terminal', 'operation', 'orderid', 'payment_product', 'payment_product_parameters'].sort(),
    );
    expect(Object.keys(JSON.parse(f.payment_product_parameters))).toEqual(['hash', 'code']);
  });

  it('refuses a non-integer or negative amount instead of sending a wrong one', () => {
    expect(() => buildOrderFields(order('X', 8.99, EUR), settings)).toThrow(/integer/);
    expect(() => buildOrderFields(order('X', -1, EUR), settings)).toThrow(/integer/);
  });

  it('the major-unit amount always converts back to the same minor amount (property)', () => {
    const currencies = [EUR, JPY, KWD, currencyByAlpha('CLF')!];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(...currencies), (minor, currency) => {
        const f = buildOrderFields(order('P', minor, currency), settings);
        return majorToMinor(f.amount, currency.exponent) === minor && /^\d+(\.\d+)?$/.test(f.amount);
      }),
      { numRuns: 300 },
    );
  });

  it('the hash depends on every input and on the hash key (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 32 }), fc.integer({ min: 1, max: 10 ** 9 }), (orderId, minor) => {
        const h = (o: HipayOrder, key: string): string => JSON.parse(buildOrderFields(o, { ...settings, hashKey: key }).payment_product_parameters).hash;
        const base = h(order(orderId, minor, EUR), 'k');
        return base !== h(order(orderId, minor + 1, EUR), 'k') && base !== h(order(orderId, minor, EUR), 'k2') && base !== h(order(orderId, minor, KWD), 'k');
      }),
      { numRuns: 200 },
    );
  });
});
