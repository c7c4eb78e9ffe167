import { LOGIN, PASSWORD, basicHeader, expectErrorBody, seedExample, startApp, type TestApp } from './helpers';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

describe('Basic authentication on every route', () => {
  test('no credentials: 401 with a WWW-Authenticate challenge and a JSON error, and nothing is paid', async () => {
    const answer = await t.request('/order', { json: seedExample(), auth: null });

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="ECR connector"');
    expect(expectErrorBody(answer)).toMatch(/^authentication required/);
    expect(t.service.order).not.toHaveBeenCalled();
  });

  test.each([
    ['a wrong password', [LOGIN, 'wrong']],
    ['a wrong login', ['someone', PASSWORD]],
    ['the password with one more character', [LOGIN, `${PASSWORD}x`]],
    ['empty credentials', ['', '']],
  ] as [string, [string, string]][])('%s: 401 "wrong login or password"', async (_name, auth) => {
    const answer = await t.request('/check', { auth });

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(expectErrorBody(answer)).toBe('wrong login or password');
    expect(t.service.check).not.toHaveBeenCalled();
  });

  test.each(['/version', '/config', '/tlc', '/check', '/cancel', '/stop', '/reset', '/health', '/openapi.json', '/order/Order_1', '/no-such-route'])(
    'GET %s without credentials is 401 (routes cannot be probed)',
    async (path) => {
      const answer = await t.request(path, { auth: null });

      expect(answer.status).toBe(401);
      expectErrorBody(answer);
    },
  );

  test('the right credentials pass', async () => {
    const answer = await t.request('/check');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([{ cr: '0', card: '0', call: '0', periph: '0' }]);
  });

  test('neither the password nor the Authorization header ever reaches the log', async () => {
    await t.request('/order', { json: seedExample() });
    await t.request('/check', { auth: [LOGIN, 'guess-Pa55'] });
    await t.request('/nowhere');
    await t.request('/order', { json: { amount: 'x' } });
    t.service.check.mockRejectedValueOnce(new Error('boom'));
    await t.request('/check');

    expect(t.logs.length).toBeGreaterThan(0);
    const all = t.logs.map((l) => l.text).join('\n');
    for (const secret of [PASSWORD, 'guess-Pa55', basicHeader(LOGIN, PASSWORD).slice(6), basicHeader(LOGIN, 'guess-Pa55').slice(6)]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/authorization/i);
  });

  test('one debug line per request', async () => {
    await t.request('/version');
    await t.request('/version', { auth: null });

    const lines = t.logs.filter((l) => l.level === 'debug' && /^GET \/version -> \d{3} in \d+ ms$/.test(l.text)).map((l) => l.text.split(' in ')[0]);
    expect(lines).toEqual(['GET /version -> 200', 'GET /version -> 401']);
  });
});
