/**
 * The daily maintenance with the real processes: tp-manager and the supervisor on a temporary data directory,
 * the terminal simulator on a real pseudo-terminal, the embedded HiPay sandbox, and a local UPDATE_SOURCE
 * directory holding archives made from this repository. The supervisor's maintenance clock is set a few
 * seconds before UPDATE_TIME (ECR_MAINTENANCE_CLOCK), so the schedule itself starts the runs.
 *   1. due during a payment: postponed until it ends; telecollection recorded as not supported by concert-v3;
 *      an archive with a wrong checksum is refused and nothing changes
 *   2. a good 0.2.0 is installed: both processes restarted from it, GET /version reports 0.2.0
 *   3. a 0.3.0 whose tp-manager cannot start (asked for by a technician) is rolled back: 0.2.0 answers again
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRelease, trustTestKey } from '../../packages/updater/test/release-fixture';
import { stopProcess, readPid, isAlive } from '@ecr/updater';
import { freePort, waitUntil } from '../../test-support/net';
import { runTs, type Running } from '../../test-support/processes';
import { openPtyPair, type PtyPair } from '../../test-support/pty';

const LOGIN = 'kiosk';
const PASSWORD = 'kiosk-secret-3388';
const CLOCK = '2030-01-10T03:59:57';
/** Two seconds before UPDATE_TIME: a payment started at once is still in progress when it comes. */
const CLOCK_BEFORE_PAYMENT_ENDS = '2030-01-10T03:59:58';
const DUE = new Date(2030, 0, 10, 4, 0, 0).toISOString();

type RunRecord = {
  trigger: string;
  startedAt?: string;
  postponed?: { since: string; reason: string };
  dueAt: string;
  state: string;
  telecollection?: { outcome: string; message: string };
  update?: { outcome: string; message: string; from: string; to?: string };
};
type Health = { supervisor: { pid: number; version: string }; tpManager: { reachable: boolean }; maintenance?: { nextRunAt: string; lastRun: RunRecord | null } };

describe('daily maintenance with the real processes', () => {
  let work: string;
  let dataDir: string;
  let source: string;
  let url: string;
  const started: Running[] = [];
  let pty: PtyPair;
  /** Each test builds on the one before; after a failure the next ones say so at once instead of timing out. */
  let previousPassed = true;
  const step = (run: () => Promise<void>) => async () => {
    if (!previousPassed) throw new Error('not run: the step before failed');
    previousPassed = false;
    await run();
    previousPassed = true;
  };

  const pid = (name: string) => readPid(path.join(dataDir, 'run', `${name}.pid`));

  async function request<T>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(url + pathname, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  const get = <T>(pathname: string) => request<T>('GET', pathname);

  const health = async () => (await get<Health[]>('/health')).body[0]!;
  const tpVersion = async () => (await get<{ version: string }[]>('/version')).body[0]!.version;

  /** The last maintenance run, once it is finished. */
  function finishedRun(what: string, timeoutMs = 40_000): Promise<RunRecord> {
    return waitUntil(async () => {
      const last = (await health()).maintenance?.lastRun;
      return last?.state === 'done' ? last : undefined;
    }, timeoutMs, what);
  }

  function start(name: 'tp-manager' | 'supervisor', env: NodeJS.ProcessEnv = {}): Promise<RegExpMatchArray> {
    const running = runTs(`packages/${name}/src/main.ts`, [], { ECR_DATA_DIR: dataDir, ...env });
    started.push(running);
    return running.waitFor(new RegExp(`${name} ready`), 30_000);
  }

  function output(): string {
    const outs = ['tp-manager.out', 'supervisor.out', 'maintenance-switch.out'].map((f) => path.join(dataDir, 'logs', f));
    return started.map((r) => r.output()).join('\n') + outs.filter((f) => fs.existsSync(f)).map((f) => `--- ${f}\n${fs.readFileSync(f, 'utf8')}`).join('\n');
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-maintenance-'));
    dataDir = path.join(work, 'data');
    source = path.join(work, 'updates');
    fs.mkdirSync(dataDir);
    trustTestKey(dataDir);
    const [localPort, zmqPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${localPort}`;
    pty = await openPtyPair(fs.mkdtempSync(path.join(work, 'line-')));
    // A payment takes 4 s at this terminal: long enough to be in progress when UPDATE_TIME comes.
    const simulator = runTs('packages/terminal-simulator/src/main.ts', ['--protocol', 'concert-v3', '--serial', pty.terminal, '--outcome', 'approve', '--delay-ms', '4000']);
    started.push(simulator);
    await simulator.waitFor(/simulator ready/, 20_000);
    const config = {
      SERIAL_PORT: pty.ecr,
      TERMINAL_PROTOCOL: 'concert-v3',
      LOCAL_PORT: String(localPort),
      TERMINAL_MANAGER_LOGIN: LOGIN,
      TERMINAL_MANAGER_PWD: PASSWORD,
      HIPAY_LOGIN: 'sandbox',
      HIPAY_PWD: 'sandbox-secret-1',
      UPDATE_TIME: '04:00',
      UPDATE_SOURCE: source,
      TP_MANAGER_ENDPOINT: `tcp://127.0.0.1:${zmqPort}`,
    };
    fs.writeFileSync(path.join(dataDir, 'config.txt'), Object.entries(config).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  });

  afterAll(async () => {
    // Whatever runs now was started by the switch runner (detached) or by this test.
    for (const name of ['supervisor', 'tp-manager']) await stopProcess(path.join(dataDir, 'run', `${name}.pid`), 5000);
    const ended = (r: Running) => Promise.race([r.kill('SIGTERM'), new Promise((done) => setTimeout(done, 5000).unref())]).then(() => r.kill('SIGKILL'));
    await Promise.all(started.map(ended));
    await pty?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }, 30_000);

  test('at UPDATE_TIME during a payment: postponed until it ends; telecollection recorded as not supported; a wrong checksum is refused and nothing changes', step(async () => {
    const bad = await buildRelease({ version: '0.2.0', sourceDir: source, sha256: '0'.repeat(64) });
    await start('tp-manager');
    await start('supervisor', { ECR_MAINTENANCE_CLOCK: CLOCK_BEFORE_PAYMENT_ENDS });
    const before = { tp: pid('tp-manager'), supervisor: pid('supervisor') };
    if (!(await health()).maintenance) throw new Error('GET /health has no "maintenance": startMaintenance is not wired in supervisor/src/main.ts');
    const paying = request<{ status: string }[]>('POST', '/order', { amount: 1250, orderId: 'Order_during_maintenance' });

    const postponed = await waitUntil(async () => {
      const last = (await health()).maintenance?.lastRun;
      return last?.state === 'postponed' ? last : undefined;
    }, 10_000, 'the run to be postponed');
    expect(postponed).toMatchObject({ trigger: 'schedule', dueAt: DUE, postponed: { reason: 'a payment is in progress' } });
    // The payment is not disturbed.
    const paid = await paying;
    expect(paid.status).toBe(200);
    expect(paid.body[0]!.status).toBe('Success');

    const run = await finishedRun('the first maintenance run');
    expect(Date.parse(run.startedAt!)).toBeGreaterThan(Date.parse(postponed.postponed!.since));
    expect(run).toMatchObject({
      postponed: postponed.postponed,
      trigger: 'schedule',
      dueAt: DUE,
      telecollection: { outcome: 'not-supported', message: 'not supported by concert-v3' },
      update: { outcome: 'refused', from: '0.1.0', to: '0.2.0' },
    });
    expect(run.update!.message).toContain(`manifest sha256 ${'0'.repeat(64)}, archive sha256 ${bad.sha256}`);
    // One clear line in the supervisor's log, with both hashes.
    expect(output().split('\n').filter((l) => l.includes(`archive sha256 ${bad.sha256}`))).toHaveLength(1);
    // Nothing changed: same processes, same version, no release installed.
    expect({ tp: pid('tp-manager'), supervisor: pid('supervisor') }).toEqual(before);
    expect(await tpVersion()).toMatch(/^0\.1\.0-tpa-/);
    expect(fs.readdirSync(path.join(dataDir, 'releases'))).toEqual([]);
  }), 60_000);

  test('at UPDATE_TIME: a good 0.2.0 is checked, unpacked, switched to, and both processes run it', step(async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    const before = { tp: pid('tp-manager')!, supervisor: pid('supervisor')! };
    // The supervisor restarted with its maintenance clock just before UPDATE_TIME again.
    await started.find((r) => r.child.pid === before.supervisor)!.kill('SIGTERM');
    await start('supervisor', { ECR_MAINTENANCE_CLOCK: CLOCK });

    const run = await waitUntil(async () => {
      const h = await health().catch(() => undefined);
      const last = h?.maintenance?.lastRun;
      return last?.state === 'done' && last.update?.outcome === 'installed' && h?.supervisor.version === '0.2.0' ? last : undefined;
    }, 60_000, 'the update to 0.2.0').catch((err: Error) => {
      throw new Error(`${err.message}\n${output().slice(-4000)}`);
    });
    expect(run).toMatchObject({ trigger: 'schedule', dueAt: DUE, telecollection: { outcome: 'not-supported' }, update: { from: '0.1.0', to: '0.2.0' } });
    expect(await tpVersion()).toMatch(/^0\.2\.0-tpa-/);
    // New processes, from the new release, the old ones gone.
    const after = { tp: pid('tp-manager')!, supervisor: pid('supervisor')! };
    expect(after.tp).not.toBe(before.tp);
    expect(isAlive(before.tp)).toBe(false);
    expect(isAlive(before.supervisor)).toBe(false);
    expect((await health()).supervisor.pid).toBe(after.supervisor);
    expect(fs.readlinkSync(path.join(dataDir, 'releases', 'current'))).toBe('0.2.0');
    expect(fs.readFileSync(`/proc/${after.tp}/cmdline`, 'utf8')).toContain(path.join(dataDir, 'releases', '0.2.0', 'packages', 'tp-manager', 'src', 'main.ts'));
  }), 90_000);

  test('asked by a technician: a 0.3.0 whose tp-manager cannot start is rolled back, and 0.2.0 answers again', step(async () => {
    await buildRelease({
      version: '0.3.0',
      sourceDir: source,
      edit: (root) => fs.writeFileSync(path.join(root, 'packages', 'tp-manager', 'src', 'main.ts'), "throw new Error('broken release: tp-manager cannot start');\n"),
    });
    const before = { tp: pid('tp-manager')!, supervisor: pid('supervisor')! };
    const cli = runTs('packages/supervisor/src/maintenance/cli.ts', ['--now', '--wait', '60'], { ECR_DATA_DIR: dataDir });
    started.push(cli);
    const code = await cli.exited;
    const said = cli.output();
    expect(said).toContain('update: rolled-back: 0.3.0 did not become healthy (tp-manager stopped at start (exit code 1): Error: broken release: tp-manager cannot start); rolled back to 0.2.0, 0.2.0 answers again');
    expect(code).toBe(1);

    const h = await health();
    expect(h).toMatchObject({ supervisor: { version: '0.2.0' }, tpManager: { reachable: true } });
    expect(h.maintenance?.lastRun).toMatchObject({ trigger: 'technician', state: 'done', telecollection: { outcome: 'not-supported' }, update: { outcome: 'rolled-back', from: '0.2.0', to: '0.3.0' } });
    expect(await tpVersion()).toMatch(/^0\.2\.0-tpa-/);
    // Both programs were stopped for 0.3.0 and started again from 0.2.0.
    const after = { tp: pid('tp-manager')!, supervisor: pid('supervisor')! };
    expect(after.tp).not.toBe(before.tp);
    expect(after.supervisor).not.toBe(before.supervisor);
    expect(h.supervisor.pid).toBe(after.supervisor);
    for (const [name, p] of [['tp-manager', after.tp], ['supervisor', after.supervisor]] as const) {
      expect(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8')).toContain(path.join(dataDir, 'releases', '0.2.0', 'packages', name, 'src', 'main.ts'));
    }
    expect(fs.readlinkSync(path.join(dataDir, 'releases', 'current'))).toBe('0.2.0');
    expect(fs.existsSync(path.join(dataDir, 'releases', '0.3.0', 'ROLLED-BACK.txt'))).toBe(true);
  }), 90_000);
});
