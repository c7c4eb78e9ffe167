/**
 * GET /health's overall status, in one place (issue 13): 'fail' when the connector cannot take a payment
 * (HTTP 503: the watchdog's probe and Docker's health check read it), 'warn' when something needs a
 * technician's look but payments still work, 'pass' otherwise. Pure: the report in, the verdict out.
 */
import type { HealthReport, HealthStatus } from '../service';

export interface HealthThresholds {
  /** An order HiPay has not confirmed for longer than this is a warning (the alert rule uses the same). */
  outboxOldestWarnS: number;
  /** Free space under this, in bytes or as a share of the disk, is a warning. */
  diskFreeWarnBytes: number;
  diskFreeWarnRatio: number;
}

export const HEALTH_THRESHOLDS: HealthThresholds = {
  outboxOldestWarnS: 15 * 60,
  diskFreeWarnBytes: 256 * 1024 * 1024,
  diskFreeWarnRatio: 0.05,
};

export interface HealthVerdict {
  status: HealthStatus;
  /** Why it is not 'pass', one line each, the failures first. */
  problems: string[];
}

export function healthStatus(report: HealthReport, thresholds: HealthThresholds = HEALTH_THRESHOLDS): HealthVerdict {
  const failures: string[] = [];
  const warnings: string[] = [];
  const { tpManager, outbox, orders, disk } = report;

  if (!tpManager.reachable) {
    failures.push('tp-manager does not answer: no payment can be taken');
  } else {
    if (tpManager.journalFault !== undefined) failures.push(`tp-manager's journal cannot be written (${tpManager.journalFault}): payments are refused`);
    if (tpManager.link !== undefined && tpManager.link !== 'connected') {
      warnings.push(`terminal link ${tpManager.link}${tpManager.linkReason ? `: ${tpManager.linkReason}` : ''}`);
    }
    if ((tpManager.unattributed ?? 0) > 0) warnings.push(`${tpManager.unattributed} terminal answer(s) credited to no order wait for reconciliation`);
  }
  if ((orders?.outcomeUnknown ?? 0) > 0) {
    warnings.push(`${orders!.outcomeUnknown} order(s) with outcome unknown: the terminal's answer never came, the card may have been charged`);
  }
  if (outbox.oldestPendingAgeS !== undefined && outbox.oldestPendingAgeS > thresholds.outboxOldestWarnS) {
    warnings.push(
      `HiPay has not confirmed an order for ${Math.round(outbox.oldestPendingAgeS / 60)} min` + (outbox.lastError ? `: ${outbox.lastError}` : ''),
    );
  }
  if (outbox.refused > 0) {
    warnings.push(`HiPay refused ${outbox.refused} order(s)` + (outbox.lastRefusedReason ? `: ${outbox.lastRefusedReason}` : ''));
  }
  if (disk && (disk.freeBytes < thresholds.diskFreeWarnBytes || (disk.totalBytes > 0 && disk.freeBytes / disk.totalBytes < thresholds.diskFreeWarnRatio))) {
    warnings.push(`low disk space in ${disk.path}: ${Math.floor(disk.freeBytes / (1024 * 1024))} MiB free`);
  }

  const status: HealthStatus = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
  return { status, problems: [...failures, ...warnings] };
}

/** The HTTP status of GET /health for a verdict: 503 only on 'fail', so a warning never restarts anything. */
export function healthHttpStatus(status: HealthStatus | undefined): 200 | 503 {
  return status === 'fail' ? 503 : 200;
}
