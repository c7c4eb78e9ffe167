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

it('unknownOrderStatus 400: an unknown order is HTTP 400 with 3000001 Unknown Order', async () => {
  sandbox.setFaults({ unknownOrderStatus: 400 });
  const a = await lookup(sandbox.url, 'NOPE');
  expect(a.status).toBe(400);
  expect(a.body).toMatchObject({ code: 3000001, message: 'Unknown Order' });
});

it('lookupLagMs: a stored order is unknown to lookups until the lag has passed', async () => {
  sandbox.setFaults({ lookupLagMs: 400, unknownOrderStatus: 400 });
  expect((await postOrder(sandbox.url, tpeOrder('LAG-1'))).status).toBe(200);
  const early = await lookup(sandbox.url, 'LAG-1');
  expect(early).toMatchObject({ status: 400, body: { code: 3000001 } });
  let late = early;
  const end = Date.now() + 5000;
  while (late.status !== 200 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    late = await lookup(sandbox.url, 'LAG-1');
  }
  expect(late.body.transaction.order.id).toBe('LAG-1');
});

it('indexKeyedLookup: the transaction list is an object keyed by index', async () => {
  sandbox.setFaults({ indexKeyedLookup: true });
  const created = await postOrder(sandbox.url, tpeOrder('IDX-1'));
  const a = await lookup(sandbox.url, 'IDX-1');
  expect(a.body).toEqual({ transaction: { '0': created.body } });
});

it.each([3010004, 3010006, 3010003] as const)('duplicateCode %i answers a second order with that code and counts it', async (code) => {
  sandbox.setFaults({ duplicateCode: code });
  await postOrder(sandbox.url, tpeOrder('DUP-1'));
  const second = await postOrder(sandbox.url, tpeOrder('DUP-1'));
  expect(second).toMatchObject({ status: 400, body: { code } });
  expect(sandbox.orders()).toEqual([expect.objectContaining({ orderid: 'DUP-1', duplicatePosts: 1 })]);
});

it('loseCreationAnswer: the order is stored but the client gets no answer', async () => {
  sandbox.setFaults({ loseCreationAnswer: true });
  await expect(postOrder(sandbox.url, tpeOrder('LOST-1'))).rejects.toThrow();
  expect(sandbox.orders().map((o) => o.orderid)).toEqual(['LOST-1']);
  expect((await lookup(sandbox.url, 'LOST-1')).status).toBe(200);
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
    [{ unknownOrderStatus: 500 }, 'unknownOrderStatus must be 400 or 404'],
    [{ duplicateCode: 1010201 }, 'duplicateCode must be one of 3010004, 3010006, 3010003'],
    [{ lookupLagMs: 1.5 }, 'lookupLagMs must be'],
    [{ loseCreationAnswer: 1 }, 'loseCreationAnswer must be true or false'],
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
