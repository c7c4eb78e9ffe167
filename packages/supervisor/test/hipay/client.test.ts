import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { buildOrderFields, createHipayClient, type HipayClient } from '../../src/hipay';
import { LOGIN, PASSWORD, paidOrder, SETTINGS } from './support';

let sandbox: HipaySandbox;
let client: HipayClient;

const fields = (orderId: string) => buildOrderFields(paidOrder(orderId), SETTINGS);

beforeEach(async () => {
  sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD, hashKey: SETTINGS.hashKey });
  client = createHipayClient({ baseUrl: sandbox.url, login: LOGIN, password: PASSWORD, timeoutMs: 2000 });
});

afterEach(async () => {
  await sandbox.close();
});

describe('createOrder', () => {
  it('delivers an order and returns HiPay transaction reference', async () => {
    const r = await client.createOrder(fields('C-1'));
    expect(r).toEqual({
      kind: 'delivered',
      confirmedByLookup: false,
      transaction: { transactionReference: sandbox.orders()[0].transaction.transactionReference, state: 'completed', status: 118, message: 'Captured' },
    });
  });

  it('wrong credentials: refused with HiPay code and message', async () => {
    const bad = createHipayClient({ baseUrl: sandbox.url, login: LOGIN, password: 'nope', timeoutMs: 2000 });
    const r = await bad.createOrder(fields('C-2'));
    expect(r).toMatchObject({ kind: 'refused', code: 1000001, httpStatus: 401 });
    expect(r.kind === 'refused' && r.reason).toMatch(/1000001 Incorrect Credentials.*check HIPAY_LOGIN and HIPAY_PWD/);
    expect(JSON.stringify(r)).not.toContain('nope');
  });

  it('a wrong hash key: refused, pointing at HIPAY_HASHKEY', async () => {
    const r = await client.createOrder(buildOrderFields(paidOrder('C-3'), { ...SETTINGS, hashKey: 'other' }));
    expect(r).toMatchObject({ kind: 'refused', code: 1010201, reason: expect.stringContaining('HIPAY_HASHKEY') });
  });

  it('1000008: retryable, looked up first', async () => {
    sandbox.setFaults({ unavailable: '1000008' });
    expect(await client.createOrder(fields('C-4'))).toMatchObject({ kind: 'retryable', outcomeUnknown: true, reason: expect.stringContaining('1000008') });
  });

  it('a bare 503: retryable, outcome unknown', async () => {
    sandbox.setFaults({ unavailable: 'http-503' });
    expect(await client.createOrder(fields('C-5'))).toMatchObject({ kind: 'retryable', outcomeUnknown: true, reason: expect.stringContaining('503') });
  });

  it('HiPay down (nothing listening): retryable, not sent', async () => {
    await sandbox.close();
    const r = await client.createOrder(fields('C-6'));
    expect(r).toMatchObject({ kind: 'retryable', outcomeUnknown: false, reason: expect.stringContaining('ECONNREFUSED') });
    sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD });
  });

  it('slower than the timeout: retryable, outcome unknown (HiPay has it)', async () => {
    sandbox.setFaults({ delayMs: 1500 });
    const quick = createHipayClient({ baseUrl: sandbox.url, login: LOGIN, password: PASSWORD, timeoutMs: 200 });
    expect(await quick.createOrder(fields('C-7'))).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
    expect(sandbox.stats().ordersStored).toBe(1);
  });

  it('an abort signal ends the call early with an unknown outcome', async () => {
    sandbox.setFaults({ delayMs: 1500 });
    const r = await client.createOrder(fields('C-8'), { signal: AbortSignal.timeout(100) });
    expect(r).toMatchObject({ kind: 'retryable', outcomeUnknown: true, reason: expect.stringContaining('ERR_CANCELED') });
  });

  it.each([3010004, 3010006, 3010003] as const)('money rule 5: a duplicate answered %i is HiPay holding the order, confirmed by lookup', async (code) => {
    sandbox.setFaults({ duplicateCode: code });
    await client.createOrder(fields('C-DUP'));
    expect(await client.createOrder(fields('C-DUP'))).toMatchObject({ kind: 'delivered', confirmedByLookup: true });
  });

  it('money rule 5: a duplicate whose lookup lags is "held" (never posted again), not refused', async () => {
    sandbox.setFaults({ lookupLagMs: 60_000, unknownOrderStatus: 400 });
    await client.createOrder(fields('C-LAG'));
    const again = await client.createOrder(fields('C-LAG'));
    expect(again).toEqual({ kind: 'held', reason: 'HiPay already has order C-LAG (3010004 Duplicate Order) but its lookup does not show it yet' });
  });

  it('an order HiPay already has counts as delivered once the lookup confirms it', async () => {
    const first = await client.createOrder(fields('C-9'));
    const again = await client.createOrder(fields('C-9'));
    expect(again).toMatchObject({ kind: 'delivered', confirmedByLookup: true });
    expect(first.kind === 'delivered' && again.kind === 'delivered' && again.transaction.transactionReference).toBe(
      first.kind === 'delivered' && first.transaction.transactionReference,
    );
    expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 1, lookupsReceived: 1 });
  });

  it('a declined transaction is refused, with its status', async () => {
    sandbox.setFaults({ declined: true });
    expect(await client.createOrder(fields('C-10'))).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/declined order C-10.*113 Refused/) });
  });

  it('a base URL that is not the gateway: retried with a hint at HIPAY_URL (a paid order is never abandoned)', async () => {
    const lost = createHipayClient({ baseUrl: `${sandbox.url}/somewhere`, login: LOGIN, password: PASSWORD, timeoutMs: 2000 });
    expect(await lost.createOrder(fields('C-11'))).toMatchObject({ kind: 'retryable', outcomeUnknown: true, reason: expect.stringContaining('HIPAY_URL') });
  });

  it('a missing merchant parameter (1010101) is a configuration refusal naming the keys to check', async () => {
    const r = await client.createOrder(buildOrderFields(paidOrder('C-12'), { ...SETTINGS, mid: '' }));
    expect(r).toMatchObject({ kind: 'refused', code: 1010101, reason: expect.stringContaining('HIPAY_MID') });
  });
});

describe('findTransaction', () => {
  it('finds a stored order and says not-found for an unknown one', async () => {
    await client.createOrder(fields('F-1'));
    const found = await client.findTransaction('F-1');
    expect(found).toMatchObject({ kind: 'found', transaction: { state: 'completed', status: 118 } });
    expect(await client.findTransaction('F-unknown')).toEqual({ kind: 'not-found' });
  });

  it.each([404, 400] as const)('issue 10 case 3: 3000001 carried by HTTP %i is not-found', async (status) => {
    sandbox.setFaults({ unknownOrderStatus: status });
    expect(await client.findTransaction('F-unknown')).toEqual({ kind: 'not-found' });
  });

  it('issue 10 case 5: a transaction list keyed by index is found', async () => {
    sandbox.setFaults({ indexKeyedLookup: true });
    await client.createOrder(fields('F-IDX'));
    expect(await client.findTransaction('F-IDX')).toMatchObject({ kind: 'found', transaction: { state: 'completed', status: 118 } });
  });

  it('refused on wrong credentials, retryable when HiPay is unavailable', async () => {
    const bad = createHipayClient({ baseUrl: sandbox.url, login: LOGIN, password: 'nope', timeoutMs: 2000 });
    expect(await bad.findTransaction('F-2')).toMatchObject({ kind: 'refused', code: 1000001 });
    sandbox.setFaults({ unavailable: '1000008' });
    expect(await client.findTransaction('F-2')).toMatchObject({ kind: 'retryable' });
  });
});
