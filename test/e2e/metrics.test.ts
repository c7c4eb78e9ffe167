/**
 * What a fleet's Prometheus and health probes see (issue 13 acceptance), with real processes: a payment moves
 * the counters on GET /metrics, GET /health tells the kiosk's id, the last payment and free disk, and answers
 * 503 'fail' while tp-manager is down, which the watchdog's probe (health-check.ts) reads as "answers, but
 * cannot pay" (exit 3) rather than a supervisor to restart.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectorUnderTest, LOGIN, PASSWORD } from '../../test-support/connector';
import { waitUntil } from '../../test-support/net';
import { sample } from '../../test-support/metrics-text';
import { REPO_ROOT } from '../../test-support/processes';

interface Health {
  status: string;
  problems?: string[];
  kioskId: string;
  lastPayment?: { at: string; outcome: string };
  disk?: { path: string; freeBytes: number; totalBytes: number };
  orders?: { outcomeUnknown: number };
  tpManager: { reachable: boolean };
}

/** health-check.ts as the watchdog and Docker run it: its exit code and its one line. */
function probe(dataDir: string): Promise<{ code: number; line: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(REPO_ROOT, 'packages/supervisor/src/health-check.ts')],
      { cwd: REPO_ROOT, env: { ...process.env, ECR_DATA_DIR: dataDir }, timeout: 20_000 },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, line: stdout.trim() }),
    );
  });
}

describe('GET /metrics and GET /health with real processes', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ config: { KIOSK_ID: 'lane-7' } });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('GET /metrics is behind the Basic auth of the local API', async () => {
    const denied = await connector.get('/metrics', { auth: null });
    expect(denied.status).toBe(401);
    const wrong = await connector.get('/metrics', { auth: `Basic ${Buffer.from(`${LOGIN}:not-${PASSWORD}`).toString('base64')}` });
    expect(wrong.status).toBe(401);
  });

  test('an approved payment moves the success counter, the duration histogram and the HiPay deliveries (money rule 4: success is what the kiosk was told)', async () => {
    const before = await connector.get('/metrics');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(before.text, 'ecr_payments_total{outcome="success"}')).toBe(0);

    const paid = await connector.post('/order', { amount: 450, orderId: 'Order_metrics_1' });
    expect(paid.status).toBe(200);
    expect((paid.body as { status: string }[])[0].status).toBe('Success');

    const after = (await connector.get('/metrics')).text;
    expect(sample(after, 'ecr_payments_total{outcome="success"}')).toBe(1);
    expect(sample(after, 'ecr_payments_total{outcome="failure"}')).toBe(0);
    expect(sample(after, 'ecr_payment_duration_seconds_count{part="terminal"}')).toBe(1);
    expect(sample(after, 'ecr_payment_duration_seconds_count{part="connector"}')).toBe(1);
    // The simulator answers after 200 ms: the terminal's share is at least that.
    expect(sample(after, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBeGreaterThanOrEqual(0.2);
    expect(sample(after, 'ecr_hipay_deliveries_total{result="delivered"}')).toBe(1);
    expect(sample(after, 'ecr_hipay_outbox_orders{state="pending"}')).toBe(0);
    expect(sample(after, 'ecr_orders_outcome_unknown')).toBe(0);
    expect(sample(after, 'ecr_tp_manager_up')).toBe(1);
    expect(sample(after, 'ecr_terminal_link_connected')).toBe(1);
    expect(sample(after, 'ecr_unattributed_answers')).toBe(0);
    expect(after).toMatch(/^ecr_info\{version="[^"]+",kiosk_id="lane-7"\} 1$/m);
    expect(after).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  test("the supervisor's payment line carries orderId, command id, outcome and durations as fields", async () => {
    const logs = path.join(connector.dataDir, 'logs');
    const line = await waitUntil(() => {
      const files = fs.readdirSync(logs).filter((f) => f.startsWith('supervisor-'));
      const lines = files.flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n').filter((l) => l !== ''));
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.message).startsWith('payment orderId=Order_metrics_1 answered'));
    }, 10_000, 'the payment line in the supervisor log');
    expect(line).toMatchObject({ orderId: 'Order_metrics_1', outcome: 'success', amount: 450, currency: 'EUR' });
    expect(line.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.totalMs).toEqual(expect.any(Number));
    expect(line.terminalMs).toEqual(expect.any(Number));
    expect((line.terminalMs as number) + (line.connectorMs as number)).toBe(line.totalMs);
  });

  test('a stored answer given again is no second payment on the counter (money rule 2)', async () => {
    const again = await connector.post('/order', { amount: 450, orderId: 'Order_metrics_1' });
    expect(again.status).toBe(200);
    const text = (await connector.get('/metrics')).text;
    expect(sample(text, 'ecr_payments_total{outcome="success"}')).toBe(1);
  });

  test('a declined payment counts as failure', async () => {
    await connector.setTerminal({ outcome: 'decline' });
    const declined = await connector.post('/order', { amount: 460, orderId: 'Order_metrics_2' });
    expect((declined.body as { status: string }[])[0].status).toBe('Failure');
    const text = (await connector.get('/metrics')).text;
    expect(sample(text, 'ecr_payments_total{outcome="failure"}')).toBe(1);
    await connector.setTerminal({ outcome: 'approve' });
  });

  test('GET /health: pass, the kiosk id, the last payment, free disk in the data directory', async () => {
    const health = await connector.get('/health');
    expect(health.status).toBe(200);
    const [report] = health.body as Health[];
    expect(report.status).toBe('pass');
    expect(report.kioskId).toBe('lane-7');
    expect(report.lastPayment?.outcome).toBe('failure');
    expect(Date.parse(report.lastPayment!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(report.orders?.outcomeUnknown).toBe(0);
    expect(report.disk?.path).toBe(connector.dataDir);
    expect(report.disk?.freeBytes).toBeGreaterThan(0);
    expect(await probe(connector.dataDir)).toEqual({ code: 0, line: '' });
  });

  test('tp-manager down: GET /health answers 503 fail, GET /metrics says so, and the probe exits 3 (money rule 1: no payment is taken)', async () => {
    await connector.kill9('tp-manager');
    const health = await waitUntil(
      async () => {
        const answer = await connector.get('/health');
        return answer.status === 503 ? answer : undefined;
      },
      20_000,
      'GET /health to answer 503',
    );
    const [report] = health.body as Health[];
    expect(report.status).toBe('fail');
    expect(report.tpManager.reachable).toBe(false);
    expect(report.problems?.[0]).toBe('tp-manager does not answer: no payment can be taken');

    const text = await waitUntil(async () => {
      const t = (await connector.get('/metrics')).text;
      return sample(t, 'ecr_tp_manager_up') === 0 ? t : undefined;
    }, 20_000, 'ecr_tp_manager_up to fall to 0');
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(0);

    const probed = await probe(connector.dataDir);
    expect(probed.code).toBe(3);
    expect(probed.line).toContain('503 fail: tp-manager does not answer');

    // Back: the status passes again, and the restart is counted.
    await connector.startProcess('tp-manager');
    await waitUntil(async () => ((await connector.get('/health')).status === 200 ? true : undefined), 20_000, 'GET /health to answer 200 again');
    const back = (await connector.get('/metrics')).text;
    expect(sample(back, 'ecr_tp_manager_restarts_total')).toBe(1);
  });
});
