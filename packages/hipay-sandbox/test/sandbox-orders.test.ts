import { startHipaySandbox, type HipaySandbox } from '../src';
import { admin, basic, LOGIN, lookup, PASSWORD, postOrder, tpeOrder } from './http';

let sandbox: HipaySandbox;

beforeEach(async () => {
  sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD });
});

afterEach(async () => {
  await sandbox.close();
});

describe('Basic auth', () => {
  it('refuses a wrong password with 401 and HiPay 1000001 body, and stores nothing', async () => {
    const a = await postOrder(sandbox.url, tpeOrder('A1'), basic(LOGIN, 'wrong'));
    expect(a.status).toBe(401);
    expect(a.body).toEqual({ code: 1000001, message: 'Incorrect Credentials', description: expect.any(String) });
    expect(sandbox.stats()).toMatchObject({ ordersStored: 0, postsReceived: 1 });
  });

  it('refuses a request without credentials and a lookup with a wrong login', async () => {
    const res = await fetch(`${sandbox.url}/rest/v1/order`, { method: 'POST', body: new URLSearchParams(tpeOrder('A2')) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: number }).code).toBe(1000001);
    const l = await lookup(sandbox.url, 'A2', basic('other', PASSWORD));
    expect(l.status).toBe(401);
    expect(l.body.code).toBe(1000001);
  });
});

describe('POST /rest/v1/order', () => {
  it('stores a valid Sale and answers a captured transaction', async () => {
    const a = await postOrder(sandbox.url, tpeOrder('ORD-1'));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      state: 'completed',
      status: 118,
      message: 'Captured',
      test: true,
      order: { id: 'ORD-1', amount: '8.99', currency: 'EUR' },
    });
    expect(a.body.transactionReference).toMatch(/^\d{12,}$/);
    const [stored] = sandbox.orders();
    expect(stored.orderid).toBe('ORD-1');
    expect(stored.fields).toEqual(tpeOrder('ORD-1'));
    expect(stored.transaction.transactionReference).toBe(a.body.transactionReference);
  });

  it('answers an Authorization as authorized (116)', async () => {
    const a = await postOrder(sandbox.url, tpeOrder('ORD-AUTH', { operation: 'Authorization' }));
    expect(a.body).toMatchObject({ state: 'completed', status: 116, message: 'Authorized' });
  });

  it('gives every order its own transaction reference', async () => {
    const refs = new Set<string>();
    for (let i = 0; i < 5; i++) refs.add((await postOrder(sandbox.url, tpeOrder(`U-${i}`))).body.transactionReference);
    expect(refs.size).toBe(5);
  });

  it.each(['orderid', 'description', 'amount', 'currency', 'payment_product', 'eci'])(
    'answers 400 / 1010101 naming the missing %s',
    async (field) => {
      const fields = tpeOrder('MISSING');
      delete fields[field];
      const a = await postOrder(sandbox.url, fields);
      expect(a.status).toBe(400);
      expect(a.body).toEqual({ code: 1010101, message: 'Required Parameter Missing', description: expect.stringContaining(field) });
      expect(sandbox.stats().ordersStored).toBe(0);
    },
  );

  it.each([
    ['amount', '8,99'],
    ['amount', 'abc'],
    ['amount', '0'],
    ['currency', 'EURO'],
    ['currency', 'XYZ'],
    ['operation', 'Refund'],
    ['eci', '5'],
    ['basket', '[{"name":'],
    ['basket', '{"name":"not an array"}'],
    ['custom_data', 'not json'],
    ['custom_data', '[1,2]'],
    ['payment_product_parameters', '{hash:'],
  ])('answers 400 / 1010201 for %s=%s', async (field, value) => {
    const a = await postOrder(sandbox.url, tpeOrder('BAD', { [field]: value }));
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ code: 1010201, message: 'Invalid Parameter', description: expect.stringContaining(field) });
    expect(sandbox.stats().ordersStored).toBe(0);
  });

  it('answers a JSON body as if every field were missing (HiPay wants a form)', async () => {
    const res = await fetch(`${sandbox.url}/rest/v1/order`, {
      method: 'POST',
      headers: { authorization: basic(LOGIN, PASSWORD), 'content-type': 'application/json' },
      body: JSON.stringify(tpeOrder('JSON-1')),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(1010101);
  });

  it("refuses a second order with the same orderid with HiPay's 3010004 Duplicate Order, stores it once and counts the duplicate", async () => {
    const first = await postOrder(sandbox.url, tpeOrder('TWICE'));
    const second = await postOrder(sandbox.url, tpeOrder('TWICE', { amount: '1.00' }));
    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(second.body).toEqual({ code: 3010004, message: 'Duplicate Order', description: 'Order was already processed.' });
    expect(sandbox.stats()).toEqual({ ordersStored: 1, duplicatePosts: 1, postsReceived: 2, lookupsReceived: 0 });
    expect(sandbox.orders()[0]).toMatchObject({ duplicatePosts: 1, fields: { amount: '8.99' } });
  });

  it('refuses an orderid longer than 32 characters with 1010201 (HiPay limit), storing nothing', async () => {
    const a = await postOrder(sandbox.url, tpeOrder('x'.repeat(33)));
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ code: 1010201, message: 'Invalid Parameter', description: expect.stringContaining('orderid') });
    expect((await postOrder(sandbox.url, tpeOrder('x'.repeat(32)))).status).toBe(200);
    expect(sandbox.stats().ordersStored).toBe(1);
  });

  it.each(['mid', 'acquirer_registrationid', 'hash'])('refuses a passive tpe order without payment_product_parameters.%s with 1010101', async (name) => {
    const params = { hash: 'h', code: '200100', mid: '1234567', acquirer_registrationid: '42' } as Record<string, string>;
    delete params[name];
    const a = await postOrder(sandbox.url, tpeOrder('NO-PARAM', { payment_product_parameters: JSON.stringify(params) }));
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ code: 1010101, message: 'Required Parameter Missing', description: `The parameter 'payment_product_parameters.${name}' is required.` });
    expect(sandbox.stats().ordersStored).toBe(0);
  });
});

describe('hash check (hashKey configured)', () => {
  it('accepts the right sha1 and refuses a wrong one with 1010201', async () => {
    await sandbox.close();
    sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD, hashKey: 'k3y' });
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha1').update('H-1' + '8.99' + 'EUR' + 'k3y').digest('hex');
    const params = { hash, mid: '1234567', acquirer_registrationid: '42' };
    const ok = await postOrder(sandbox.url, tpeOrder('H-1', { payment_product_parameters: JSON.stringify(params) }));
    expect(ok.status).toBe(200);
    const bad = await postOrder(sandbox.url, tpeOrder('H-2', { payment_product_parameters: JSON.stringify(params) }));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 1010201, description: expect.stringContaining('hash') });
  });
});

describe('GET /rest/v1/transaction?orderid=', () => {
  it('returns the stored transaction of a known order', async () => {
    const created = await postOrder(sandbox.url, tpeOrder('LOOK-1'));
    const a = await lookup(sandbox.url, 'LOOK-1');
    expect(a.status).toBe(200);
    expect(a.body.transaction).toEqual(created.body);
    expect(sandbox.stats().lookupsReceived).toBe(1);
  });

  it("answers an unknown order with HiPay's 3000001 Unknown Order (HTTP 404 unless a fault says 400)", async () => {
    const a = await lookup(sandbox.url, 'NOPE');
    expect(a.status).toBe(404);
    expect(a.body).toEqual({ code: 3000001, message: 'Unknown Order', description: expect.stringContaining('NOPE') });
  });
});

describe('admin API', () => {
  it('lists received orders and stats, and reset forgets them', async () => {
    await postOrder(sandbox.url, tpeOrder('ADM-1'));
    const orders = await admin(sandbox.url, 'GET', 'orders');
    expect(orders.body).toHaveLength(1);
    expect(orders.body[0]).toMatchObject({ orderid: 'ADM-1', fields: { amount: '8.99', eci: '10' } });
    expect((await admin(sandbox.url, 'GET', 'stats')).body).toEqual({ ordersStored: 1, duplicatePosts: 0, postsReceived: 1, lookupsReceived: 0 });
    await admin(sandbox.url, 'POST', 'reset');
    expect(sandbox.stats()).toEqual({ ordersStored: 0, duplicatePosts: 0, postsReceived: 0, lookupsReceived: 0 });
    expect((await postOrder(sandbox.url, tpeOrder('ADM-1'))).status).toBe(200);
  });

  it('answers an unknown admin route with 404 naming the routes', async () => {
    const a = await admin(sandbox.url, 'GET', 'nothing');
    expect(a.status).toBe(404);
    expect(a.body.error).toContain('/_sandbox/stats');
  });
});
