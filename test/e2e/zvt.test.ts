/**
 * ZVT end to end, as a kiosk meets it: real supervisor and tp-manager processes, the terminal simulator's
 * CLI speaking ZVT over real TCP (bare APDUs, an IP terminal) and over a real pseudo-terminal (DLE/CRC
 * frames, 8N2), the HiPay sandbox over real HTTP. Payment, decline, cancel in the middle of a payment, end of
 * day, status and terminal id through the local API.
 */
import { waitUntil } from '../../test-support/net';
import { ConnectorUnderTest } from '../../test-support/connector';
import { runTs } from '../../test-support/processes';

type OrderAnswer = Record<string, unknown> & { status: string; error: string | null; receipt: Record<string, string> | null; ticket: string | null };

/** The simulator's terminal id (packages/terminal-simulator/src/zvt/terminal.ts DEFAULT_TID). */
const SIMULATOR_TID = '29001006';

describe.each(['tcp', 'pty'] as const)('ZVT over %s', (line) => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'zvt', line });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  afterEach(async () => {
    await connector.setTerminal({ outcome: 'approve', delayMs: 200 });
  });

  test('money rule 4: an approved payment is Success for the amount and currency asked, the card masked, the terminal\'s receipt as ticket', async () => {
    const orderId = `Zvt_${line}_paid`;
    const answer = await connector.post('/order', { amount: 1250, currency: 'EUR', orderId });
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Success');
    expect(order!.receipt!.amount).toBe('00001250');
    expect(order!.receipt!.currencyAlphaCode).toBe('EUR');
    expect(order!.receipt!.primaryAccountNumber).toBe('497010XXXXXX0014');
    expect(order!.receipt!.authorizationNumber).toMatch(/^\d{6}$/);
    // The print lines the terminal sent (06 D1 / 06 D3) are the kiosk's ticket; no full card number anywhere.
    expect(order!.ticket).toContain('497010XXXXXX0014');
    expect(answer.text).not.toMatch(/4970100000000014/);
    expect(connector.terminalRequests().filter((r) => r.amount === 1250)).toHaveLength(1);
    expect(order!.notificationHipaySent).toBe(true);
  });

  test('money rule 1: a declined card is Failure, said by the terminal', async () => {
    await connector.setTerminal({ outcome: 'decline' });
    const answer = await connector.post('/order', { amount: 250, currency: 'EUR', orderId: `Zvt_${line}_declined` });
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Failure');
    expect(order!.error).toMatch(/declined/);
    expect(order!.receipt).toBeNull();
    expect(order!.notificationHipaySent).toBe(false);
  });

  test('money rule 1: /cancel in the middle of a payment sends 06 B0 and the payment ends with the terminal\'s own abort', async () => {
    await connector.setTerminal({ delayMs: 60_000 });
    const orderId = `Zvt_${line}_cancelled`;
    const paying = connector.post('/order', { amount: 990, currency: 'EUR', orderId });
    // While it waits for the customer, /check says busy and shows what the terminal shows (its 04 FF
    // intermediate status), and so does GET /order/{orderId}.
    const check = await waitUntil(async () => {
      const [status] = (await connector.get('/check')).body as { cr: string; display?: string }[];
      return status?.display ? status : undefined;
    }, 15_000, 'GET /check showing the terminal\'s status');
    expect(check).toEqual({ cr: '1', card: '0', call: '0', periph: '0', display: 'insert card' });
    const during = await connector.get(`/order/${orderId}`);
    expect(during.body).toEqual([expect.objectContaining({ orderId, orderState: 'in-progress', display: 'insert card' })]);
    const cancel = await connector.get('/cancel');
    expect(cancel.status).toBe(200);
    const [cancelled] = cancel.body as OrderAnswer[];
    expect(cancelled!.status).toBe('Failure');
    expect(cancelled!.error).toMatch(/cancelled at the kiosk's request/);
    const answer = await paying;
    expect(answer.status).toBe(200);
    const [order] = answer.body as OrderAnswer[];
    expect(order!.status).toBe('Failure');
    expect(order!.error).toMatch(/cancelled at the kiosk's request/);
    expect(order!.notificationHipaySent).toBe(false);
    const stored = await connector.get(`/order/${orderId}`);
    expect(stored.status).toBe(200);
    // The terminal received the payment once and the abort once: nothing else was invented.
    const commands = (connector.terminalRequests() as { amount?: number; fields?: { command?: string } }[]).map((r) => r.fields?.command);
    expect(commands.filter((c) => c === 'abort')).toHaveLength(1);
    expect(connector.terminalRequests().filter((r) => r.amount === 990)).toHaveLength(1);
  });

  test('the line is what it says: bare APDUs on TCP, a serial line at 9600 8N2 for ZVT by default', () => {
    const started = connector.process('tp-manager').output();
    expect(started).toMatch(line === 'tcp' ? /terminal zvt \(generic\) on tcp 127\.0\.0\.1:\d+/ : /terminal zvt \(generic\) on serial \S+ 9600 8N2/);
    expect(started).toMatch(/ZVT registration accepted by terminal 29001006/);
  });

  test('GET /check asks the terminal (05 01): available', async () => {
    const check = await connector.get('/check');
    expect(check.status).toBe(200);
    expect(check.body).toEqual([{ cr: '0', card: '0', call: '0', periph: '0' }]);
  });

  test('GET /config answers the terminal id the terminal reported', async () => {
    const config = await connector.get('/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual([{ deviceId: SIMULATOR_TID }]);
  });

  test('GET /tlc runs the end of day (06 50) and answers from its totals; a second one finds the batch empty', async () => {
    const paid = await connector.post('/order', { amount: 300, currency: 'EUR', orderId: `Zvt_${line}_before_eod` });
    expect((paid.body as OrderAnswer[])[0]!.status).toBe('Success');
    const tlc = await connector.get('/tlc');
    expect(tlc.status).toBe(200);
    // The simulator books every card as "other cards" (its totals, BMP 60).
    expect(tlc.body).toEqual([{ NbApp: '1', App: [{ Name: 'other cards', Status: '0' }] }]);
    const again = await connector.get('/tlc');
    expect(again.body).toEqual([{ NbApp: '1', App: [{ Name: 'end of day', Status: '0' }] }]);
  });

  test('the daily maintenance runs the real end of day (06 50), recorded as done', async () => {
    const before = connector.terminalRequests().length;
    const cli = runTs('packages/supervisor/src/maintenance/cli.ts', ['--now', '--wait', '60'], { ECR_DATA_DIR: connector.dataDir });
    expect(await cli.exited).toBe(0);
    const health = await connector.get('/health');
    const [report] = health.body as { maintenance?: { lastRun?: { telecollection?: { outcome: string } } } }[];
    expect(report!.maintenance?.lastRun?.telecollection).toMatchObject({ outcome: 'done' });
    const commands = (connector.terminalRequests() as { fields?: { command?: string } }[]).slice(before).map((r) => r.fields?.command);
    expect(commands).toContain('end-of-day');
  }, 90_000);

  test('GET /reset runs the terminal\'s reset (06 18), and it pays again afterwards', async () => {
    const reset = await connector.get('/reset');
    expect(reset.status).toBe(200);
    const paid = await connector.post('/order', { amount: 410, currency: 'EUR', orderId: `Zvt_${line}_after_reset` });
    expect((paid.body as OrderAnswer[])[0]!.status).toBe('Success');
  });
});
