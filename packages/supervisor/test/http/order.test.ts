import { expectErrorBody, seedExample, startApp, type TestApp } from './helpers';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const EUR = { alpha: 'EUR', numeric: '978', exponent: 2 };

describe('POST /order with valid requests', () => {
  test("the seed's example is paid, and the service receives the order as HiPay needs it", async () => {
    const sent = seedExample();
    const answer = await t.request('/order', { json: sent });

    expect(answer.status).toBe(200);
    expect(t.service.order).toHaveBeenCalledTimes(1);
    const order = t.service.order.mock.calls[0][0];
    expect(order).toEqual({
      orderId: 'Order_12345',
      amount: 100,
      currency: EUR,
      basketAsSent: sent.basket,
      customerAsSent: sent.customer,
      customer: { id: '283749291', firstname: 'John', lastname: 'Doe', email: 'johnDoe@test.com' },
      customData: { shop: 'Opera', vendor: 'Mario', newCustomer: true, event: 42 },
    });
    // 8.99 EUR of basket for a 1.00 EUR payment: HiPay gets an empty cart, the payment still goes ahead.
    expect(order.basketItems).toBeUndefined();
    expect(t.logs.some((l) => l.level === 'warn' && l.text.includes('8.99 EUR') && l.text.includes('1.00 EUR'))).toBe(true);

    const [response] = answer.body as Record<string, unknown>[];
    expect(response).toMatchObject({ status: 'Success', amount: 100, currency: 'EUR', orderId: 'Order_12345', notificationHipaySent: true });
    // The echo is what was sent, numbers included.
    expect(response.basket).toEqual(sent.basket);
    expect(response.customer).toEqual(sent.customer);
  });

  test('a basket that adds up to the amount is forwarded as HiPay items, numbers made strings', async () => {
    const sent = { ...seedExample(), amount: 899 };
    const answer = await t.request('/order', { json: sent });

    expect(answer.status).toBe(200);
    expect(t.service.order.mock.calls[0][0].basketItems).toEqual([
      {
        european_article_numbering: '4711892728946',
        product_reference: 'NF-a1690',
        type: 'good',
        quantity: 1,
        name: 'My first product',
        unit_price: 8.99,
        tax_rate: 0,
        discount: 0,
        total_amount: 8.99,
      },
    ]);
  });

  test('an array basket with a discount adds up exactly (no floating point drift)', async () => {
    const item = (name: string, type: string, total: number) => ({ product_reference: name, type, quantity: 1, name, unit_price: total, tax_rate: 20, total_amount: total });
    // 0.1 + 0.2 + 19.9 - 5.01 in floating point is 15.190000000000001.
    const basket = [item('a', 'good', 0.1), item('b', 'good', 0.2), item('c', 'fee', 19.9), item('d', 'discount', -5.01)];
    const answer = await t.request('/order', { json: { amount: 1519, basket } });

    expect(answer.status).toBe(200);
    expect(t.service.order.mock.calls[0][0].basketItems).toHaveLength(4);
  });

  test.each([
    ['JPY', 0, 500, 500],
    ['KWD', 3, 1234, 1.234],
  ])('the %s exponent (%i) comes from ISO 4217, for the amount and the basket', async (code, exponent, amount, total) => {
    const basket = { product_reference: 'x', type: 'good', quantity: 1, name: 'x', unit_price: total, tax_rate: 0, total_amount: total };
    const answer = await t.request('/order', { json: { amount, currency: code, basket } });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order.currency).toMatchObject({ alpha: code, exponent });
    expect(order.basketItems).toHaveLength(1);
  });

  test('a malformed basket item does not stop the payment: empty cart, basket echoed as sent', async () => {
    const basket = [{ product_reference: 'x', type: 'gift', quantity: 1, name: 'x', unit_price: 1, tax_rate: 0, total_amount: 1 }];
    const answer = await t.request('/order', { json: { amount: 100, basket } });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order.basketItems).toBeUndefined();
    expect(order.basketAsSent).toEqual(basket);
    expect(t.logs.find((l) => l.level === 'warn')?.text).toMatch(/basket\[0\]\.type must be one of "good", "discount", "fee"/);
  });

  test('a total_amount finer than the currency allows drops the basket, says why, and the payment goes ahead', async () => {
    const basket = { product_reference: 'x', type: 'good', quantity: 1, name: 'x', unit_price: 8.999, tax_rate: 0, total_amount: 8.999 };
    const answer = await t.request('/order', { json: { amount: 900, basket } });

    expect(answer.status).toBe(200);
    expect(t.service.order.mock.calls[0][0].basketItems).toBeUndefined();
    expect(t.logs.find((l) => l.level === 'warn')?.text).toMatch(/basket\.total_amount 8\.999 has more decimals than EUR allows \(2\)/);
  });

  test('money rule 5: an orderId of 32 letters, digits, "_", "-" and "." is paid', async () => {
    const orderId = 'Ab_9-x.'.padEnd(32, 'z');
    const answer = await t.request('/order', { json: { amount: 100, orderId } });
    expect(answer.status).toBe(200);
    expect(t.service.order.mock.calls[0][0].orderId).toBe(orderId);
  });

  test("issue 10 case 7: the seed's example with its mangled e-mail is paid; HiPay gets the customer without the e-mail, one warning", async () => {
    const sent = { ...seedExample(), customer: { ...seedExample().customer, email: '[email protected]' } };
    const answer = await t.request('/order', { json: sent });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order.customer).toEqual({ id: '283749291', firstname: 'John', lastname: 'Doe' });
    expect(order.customerAsSent).toEqual(sent.customer);
    const warnings = t.logs.filter((l) => l.level === 'warn' && l.text.includes('customer'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].text).toMatch(/order Order_12345: customer data left out of the HiPay order: customer\.email is not an e-mail address HiPay accepts/);
  });

  test.each([
    ['an e-mail without @', { email: 'john.doe' }, {}],
    ['an e-mail without a domain dot', { email: 'john@doe' }, {}],
    ['an e-mail with a space', { email: 'john doe@test.com' }, {}],
    ['a fractional customer id', { id: 1.5, email: 'a@b.fr' }, { email: 'a@b.fr' }],
    ['a customer id too large for JSON', { id: 2 ** 60 }, {}],
    ['a numeric first name', { firstname: 42, lastname: 'Doe' }, { lastname: 'Doe' }],
  ])('customer data never blocks a payment: %s is left out of the HiPay order', async (_name, customer, forwarded) => {
    const answer = await t.request('/order', { json: { amount: 100, customer } });
    expect(answer.status).toBe(200);
    expect(t.service.order.mock.calls[0][0].customer).toEqual(forwarded);
    expect(t.logs.filter((l) => l.level === 'warn' && /customer data left out/.test(l.text))).toHaveLength(1);
  });

  test("issue 10 case 7: the guide's firstName/lastName reach HiPay like firstname/lastname", async () => {
    await t.request('/order', { json: { amount: 100, customer: { firstName: 'John', lastName: 'Doe' } } });
    await t.request('/order', { json: { amount: 100, customer: { firstname: 'Jane', lastname: 'Roe' } } });
    expect(t.service.order.mock.calls.map((c) => c[0].customer)).toEqual([
      { firstname: 'John', lastname: 'Doe' },
      { firstname: 'Jane', lastname: 'Roe' },
    ]);
  });

  test('card numbers in customData and customer are masked before the order is stored, echoed or forwarded', async () => {
    const customData = { note: 'card 4111111111111111 expires', pan: '4111111111111111', num: 5555555555554444, ticket: 1234567890123 };
    const customer = { id: '4012888888881881', email: 'a@b.fr', card: { number: 378282246310005 } };
    const answer = await t.request('/order', { json: { amount: 100, customData, customer } });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    // 1234567890123 fails Luhn: not a card number, kept.
    expect(order.customData).toEqual({ note: 'card 411111XXXXXX1111 expires', pan: '411111XXXXXX1111', num: '555555XXXXXX4444', ticket: 1234567890123 });
    expect(order.customer).toEqual({ id: '401288XXXXXX1881', email: 'a@b.fr' });
    expect(order.customerAsSent).toEqual({ id: '401288XXXXXX1881', email: 'a@b.fr', card: { number: '378282XXXXX0005' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/4111111111111111|5555555555554444|4012888888881881|378282246310005/);
  });

  test('a missing orderId is generated, unique, and returned in the answer', async () => {
    const first = await t.request('/order', { json: { amount: 100 } });
    const second = await t.request('/order', { json: { amount: 100 } });

    const ids = [first, second].map((a) => (a.body as { orderId: string }[])[0].orderId);
    expect(ids[0]).toMatch(/^ECR_\d{8}T\d{6}_[0-9a-f]{12}$/);
    expect(ids[0].length).toBeLessThanOrEqual(32); // HiPay's limit
    expect(ids[1]).not.toBe(ids[0]);
    expect(t.service.order.mock.calls.map((c) => c[0].orderId)).toEqual(ids);
    expect(t.service.order.mock.calls[0][0].currency).toEqual(EUR);
  });

  test('null optional fields mean "not given"', async () => {
    const answer = await t.request('/order', { json: { amount: 250, orderId: null, currency: null, basket: null, customer: null, customData: null } });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order.currency).toEqual(EUR);
    expect(order.orderId).toMatch(/^ECR_/);
    expect(Object.keys(order).sort()).toEqual(['amount', 'currency', 'orderId']);
    const [response] = answer.body as Record<string, unknown>[];
    expect(response).toMatchObject({ basket: null, customer: null, customData: null });
  });

  test('unknown top-level fields are ignored and logged at debug', async () => {
    const answer = await t.request('/order', { json: { amount: 100, kioskId: 'K7', lang: 'fr' } });

    expect(answer.status).toBe(200);
    expect(t.logs.some((l) => l.level === 'debug' && /unknown fields kioskId, lang/.test(l.text))).toBe(true);
  });

  test('a form body with bracket nesting works; amount and quantity digits become integers', async () => {
    const form = new URLSearchParams({
      amount: '899',
      orderId: 'Form_1',
      currency: 'EUR',
      'basket[0][product_reference]': 'NF-a1690',
      'basket[0][type]': 'good',
      'basket[0][quantity]': '1',
      'basket[0][name]': 'My first product',
      'basket[0][unit_price]': '8.99',
      'basket[0][tax_rate]': '0',
      'basket[0][total_amount]': '8.99',
      'basket[0][european_article_numbering]': '4711892728946',
      'customer[id]': '283749291',
      'customer[email]': 'johnDoe@test.com',
      'customData[shop]': 'Opera',
    }).toString();
    const answer = await t.request('/order', { form });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order).toMatchObject({ orderId: 'Form_1', amount: 899, currency: EUR, customer: { id: '283749291', email: 'johnDoe@test.com' }, customData: { shop: 'Opera' } });
    expect(order.basketItems).toEqual([expect.objectContaining({ quantity: 1, unit_price: 8.99, total_amount: 8.99, european_article_numbering: '4711892728946' })]);
  });

  test('a form body whose basket and customer hold JSON texts works', async () => {
    const seed = seedExample();
    const form = new URLSearchParams({
      amount: '899',
      basket: JSON.stringify(seed.basket),
      customer: JSON.stringify(seed.customer),
      customData: JSON.stringify(seed.customData),
    }).toString();
    const answer = await t.request('/order', { form });

    expect(answer.status).toBe(200);
    const order = t.service.order.mock.calls[0][0];
    expect(order.basketItems).toHaveLength(1);
    expect(order.customer?.id).toBe('283749291');
    expect(order.customData).toEqual(seed.customData);
  });
});

describe('POST /order with bad input: 4xx naming the field and the rule, service never called', () => {
  const cases: [string, unknown, RegExp | string][] = [
    ['no amount', {}, 'amount is required'],
    ['amount 9.99', { amount: 9.99 }, 'amount must be an integer number of minor units (e.g. 899 for 8.99 EUR), got 9.99'],
    ['amount as a JSON string', { amount: '100' }, 'amount must be an integer number of minor units (e.g. 899 for 8.99 EUR), got the string "100"'],
    ['amount 0', { amount: 0 }, 'amount must be greater than 0, got 0'],
    ['amount of 9 digits', { amount: 123456789 }, /^amount must be at most 99999999 minor units .*got 123456789$/],
    ['a JPY amount in major units', { amount: 9.5, currency: 'JPY' }, 'amount must be an integer number of minor units (e.g. 899 for 899 JPY), got 9.5'],
    ['an unknown currency', { amount: 100, currency: 'XYZ' }, 'currency must be an ISO 4217 alphabetic code known to the connector (e.g. "EUR"), got "XYZ"'],
    ['a lower-case currency', { amount: 100, currency: 'eur' }, 'currency must be an ISO 4217 alphabetic code in upper case ("EUR"), got "eur"'],
    ['a numeric currency', { amount: 100, currency: 978 }, /^currency must be .*got 978$/],
    ['nested customData', { amount: 100, customData: { foo: { bar: 1 } } }, 'customData.foo must be a boolean, number or string, got an object'],
    ['a null customData value', { amount: 100, customData: { foo: null } }, 'customData.foo must be a boolean, number or string, got null'],
    ['customData as an array', { amount: 100, customData: ['a'] }, 'customData must be an object, got an array'],
    ['an empty orderId', { amount: 100, orderId: '' }, /^orderId must not be empty/],
    ['a numeric orderId', { amount: 100, orderId: 12345 }, 'orderId must be a string, got 12345'],
    // money rule 5, issue 10 case 1: HiPay would refuse these orderids for good after the card was charged.
    [
      'money rule 5: an orderId of 33 characters (HiPay holds 32)',
      { amount: 100, orderId: 'x'.repeat(33) },
      'orderId must be at most 32 characters (HiPay\'s limit for an orderid) of letters, digits, "_", "-" and ".", got 33 characters',
    ],
    ['money rule 5: an orderId of 64 characters', { amount: 100, orderId: 'A'.repeat(64) }, /^orderId must be at most 32 characters \(HiPay's limit/],
    ['an orderId with a line break', { amount: 100, orderId: 'a\nb' }, /^orderId must be at most 32 characters .*got "a\\nb"$/],
    ['an orderId with a space', { amount: 100, orderId: 'Order 12' }, /^orderId must be .* of letters, digits, "_", "-" and "\.", got "Order 12"$/],
    ['an orderId with a slash', { amount: 100, orderId: 'a/b' }, /^orderId must be .*got "a\/b"$/],
    ['a basket that is a string', { amount: 100, basket: 'apple' }, 'basket must be an object or an array of items, got "apple"'],
    ['an array body', [{ amount: 100 }], 'the body must be a JSON object with at least "amount", got an array'],
  ];

  test.each(cases)('%s', async (_name, body, expected) => {
    const answer = await t.request('/order', { json: body });

    expect(answer.status).toBe(400);
    const message = expectErrorBody(answer);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test('every wrong field is named in one line', async () => {
    const answer = await t.request('/order', { json: { amount: '1', currency: 'eur', customData: { x: [] } } });

    expect(answer.status).toBe(400);
    const message = expectErrorBody(answer);
    expect(message.split('; ').map((m) => m.split(' ')[0])).toEqual(['amount', 'currency', 'customData.x']);
  });

  test('no body at all: amount is required', async () => {
    const answer = await t.request('/order', { method: 'POST' });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toBe('amount is required');
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test('malformed JSON: 400 saying so', async () => {
    const answer = await t.request('/order', { raw: { body: '{"amount": 100,', contentType: 'application/json' } });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toMatch(/^malformed JSON body: /);
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test('a 2 MB body: 413 with the limit', async () => {
    const answer = await t.request('/order', { json: { amount: 100, customData: { blob: 'x'.repeat(2 * 1024 * 1024) } } });

    expect(answer.status).toBe(413);
    expect(answer.body).toEqual([{ error: 'request body larger than 1mb' }]);
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test('a body that is neither JSON nor a form: 415', async () => {
    const answer = await t.request('/order', { raw: { body: 'amount=100', contentType: 'text/plain' } });

    expect(answer.status).toBe(415);
    expect(expectErrorBody(answer)).toMatch(/unsupported content type text\/plain: send application\/json or application\/x-www-form-urlencoded/);
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test('JSON sent as a form (curl -d) is refused with the fix', async () => {
    const answer = await t.request('/order', { form: JSON.stringify({ amount: 100 }) });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toMatch(/looks like JSON .* Content-Type: application\/json/);
  });

  test('a form amount in major units is refused, not guessed', async () => {
    const answer = await t.request('/order', { form: 'amount=9.99' });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toBe('amount must be an integer number of minor units (e.g. 899 for 8.99 EUR), got the string "9.99"');
  });

  test('a form field holding broken JSON is named', async () => {
    const answer = await t.request('/order', { form: 'amount=100&customer=%7B%22id%22%3A' });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toMatch(/^customer holds malformed JSON: /);
  });

  test('a body nesting deeper than 32 levels is refused, not a 500 when echoed', async () => {
    // Deep enough that answering with its echo would overflow JSON.stringify.
    const body = `{"amount":100,"basket":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const answer = await t.request('/order', { raw: { body, contentType: 'application/json' } });

    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toBe('basket nests objects or arrays deeper than 32 levels');
    expect(t.service.order).not.toHaveBeenCalled();
  });
});
