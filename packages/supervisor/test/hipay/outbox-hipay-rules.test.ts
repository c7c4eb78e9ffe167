/**
 * Issue 10: the outbox against a sandbox that answers as HiPay documents (codes whatever the HTTP status,
 * duplicates 3010004/3010006/3010003, unknown order 3000001 over 400, index-keyed lists, lagging lookups,
 * lost answers), over real HTTP and a real SQLite file. Every test protects money rule 5: a paid order is
 * never abandoned on the way to HiPay, and never sent twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { loadConfig } from '@ecr/common';
import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { buildOrderFields, createHipayClient, followHipayConfig, HipayOutbox } from '../../src/hipay';
import { LOGIN, PASSWORD, paidOrder, recordingLogger, SETTINGS, tempDb, waitFor, type RecordingLogger, type TempDb } from './support';

const FAST = { baseMs: 50, capMs: 200 };

let sandbox: HipaySandbox;
let dbFile: TempDb;
let db: Database.Database;
let outbox: HipayOutbox;
let logger: RecordingLogger;
const cleanups: (() => void)[] = [];

function open(options: { password?: string; refusedRetryMs?: number; baseUrl?: string } = {}): HipayOutbox {
  db = dbFile.open();
  logger = recordingLogger();
  const client = createHipayClient({ baseUrl: options.baseUrl ?? sandbox.url, login: LOGIN, password: options.password ?? PASSWORD, timeoutMs: 2000 });
  outbox = new HipayOutbox({ db, client, settings: SETTINGS, logger, backoff: FAST, refusedRetryMs: options.refusedRetryMs });
  return outbox;
}

/** The order at HiPay already, as if an earlier supervisor had posted it. */
async function alreadyAtHipay(orderId: string): Promise<void> {
  const client = createHipayClient({ baseUrl: sandbox.url, login: LOGIN, password: PASSWORD, timeoutMs: 2000 });
  expect((await client.createOrder(buildOrderFields(paidOrder(orderId), SETTINGS))).kind).toBe('delivered');
}

const postsFor = (orderId: string): number => 1 + (sandbox.orders().find((o) => o.orderid === orderId)?.duplicatePosts ?? -1);

beforeEach(async () => {
  dbFile = tempDb();
  sandbox = await startHipaySandbox({ port: 0, login: LOGIN, password: PASSWORD, hashKey: SETTINGS.hashKey });
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await outbox?.stop();
  if (db?.open) db.close();
  await sandbox.close();
  dbFile.remove();
});

it('money rule 5, issue 10 case 4: a duplicate answered 3010004 is delivered after the lookup, not refused', async () => {
  await alreadyAtHipay('R-DUP');
  open().add(paidOrder('R-DUP'));
  expect(await outbox.deliverNow('R-DUP', 3000)).toBe(true);
  expect(outbox.status('R-DUP')).toMatchObject({ state: 'delivered', transactionReference: sandbox.orders()[0].transaction.transactionReference });
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 1 });
});

it('money rule 5, issue 10 case 6: an order added with lookupFirst is looked up before its first post, and not posted when HiPay has it', async () => {
  await alreadyAtHipay('R-ADOPT');
  const before = sandbox.stats().postsReceived;
  open().add({ ...paidOrder('R-ADOPT'), lookupFirst: true });
  expect(await outbox.deliverNow('R-ADOPT', 3000)).toBe(true);
  expect(sandbox.stats().postsReceived).toBe(before);
  expect(sandbox.stats().duplicatePosts).toBe(0);
});

it('money rule 5, issue 10 case 5: a lookup answered as an index-keyed list finds the order: no second post', async () => {
  await alreadyAtHipay('R-IDX');
  sandbox.setFaults({ indexKeyedLookup: true });
  open().add({ ...paidOrder('R-IDX'), lookupFirst: true });
  expect(await outbox.deliverNow('R-IDX', 3000)).toBe(true);
  expect(postsFor('R-IDX')).toBe(1);
});

it('money rule 5, issue 10 case 3: a lookup answered HTTP 400 + 3000001 is "not found": the order is posted, not refused', async () => {
  sandbox.setFaults({ unknownOrderStatus: 400 });
  open().add({ ...paidOrder('R-400'), lookupFirst: true });
  expect(await outbox.deliverNow('R-400', 3000)).toBe(true);
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, lookupsReceived: 1, duplicatePosts: 0 });
});

it('money rule 5: HiPay said duplicate but its lookup lags: only lookups follow, never another post, until it shows the order', async () => {
  await alreadyAtHipay('R-HELD');
  sandbox.setFaults({ lookupLagMs: 1500, unknownOrderStatus: 400 });
  open().start();
  outbox.add(paidOrder('R-HELD'));
  await waitFor('delivered once the lookup shows it', () => outbox.status('R-HELD')?.state === 'delivered', 10_000);
  expect(postsFor('R-HELD')).toBe(2); // the earlier supervisor's and this one's: answered 3010004, never again
  expect(sandbox.stats().lookupsReceived).toBeGreaterThan(2);
  expect(logger.at('warn').join('\n')).toContain('never posted again');
}, 20_000); // its waits are bounded at 10 s and 15 s: above the fast-test time-out of npm run mutate

it('acceptance (issue 10): answer lost, lookups miss it for seconds with 400 + 3000001, resend refused as duplicate: delivered, held once', async () => {
  sandbox.setFaults({ loseCreationAnswer: true, lookupLagMs: 3000, unknownOrderStatus: 400 });
  open().start();
  outbox.add(paidOrder('R-ACCEPT'));
  expect(await outbox.deliverNow('R-ACCEPT', 3000)).toBe(false);
  expect(outbox.status('R-ACCEPT')).toMatchObject({ state: 'pending' });
  await waitFor('delivered', () => outbox.status('R-ACCEPT')?.state === 'delivered', 15_000);

  expect(sandbox.orders().map((o) => o.orderid)).toEqual(['R-ACCEPT']);
  expect(sandbox.orders()[0].duplicatePosts).toBe(1); // the one resend after the lost answer, refused as 3010004
  expect(outbox.status('R-ACCEPT')?.transactionReference).toBe(sandbox.orders()[0].transaction.transactionReference);
  expect(outbox.counts()).toMatchObject({ pending: 0, refused: 0, delivered: 1 });
  expect(logger.at('error')).toEqual([]);
}, 20_000); // its waits are bounded at 10 s and 15 s: above the fast-test time-out of npm run mutate

it('money rule 5: an answer that is no configuration problem (a wrong path, 404) keeps the order pending, never refused', async () => {
  open({ baseUrl: `${sandbox.url}/wrong` }).add(paidOrder('R-404'));
  expect(await outbox.deliverNow('R-404', 3000)).toBe(false);
  expect(outbox.status('R-404')).toMatchObject({ state: 'pending', lastError: expect.stringContaining('HIPAY_URL') });
  expect(outbox.counts()).toMatchObject({ pending: 1, refused: 0, lastError: expect.stringContaining('HIPAY_URL') });
});

it('money rule 5: a refused order is tried again by itself (hourly in production), without a restart', async () => {
  sandbox.setFaults({ refuseCredentials: true });
  open({ refusedRetryMs: 300 }).start();
  outbox.add(paidOrder('R-HOURLY'));
  expect(await outbox.deliverNow('R-HOURLY', 3000)).toBe(false);
  expect(outbox.status('R-HOURLY')?.state).toBe('refused');
  sandbox.setFaults({});
  await waitFor('delivered by the periodic retry', () => outbox.status('R-HOURLY')?.state === 'delivered', 5000);
  expect(sandbox.stats()).toMatchObject({ ordersStored: 1, duplicatePosts: 0 });
});

it('money rule 5: config.txt fixed while running: new credentials taken, refused orders delivered without a restart', async () => {
  const dir = path.dirname(dbFile.path);
  const file = path.join(dir, 'config.txt');
  const lines = (pwd: string): string =>
    [
      'SERIAL_PORT=simulator',
      'LOCAL_PORT=8080',
      'TERMINAL_MANAGER_LOGIN=kiosk',
      'TERMINAL_MANAGER_PWD=kiosk-pw',
      `HIPAY_LOGIN=${LOGIN}`,
      `HIPAY_PWD=${pwd}`,
      `HIPAY_URL=${sandbox.url}`,
      `HIPAY_HASHKEY=${SETTINGS.hashKey}`,
      `HIPAY_MID=${SETTINGS.mid}`,
      `HIPAY_ACQUIRER_ID=${SETTINGS.acquirerId}`,
      'UPDATE_TIME=04:00',
    ].join('\n');
  fs.writeFileSync(file, lines('wrong-pw'));
  const config = loadConfig({ dataDir: dir, env: {} });
  open({ password: config.hipayPwd }).start();
  cleanups.push(followHipayConfig({ outbox, config, logger, timeoutMs: 2000, intervalMs: 50, env: {} }));
  outbox.add(paidOrder('R-CONFIG'));
  expect(await outbox.deliverNow('R-CONFIG', 3000)).toBe(false);
  expect(outbox.status('R-CONFIG')?.state).toBe('refused');

  fs.writeFileSync(file, lines(PASSWORD));
  await waitFor('delivered with the fixed password', () => outbox.status('R-CONFIG')?.state === 'delivered', 5000);
  expect(logger.at('info').join('\n')).toContain('config.txt changed: HiPay settings reloaded');
  expect(JSON.stringify(logger.lines)).not.toContain(PASSWORD);
});

it('a config.txt that no longer loads is reported and the running settings are kept', async () => {
  const dir = path.dirname(dbFile.path);
  const file = path.join(dir, 'config.txt');
  fs.writeFileSync(file, `SERIAL_PORT=simulator\nLOCAL_PORT=8080\nTERMINAL_MANAGER_LOGIN=k\nTERMINAL_MANAGER_PWD=p\nHIPAY_LOGIN=sandbox\nHIPAY_PWD=p\nUPDATE_TIME=04:00\n`);
  const config = loadConfig({ dataDir: dir, env: {} });
  open();
  cleanups.push(followHipayConfig({ outbox, config, logger, timeoutMs: 2000, intervalMs: 50, env: {}, sandboxUrl: sandbox.url }));
  fs.writeFileSync(file, 'LOCAL_PORT=nope\n');
  await waitFor('a warning', () => logger.at('warn').length > 0, 5000);
  expect(logger.at('warn')[0]).toMatch(/^config.txt changed but does not load, HiPay settings unchanged: config.txt line 1: LOCAL_PORT=nope/);
});
