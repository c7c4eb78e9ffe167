/**
 * Property: whatever JSON a kiosk sends, POST /order never answers 5xx, and the service is asked to pay exactly
 * when an independent reading of the rules (local-api.md) says the request is valid.
 */
import fc from 'fast-check';
import { currencyByAlpha } from '@ecr/common';
import { startApp, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(async () => {
  await t.close();
});

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

/** The rules, written again from the brief rather than from the implementation. */
function isValidOrder(body: unknown): boolean {
  if (!isRecord(body)) return false;
  const { amount, orderId, currency, basket, customer, customData } = body;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > 99_999_999) return false;
  // HiPay's orderid: at most 32 letters, digits, _ - . (hipay-gateway.md).
  if (!absent(orderId) && (typeof orderId !== 'string' || orderId.length > 32 || !/^[A-Za-z0-9_.-]+$/.test(orderId))) return false;
  if (!absent(currency) && (typeof currency !== 'string' || currencyByAlpha(currency) === undefined)) return false;
  if (!absent(basket) && typeof basket !== 'object') return false;
  // Customer data never blocks a payment (issue 10): only its shape, an object, is required.
  if (!absent(customer) && !isRecord(customer)) return false;
  if (!absent(customData)) {
    if (!isRecord(customData)) return false;
    if (!Object.values(customData).every((v) => ['boolean', 'number', 'string'].includes(typeof v))) return false;
  }
  return true;
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
const item = fc.record(
  {
    product_reference: fc.oneof(fc.constant('NF-a1690'), anyJson),
    type: fc.constantFrom('good', 'discount', 'fee', 'gift'),
    quantity: fc.oneof(fc.integer({ min: -1, max: 3 }), anyJson),
    name: fc.string(),
    unit_price: fc.double({ min: -10, max: 10, noNaN: true }),
    tax_rate: fc.constantFrom(0, 5.5, 20),
    total_amount: fc.oneof(fc.constantFrom(1, 0.5, 8.99, 0.001), fc.double({ noNaN: true, noDefaultInfinity: true })),
    european_article_numbering: fc.oneof(fc.constant(4711892728946), fc.string(), anyJson),
  },
  { requiredKeys: [] },
);

/** Mostly a valid value, sometimes something else: each body is then near the border the rules draw. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: other, weight: 1 });
const number = fc.double({ noNaN: true, noDefaultInfinity: true });
/** An amount in the accepted range but not whole: a float accepted would pay 8.99 "minor units" (money rule 4). */
const inRangeFraction = fc
  .oneof(fc.double({ min: 1, max: 99_999_999, noNaN: true }), fc.constantFrom(1.5, 8.99, 899.5, 99_999_998.5))
  .filter((a) => !Number.isInteger(a));

/** Bodies near the valid ones, where the rules are decided, plus anything at all. */
const body = fc.oneof(
  anyJson,
  fc.record(
    {
      amount: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 99_999_999 }), weight: 4 },
        { arbitrary: inRangeFraction, weight: 1 },
        { arbitrary: fc.oneof(fc.integer({ min: -5, max: 2e9 }), number, fc.constantFrom('100', '', null, true, [100])), weight: 1 },
      ),
      orderId: mostly(
        fc.constantFrom('Order_12345', 'A', 'x'.repeat(32), 'a.b-c_D', null),
        fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('', ' a', 'a ', 'x'.repeat(33), 'a/b', 'Order 1'), fc.integer()),
      ),
      currency: mostly(fc.constantFrom('EUR', 'JPY', 'KWD', 'USD', null), fc.oneof(fc.constantFrom('eur', 'XXX', 'XTS', 'ABC', '', 978), fc.string({ maxLength: 4 }))),
      basket: mostly(fc.oneof(item, fc.array(item, { maxLength: 3 })), anyJson),
      customer: mostly(
        fc.record(
          {
            id: mostly(fc.oneof(fc.integer(), fc.string()), fc.oneof(number, fc.constantFrom(null, 2 ** 60))),
            firstname: mostly(fc.string(), anyJson),
            email: mostly(fc.constantFrom('johnDoe@test.com', 'a@b'), fc.oneof(fc.constantFrom('john doe@test.com', 'nope', '@'), fc.string())),
            extra: anyJson,
          },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
      customData: mostly(fc.dictionary(fc.string(), fc.oneof(fc.boolean(), fc.integer(), number, fc.string())), fc.oneof(fc.dictionary(fc.string(), anyJson), anyJson)),
      extra: anyJson,
    },
    { requiredKeys: [] },
  ),
);

test('random JSON bodies never produce a 5xx, and reach service.order only when valid', async () => {
  let paid = 0;
  await fc.assert(
    fc.asyncProperty(body, async (sent) => {
      t.service.order.mockClear();
      // What the server will parse (JSON has no -0, undefined, ...).
      const parsed = JSON.parse(JSON.stringify(sent) ?? 'null') as unknown;
      const answer = await t.request('/order', { raw: { body: JSON.stringify(sent) ?? 'null', contentType: 'application/json' } });

      expect(answer.status).toBeLessThan(500);
      if (isValidOrder(parsed)) {
        expect(answer.status).toBe(200);
        expect(t.service.order).toHaveBeenCalledTimes(1);
        expect(t.service.order.mock.calls[0][0].amount).toBe((parsed as { amount: number }).amount);
        paid += 1;
      } else {
        expect(answer.status).toBe(400);
        expect(t.service.order).not.toHaveBeenCalled();
        const [{ error }] = answer.body as { error: string }[];
        expect(error).not.toMatch(/\n/);
      }
    }),
    { numRuns: 400 },
  );
  // The property says something about valid orders too, not only about refusals.
  expect(paid).toBeGreaterThan(20);
});

test('money rule 4: an amount in range but not whole is refused with 400 and never reaches the terminal', async () => {
  await fc.assert(
    fc.asyncProperty(inRangeFraction, fc.constantFrom(undefined, 'EUR', 'JPY'), async (amount, currency) => {
      t.service.order.mockClear();
      const answer = await t.request('/order', { json: { amount, orderId: 'Order_1', ...(currency && { currency }) } });
      expect(answer.status).toBe(400);
      expect(t.service.order).not.toHaveBeenCalled();
      const [{ error }] = answer.body as { error: string }[];
      expect(error).toMatch(/amount/);
    }),
    { numRuns: 200 },
  );
});

test('random form bodies never produce a 5xx', async () => {
  const field = fc.oneof(fc.constantFrom('amount', 'orderId', 'currency', 'basket', 'basket[0][quantity]', 'basket[name]', 'customer', 'customer[id]', 'customData[x]', 'customData', 'amount[]'), fc.string({ maxLength: 12 }));
  const value = fc.oneof(fc.constantFrom('100', '9.99', '{', '{"a":[1', '[]', '{"id":1}', ''), fc.string({ maxLength: 12 }));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(field, value), { maxLength: 8 }), async (pairs) => {
      t.service.order.mockClear();
      const answer = await t.request('/order', { form: new URLSearchParams(pairs).toString() });
      expect(answer.status).toBeLessThan(500);
      if (answer.status !== 200) expect(t.service.order).not.toHaveBeenCalled();
    }),
    { numRuns: 300 },
  );
});
