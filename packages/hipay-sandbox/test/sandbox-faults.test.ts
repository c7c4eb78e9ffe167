import { startHipaySandbox, type HipaySandbox } from '../src';
import { admin, lookup, LOGIN, PASSWORD, postOrder, tpeOrder } from './http';

let sandbox: HipaySandbox;

beforeEach(async () => {
  sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD });
});

afterEach(async () => {
  await sandbox.close();
});

it('slow: stores the order at once and answers after the delay', async () => {
  sandbox.setFaults({ delayMs: 400 });
  const answer = postOrder(sandbox.url, tpeOrder('SLOW-1'));
  await new Promise((r) => setTimeout(r, 150));
  // Before the answer comes, HiPay already has the order.
  expect((await lookup(sandbox.url, 'SLOW-1')).status).toBe(200);
  expect(sandbox.stats().ordersStored).toBe(1);
  const a = await answer;
  expect(a.status).toBe(200);
  expect(a.body.order.id).toBe('SLOW-1');
});

it('slow: a client that gives up still leaves the order stored, and close() cuts the pending answer', async () => {
  sandbox.setFaults({ delayMs: 60_000 });
  const ctrl = new AbortController();
  const pending = fetch(`${sandbox.url}/rest/v1/order`, {
    method: 'POST',
    signal: ctrl.signal,
    headers: { authorization: `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(tpeOrder('SLOW-2')),
  });
  await new Promise((r) => setTimeout(r, 150));
  ctrl.abort();
  await expect(pending).rejects.toThrow();
  expect(sandbox.orders().map((o) => o.orderid)).toEqual(['SLOW-2']);
});

it.each([
  ['http-503', 503],
  ['http-500', 500],
] as const)('unavailable %s: bare %i with a text body, nothing stored', async (kind, status) => {
  sandbox.setFaults({ unavailable: kind });
  const a = await postOrder(sandbox.url, tpeOrder('DOWN-1'));
  expect(a.status).toBe(status);
  expect(a.body).toBeUndefined();
  expect((await lookup(sandbox.url, 'DOWN-1')).status).toBe(status);
  expect(sandbox.stats()).toMatchObject({ ordersStored: 0, postsReceived: 1 });
});

it('1000008: HTTP 503 with HiPay temporarily-unavailable body; clearing the fault lets the order in', async () => {
  sandbox.setFaults({ unavailable: '1000008' });
  const a = await postOrder(sandbox.url, tpeOrder('TU-1'));
  expect(a.status).toBe(503);
  expect(a.body).toMatchObject({ code: 1000008, message: expect.stringMatching(/unavailable/i) });
  sandbox.setFaults({});
  expect((await postOrder(sandbox.url, tpeOrder('TU-1'))).status).toBe(200);
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0, postsReceived: 2 });
});

it('refuseCredentials: right credentials are answered 401 / 1000001', async () => {
  sandbox.setFaults({ refuseCredentials: true });
  const a = await postOrder(sandbox.url, tpeOrder('RC-1'));
  expect(a.status).toBe(401);
  expect(a.body.code).toBe(1000001);
});

it('declined: the order is stored with a declined transaction (113)', async () => {
  sandbox.setFaults({ declined: true });
  const a = await postOrder(sandbox.url, tpeOrder('DEC-1'));
  expect(a.status).toBe(200);
  expect(a.body).toMatchObject({ state: 'declined', status: 113, message: 'Refused', reason: { code: expect.any(String) } });
  expect((await lookup(sandbox.url, 'DEC-1')).body.transaction.state).toBe('declined');
});

describe('POST /_sandbox/faults', () => {
  it('sets faults over HTTP and {} clears them', async () => {
    const set = await admin(sandbox.url, 'POST', 'faults', { unavailable: '1000008', delayMs: 10 });
    expect(set.status).toBe(200);
    expect(sandbox.faults()).toEqual({ unavailable: '1000008', delayMs: 10 });
    expect((await postOrder(sandbox.url, tpeOrder('F-1'))).body.code).toBe(1000008);
    await admin(sandbox.url, 'POST', 'faults', {});
    expect((await admin(sandbox.url, 'GET', 'faults')).body).toEqual({});
  });

  it.each([
    [{ slow: true }, "unknown fault 'slow'"],
    [{ delayMs: -1 }, 'delayMs must be'],
    [{ unavailable: 'yes' }, 'unavailable must be one of'],
    [{ declined: 'true' }, 'declined must be true or false'],
    ['{not json', 'must be JSON'],
  ])('refuses %j with a one-line error', async (body, message) => {
    const a = await admin(sandbox.url, 'POST', 'faults', body);
    expect(a.status).toBe(400);
    expect(a.body.error).toContain(message);
    expect(sandbox.faults()).toEqual({});
  });
});

it('close() frees the port so a new sandbox can listen on it', async () => {
  const port = sandbox.port;
  await postOrder(sandbox.url, tpeOrder('P-1'));
  await sandbox.close();
  sandbox = await startHipaySandbox({ port, login: LOGIN, password: PASSWORD });
  expect(sandbox.port).toBe(port);
  expect((await postOrder(sandbox.url, tpeOrder('P-1'))).status).toBe(200);
});
