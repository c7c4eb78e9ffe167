/** Whether the last finished daily maintenance run failed, for GET /metrics (the "maintenance failed" alert). */
import type { MaintenanceRecord, UpdateOutcome } from '@ecr/updater';

/** An update that did not happen for a reason a technician must look at (not "up to date" nor "not configured"). */
const FAILED_UPDATES: readonly UpdateOutcome[] = ['failed', 'refused', 'rolled-back'];

export function lastMaintenanceOutcome(lastRun: MaintenanceRecord | null | undefined): { finishedAt: string; failed: boolean } | undefined {
  if (lastRun?.state !== 'done' || lastRun.finishedAt === undefined) return undefined;
  const failed = lastRun.telecollection?.outcome === 'failed' || (lastRun.update !== undefined && FAILED_UPDATES.includes(lastRun.update.outcome));
  return { finishedAt: lastRun.finishedAt, failed };
}
