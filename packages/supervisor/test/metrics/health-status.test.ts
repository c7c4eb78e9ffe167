/**
 * The rules of GET /health's status in one pure function: 'fail' (503) only when no payment can be taken,
 * 'warn' for what a technician must look at, 'pass' otherwise.
 */
import { healthHttpStatus, healthStatus } from '../../src/metrics';
import type { HealthReport } from '../../src/service';

/** A healthy report; each test changes one fact. */
function report(change: Partial<HealthReport> = {}, tpManager: Partial<HealthReport['tpManager']> = {}): HealthReport {
  return {
    supervisor: { pid: 1, uptimeS: 60, version: '0.1.0' },
    tpManager: { reachable: true, link: 'connected', busy: false, unattributed: 0, ...tpManager },
    outbox: { pending: 0, refused: 0, delivered: 3 },
    orders: { outcomeUnknown: 0, inProgress: 0 },
    disk: { path: '/data', freeBytes: 10 * 1024 ** 3, totalBytes: 50 * 1024 ** 3 },
    ...change,
  };
}

test('all well: pass, 200, no problems', () => {
  expect(healthStatus(report())).toEqual({ status: 'pass', problems: [] });
  expect(healthHttpStatus('pass')).toBe(200);
});

describe('fail (HTTP 503): no payment can be taken (money rule 1: the kiosk learns it before it asks)', () => {
  test('tp-manager unreachable', () => {
    const verdict = healthStatus(report({}, { reachable: false, link: undefined }));
    expect(verdict).toEqual({ status: 'fail', problems: ['tp-manager does not answer: no payment can be taken'] });
    expect(healthHttpStatus(verdict.status)).toBe(503);
  });

  test("tp-manager's journal cannot be written", () => {
    const verdict = healthStatus(report({}, { journalFault: 'SQLITE_FULL: database or disk is full' }));
    expect(verdict.status).toBe('fail');
    expect(verdict.problems).toEqual(["tp-manager's journal cannot be written (SQLITE_FULL: database or disk is full): payments are refused"]);
  });

  test('a failure comes before the warnings that also hold', () => {
    const verdict = healthStatus(report({ outbox: { pending: 0, refused: 2 } }, { journalFault: 'I/O error' }));
    expect(verdict.status).toBe('fail');
    expect(verdict.problems[0]).toContain('journal cannot be written');
    expect(verdict.problems[1]).toBe('HiPay refused 2 order(s)');
  });
});

describe('warn (HTTP 200): payments still work, a technician should look', () => {
  test('terminal link down, with the reason', () => {
    const verdict = healthStatus(report({}, { link: 'disconnected', linkReason: '/dev/ttyUSB0: no such device' }));
    expect(verdict).toEqual({ status: 'warn', problems: ['terminal link disconnected: /dev/ttyUSB0: no such device'] });
    expect(healthHttpStatus(verdict.status)).toBe(200);
  });

  test('an order whose outcome is unknown (money rule 1)', () => {
    expect(healthStatus(report({ orders: { outcomeUnknown: 1, inProgress: 0 } })).problems).toEqual([
      "1 order(s) with outcome unknown: the terminal's answer never came, the card may have been charged",
    ]);
  });

  test('a terminal answer credited to no order waits (money rule 3)', () => {
    expect(healthStatus(report({}, { unattributed: 2 }))).toEqual({
      status: 'warn',
      problems: ['2 terminal answer(s) credited to no order wait for reconciliation'],
    });
  });

  test('HiPay has not confirmed an order for more than 15 minutes (money rule 5), with the last error', () => {
    const at = (ageS: number) => report({ outbox: { pending: 1, refused: 0, oldestPendingAgeS: ageS, lastError: 'HTTP 503 from HiPay' } });
    expect(healthStatus(at(900)).status).toBe('pass');
    expect(healthStatus(at(901))).toEqual({ status: 'warn', problems: ['HiPay has not confirmed an order for 15 min: HTTP 503 from HiPay'] });
  });

  test('an order HiPay refused (money rule 5)', () => {
    expect(healthStatus(report({ outbox: { pending: 0, refused: 1, lastRefusedReason: 'HiPay 1010101: hash mismatch' } })).problems).toEqual([
      'HiPay refused 1 order(s): HiPay 1010101: hash mismatch',
    ]);
  });

  test('low disk: under 256 MiB, or under 5 % of the disk', () => {
    const disk = (freeMiB: number, totalMiB: number) =>
      healthStatus(report({ disk: { path: '/data', freeBytes: freeMiB * 1024 ** 2, totalBytes: totalMiB * 1024 ** 2 } }));
    expect(disk(255, 100_000).problems).toEqual(['low disk space in /data: 255 MiB free']);
    expect(disk(4_000, 100_000).status).toBe('warn');
    expect(disk(6_000, 100_000).status).toBe('pass');
  });

  test('a link still connecting counts as down; a report without optional facts passes', () => {
    expect(healthStatus(report({}, { link: 'connecting' })).problems).toEqual(['terminal link connecting']);
    expect(healthStatus({ supervisor: { pid: 1, uptimeS: 1, version: 'x' }, tpManager: { reachable: true }, outbox: { pending: 0, refused: 0 } }).status).toBe('pass');
  });
});
