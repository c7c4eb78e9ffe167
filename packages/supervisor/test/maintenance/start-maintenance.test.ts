/**
 * The maintenance as the supervisor runs it, in-process, with a stand-in connector (payment flag, tlc answer)
 * and a real data directory: postponed during a payment and recorded so, then telecollection and update
 * recorded in last-run.json and shown by report(); a switch whose runner died is closed honestly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectorError, type TlcResult } from '@ecr/common';
import type { MaintenanceRecord } from '@ecr/updater';
import { startMaintenance, type Maintenance } from '../../src/maintenance';
import { buildRelease, REPO_ROOT, trustTestKey } from '../../../updater/test/release-fixture';

let work: string;
let dataDir: string;
let maintenance: Maintenance | undefined;
let logged: string[];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-maint-'));
  dataDir = path.join(work, 'data');
  fs.mkdirSync(dataDir);
  trustTestKey(dataDir);
  logged = [];
});

afterEach(() => {
  maintenance?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const logger = {
  info: (m: string) => logged.push(`info ${m}`),
  warn: (m: string) => logged.push(`warn ${m}`),
  error: (m: string) => logged.push(`error ${m}`),
};

function lastRun(): MaintenanceRecord | null {
  return maintenance!.report().lastRun;
}

async function until<T>(probe: () => T | undefined | null | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out; log:\n${logged.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startMaintenance (inside the supervisor)', () => {
  test('due during a payment: postponed and recorded; when the payment ends, telecollection then update run and are recorded', async () => {
    const connector = { paymentInProgress: true, tlc: (): Promise<TlcResult> => Promise.reject(new ConnectorError('unsupported', 'no telecollection message')) };
    await buildRelease({ version: '0.0.9', sourceDir: path.join(work, 'updates') });
    maintenance = startMaintenance({
      config: { updateTime: { hour: 4, minute: 0 }, updateSource: path.join(work, 'updates'), dataDir, terminalProtocol: 'concert-v2' },
      connector,
      logger,
      version: '0.1.0',
      root: REPO_ROOT,
      env: { ECR_MAINTENANCE_CLOCK: '2030-06-01T03:59:59' },
      pollMs: 20,
    });
    expect(maintenance.report()).toMatchObject({ updateTime: '04:00', nextRunAt: new Date(2030, 5, 1, 4, 0).toISOString(), lastRun: null });

    const postponed = await until(() => lastRun()?.state === 'postponed' && lastRun());
    expect(postponed).toMatchObject({ trigger: 'schedule', dueAt: new Date(2030, 5, 1, 4, 0).toISOString(), postponed: { reason: 'a payment is in progress' } });
    expect(logged).toContain('info maintenance postponed: a payment is in progress; it starts when the payment ends');

    connector.paymentInProgress = false;
    const done = await until(() => lastRun()?.state === 'done' && lastRun());
    expect(done).toMatchObject({
      trigger: 'schedule',
      postponed: { since: postponed.postponed!.since },
      telecollection: { outcome: 'not-supported', message: 'not supported by concert-v2' },
      update: { outcome: 'up-to-date', message: `0.1.0 is up to date (${path.join(work, 'updates')} offers 0.0.9)`, from: '0.1.0', to: '0.0.9' },
    });
    expect(maintenance.report().nextRunAt).toBe(new Date(2030, 5, 2, 4, 0).toISOString());
    expect(maintenance.running).toBe(false);
  });

  test('a technician\'s request (the run-now file) runs it at once', async () => {
    maintenance = startMaintenance({
      config: { updateTime: { hour: 4, minute: 0 }, updateSource: '', dataDir, terminalProtocol: 'concert-v3' },
      connector: { paymentInProgress: false, tlc: async () => ({ NbApp: '1', App: [{ Name: 'CB EMV', Status: '0' as const }] }) },
      logger,
      version: '0.1.0',
      root: REPO_ROOT,
      env: {},
      pollMs: 20,
    });
    fs.mkdirSync(path.join(dataDir, 'maintenance'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'maintenance', 'run-now'), '');
    const done = await until(() => lastRun()?.state === 'done' && lastRun());
    expect(done).toMatchObject({
      trigger: 'technician',
      telecollection: { outcome: 'done', message: 'telecollection done: CB EMV ok' },
      update: { outcome: 'not-configured' },
    });
    expect(fs.existsSync(path.join(dataDir, 'maintenance', 'run-now'))).toBe(false);
  });

  test('programs run by a service manager that restarts them (ECR_MANAGED_BY): the release is unpacked but not switched to', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: path.join(work, 'updates') });
    maintenance = startMaintenance({
      config: { updateTime: { hour: 4, minute: 0 }, updateSource: path.join(work, 'updates'), dataDir, terminalProtocol: 'concert-v3' },
      connector: { paymentInProgress: false, tlc: async () => ({ NbApp: '0', App: [] }) },
      logger,
      version: '0.1.0',
      root: REPO_ROOT,
      env: { ECR_MANAGED_BY: 'systemd' },
      pollMs: 20,
    });
    fs.mkdirSync(path.join(dataDir, 'maintenance'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'maintenance', 'run-now'), '');
    const done = await until(() => lastRun()?.state === 'done' && lastRun());
    const release = path.join(dataDir, 'releases', '0.2.0');
    expect(done.update).toEqual({
      outcome: 'failed',
      message: `0.2.0 is ready in ${release} but not switched to: systemd runs the programs (ECR_MANAGED_BY) and would start the installed release again; install it by hand, or run the programs with the launch scripts`,
      from: '0.1.0',
      to: '0.2.0',
    });
    expect(fs.existsSync(path.join(release, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'maintenance', 'switch-job.json'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'releases', 'current'))).toBe(false);
  });

  test('a record left "switching" by a runner that is gone is closed as failed at start', () => {
    fs.mkdirSync(path.join(dataDir, 'maintenance'), { recursive: true });
    const left: MaintenanceRecord = {
      trigger: 'schedule',
      dueAt: '2030-06-01T02:00:00.000Z',
      state: 'switching',
      runnerPid: 2 ** 22 + 12345, // above Linux's pid_max: no such process
      update: { outcome: 'switching', message: 'restarting', from: '0.1.0', to: '0.2.0' },
    };
    fs.writeFileSync(path.join(dataDir, 'maintenance', 'last-run.json'), JSON.stringify(left));
    maintenance = startMaintenance({
      config: { updateTime: { hour: 4, minute: 0 }, updateSource: '', dataDir, terminalProtocol: 'concert-v3' },
      connector: { paymentInProgress: false, tlc: async () => ({ NbApp: '0', App: [] }) },
      logger,
      version: '0.1.0',
      root: REPO_ROOT,
      env: {},
    });
    expect(lastRun()).toMatchObject({
      state: 'done',
      update: { outcome: 'failed', message: `the switch to 0.2.0 was interrupted (switch runner ${left.runnerPid} gone) before it checked the new release; see logs/maintenance-switch.out`, from: '0.1.0', to: '0.2.0' },
    });
    expect(lastRun()).not.toHaveProperty('runnerPid');
  });

  test('a bad ECR_MAINTENANCE_CLOCK is one warning and the system clock', () => {
    maintenance = startMaintenance({
      config: { updateTime: { hour: 4, minute: 0 }, updateSource: '', dataDir, terminalProtocol: 'concert-v3' },
      connector: { paymentInProgress: false, tlc: async () => ({ NbApp: '0', App: [] }) },
      logger,
      version: '0.1.0',
      root: REPO_ROOT,
      env: { ECR_MAINTENANCE_CLOCK: 'tomorrow' },
    });
    expect(logged).toContain('warn ECR_MAINTENANCE_CLOCK=tomorrow is not a local date and time such as 2030-01-01T03:59:55; using the system clock');
    const next = new Date(maintenance.report().nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3600_000);
  });
});
