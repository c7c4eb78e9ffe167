import { ConnectorError, type ErrorCode } from '@ecr/common';
import { expectErrorBody, seedExample, startApp, successFor, type TestApp } from './helpers';
import type { ValidatedOrder } from '../../src/contract';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const ORDER: ValidatedOrder = { orderId: 'Order_12345', amount: 100, currency: { alpha: 'EUR', numeric: '978', exponent: 2 } };

describe('maintenance routes answer the contract\'s bodies', () => {
  test('GET /version', async () => {
    const answer = await t.request('/version');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual([{ version: '1.2.3-tpa-linux_64', type: 'tpa', os: 'linux_64' }]);
  });

  test('GET /config is the device id (not a copy of /version as in the seed\'s prose)', async () => {
    expect((await t.request('/config')).body).toEqual([{ deviceId: '00000012345678' }]);
  });

  test('GET /tlc', async () => {
    expect((await t.request('/tlc')).body).toEqual([{ NbApp: '1', App: [{ Name: 'CB EMV', Status: '0' }] }]);
  });

  test('GET /check', async () => {
    t.service.check.mockResolvedValueOnce({ cr: '1', card: '1', call: '0', periph: '2' });
    expect((await t.request('/check')).body).toEqual([{ cr: '1', card: '1', call: '0', periph: '2' }]);
  });

  test('GET /cancel with nothing in progress is []', async () => {
    const answer = await t.request('/cancel');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([]);
  });

  test('GET /cancel during a payment answers the cancelled order', async () => {
    t.service.cancel.mockResolvedValueOnce([{ ...successFor(ORDER), status: 'Failure', error: 'cancelled by the kiosk', receipt: null, ticket: null, notificationHipaySent: false }]);
    const answer = await t.request('/cancel');
    expect(answer.body).toEqual([
      expect.objectContaining({ status: 'Failure', error: 'cancelled by the kiosk', orderId: 'Order_12345', basket: null, customer: null, customData: null }),
    ]);
  });

  test.each(['/stop', '/reset'] as const)('GET %s is [] once done', async (path) => {
    const answer = await t.request(path);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([]);
    expect(path === '/stop' ? t.service.stop : t.service.reset).toHaveBeenCalledTimes(1);
  });

  test('GET /health', async () => {
    const answer = await t.request('/health');
    expect(answer.body).toEqual([expect.objectContaining({ tpManager: { reachable: true, link: 'connected', busy: false }, outbox: { pending: 0, refused: 0 } })]);
  });

  test('every answer says not to cache it', async () => {
    expect((await t.request('/check')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /order/{orderId}', () => {
  test('a paid order: the stored answer plus its state and HiPay delivery', async () => {
    t.service.getOrder.mockResolvedValueOnce({ response: successFor(ORDER), state: 'done', hipay: { state: 'pending', attempts: 2, lastError: 'HiPay answered 503' } });
    const answer = await t.request('/order/Order_12345');

    expect(answer.status).toBe(200);
    expect(t.service.getOrder).toHaveBeenCalledWith('Order_12345');
    expect(answer.body).toEqual([
      expect.objectContaining({ status: 'Success', orderId: 'Order_12345', amount: 100, orderState: 'done', hipay: { state: 'pending', attempts: 2, lastError: 'HiPay answered 503' } }),
    ]);
  });

  test('an order the terminal has not answered yet', async () => {
    t.service.getOrder.mockResolvedValueOnce({ response: null, state: 'in-progress', hipay: { state: 'not-needed', attempts: 0 } });
    const answer = await t.request('/order/Order_9');

    expect(answer.body).toEqual([{ orderId: 'Order_9', orderState: 'in-progress', hipay: { state: 'not-needed', attempts: 0 } }]);
  });

  test('an unknown order: 404 naming it', async () => {
    const answer = await t.request('/order/Nope_1');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual([{ error: 'no order with orderId Nope_1' }]);
  });

  test('an orderId that cannot exist is a 400, not a question to the service', async () => {
    const answer = await t.request(`/order/${'x'.repeat(65)}`);
    expect(answer.status).toBe(400);
    expect(expectErrorBody(answer)).toMatch(/^orderId must be at most 32 characters \(HiPay's limit for an orderid\)/);
    expect(t.service.getOrder).not.toHaveBeenCalled();
  });

  test('an order stored by an earlier release with a longer id (up to 64) can still be read back', async () => {
    const legacy = `Kiosk-7_${'9'.repeat(40)}`;
    t.service.getOrder.mockResolvedValueOnce({ response: null, state: 'in-progress', hipay: { state: 'not-needed', attempts: 0 } });
    const answer = await t.request(`/order/${legacy}`);
    expect(answer.status).toBe(200);
    expect(t.service.getOrder).toHaveBeenCalledWith(legacy);
  });
});

describe('errors of the connector are mapped in one place', () => {
  const cases: [ErrorCode, number, string, string][] = [
    ['terminal-timeout', 599, 'no answer from the terminal after 3 ENQ', 'Connection time out'],
    ['not-connected', 599, 'the terminal line is down: /dev/ttyUSB0 closed', 'the terminal line is down: /dev/ttyUSB0 closed'],
    ['outcome-unknown', 599, 'tp-manager stopped answering; ask GET /order/Order_12345 later', 'tp-manager stopped answering; ask GET /order/Order_12345 later'],
    ['unsupported', 501, 'Concert V2 cannot do a telecollection', 'Concert V2 cannot do a telecollection'],
    ['busy', 409, 'another payment is in progress', 'another payment is in progress'],
    ['in-progress', 409, 'Order_12345 is being paid right now', 'Order_12345 is being paid right now'],
    ['bad-request', 400, 'amount differs from the stored order', 'amount differs from the stored order'],
    ['internal', 500, 'journal unreadable', 'journal unreadable'],
  ];

  test.each(cases)('%s -> %i', async (code, status, thrown, expected) => {
    t.service.order.mockRejectedValueOnce(new ConnectorError(code, thrown));
    const answer = await t.request('/order', { json: seedExample() });

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual([{ error: expected }]);
  });

  test('599 on a maintenance route is the contract\'s "Connection time out"', async () => {
    t.service.check.mockRejectedValueOnce(new ConnectorError('terminal-timeout', 'no ACK'));
    const answer = await t.request('/check');
    expect(answer.status).toBe(599);
    expect(answer.body).toEqual([{ error: 'Connection time out' }]);
  });

  test('a 501 for a call the protocol lacks', async () => {
    t.service.tlc.mockRejectedValueOnce(new ConnectorError('unsupported', 'concert-v2 has no telecollection call'));
    const answer = await t.request('/tlc');
    expect(answer.status).toBe(501);
    expect(answer.body).toEqual([{ error: 'concert-v2 has no telecollection call' }]);
  });

  test('an unexpected exception is a 500 without its stack; the stack goes to the log', async () => {
    t.service.version.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'x')"));
    const answer = await t.request('/version');

    expect(answer.status).toBe(500);
    expect(expectErrorBody(answer)).toBe('internal error in the supervisor; see its log');
    const logged = t.logs.find((l) => l.level === 'error');
    expect(logged?.text).toMatch(/GET \/version failed/);
    expect(logged?.text).toMatch(/TypeError: Cannot read properties/);
  });
});

describe('unknown routes and methods', () => {
  test('an unknown route: 404 naming it', async () => {
    const answer = await t.request('/foo');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual([{ error: 'no route GET /foo' }]);
  });

  test.each([
    ['DELETE', '/order', 'POST'],
    ['GET', '/order', 'POST'],
    ['POST', '/version', 'GET, HEAD'],
    ['PUT', '/order/Order_1', 'GET, HEAD'],
    ['POST', '/stop', 'GET'],
  ])('%s %s: 405 with Allow: %s', async (method, path, allow) => {
    const answer = await t.request(path, { method });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
    expect(expectErrorBody(answer)).toBe(`method ${method} not allowed on ${path}; use ${allow}`);
  });

  test('HEAD on a route with an effect is refused rather than repeating it', async () => {
    const answer = await t.request('/stop', { method: 'HEAD' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
    expect(t.service.stop).not.toHaveBeenCalled();
  });

  test('HEAD on a read-only route works', async () => {
    const answer = await t.request('/version', { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
  });
});
