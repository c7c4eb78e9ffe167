/**
 * One maintenance run: the telecollection, then the update. Each step's outcome is written to last-run.json as
 * soon as it is known. A release ready to switch is handed to the switch runner, which restarts both processes
 * (this one included) and writes the final outcome.
 */
import type { Logger, TlcResult } from '@ecr/common';
import {
  isAlive,
  prepareRelease,
  preferredRuntime,
  readCurrentLink,
  readLastRun,
  readPid,
  writeLastRun,
  type MaintenanceRecord,
  type ReleaseLayout,
  type SourceOptions,
  type SwitchJob,
} from '@ecr/updater';
import { runTelecollection } from './telecollection';

/** What maintenance needs of the connector (connector-service.ts's Connector has both). */
export interface MaintainedConnector {
  readonly paymentInProgress: boolean;
  tlc(): Promise<TlcResult>;
}

export interface RunDeps {
  layout: ReleaseLayout;
  updateSource: string;
  terminalProtocol: string;
  running: { version: string; root: string };
  connector: MaintainedConnector;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Resolves when no payment is in progress (a payment may begin during the telecollection or the download). */
  noPayment: () => Promise<void>;
  spawnRunner: (job: SwitchJob) => number;
  healthTimeoutMs?: number;
  sourceOptions?: SourceOptions;
  /**
   * ECR_MANAGED_BY: set when a service manager that restarts the programs by itself runs them (systemd units,
   * npm start). It would start the installed tree again behind the switch runner's back: no switch then.
   */
  managedBy?: string;
}

export async function runMaintenance(trigger: MaintenanceRecord['trigger'], dueAt: Date, deps: RunDeps): Promise<MaintenanceRecord> {
  const { layout, log } = deps;
  const earlier = readLastRun(layout.lastRunFile);
  const record: MaintenanceRecord = { trigger, dueAt: dueAt.toISOString(), state: 'running', startedAt: new Date().toISOString() };
  // A postponement of this same run stays visible.
  if (earlier?.state === 'postponed' && earlier.dueAt === record.dueAt && earlier.postponed) record.postponed = earlier.postponed;
  const save = () => writeLastRun(layout.lastRunFile, record);
  save();
  log.info(`maintenance started (${trigger}, due ${record.dueAt})`);

  record.telecollection = await runTelecollection(() => deps.connector.tlc(), deps.terminalProtocol);
  log[record.telecollection.outcome === 'failed' ? 'warn' : 'info'](`maintenance telecollection: ${record.telecollection.message}`);
  save();

  const runner = readPid(layout.switchPidFile);
  if (runner !== undefined && isAlive(runner)) {
    return finish(record, { outcome: 'failed', message: `a release switch is already running (pid ${runner}); not starting another`, from: deps.running.version }, deps);
  }
  let prepared: Awaited<ReturnType<typeof prepareRelease>>;
  try {
    prepared = await prepareRelease({ layout, source: deps.updateSource, running: deps.running, log, sourceOptions: deps.sourceOptions });
  } catch (err) {
    return finish(record, { outcome: 'failed', message: `update failed: ${(err as Error).message}; nothing was changed`, from: deps.running.version }, deps);
  }
  if (!prepared.ready) return finish(record, prepared.step, deps);
  if (deps.managedBy) {
    const message =
      `${prepared.version} is ready in ${prepared.root} but not switched to: ${deps.managedBy} runs the programs (ECR_MANAGED_BY) ` +
      'and would start the installed release again; install it by hand, or run the programs with the launch scripts';
    return finish(record, { outcome: 'failed', message, from: deps.running.version, to: prepared.version }, deps);
  }

  await deps.noPayment();
  const job: SwitchJob = {
    dataDir: layout.dataDir,
    from: { ...deps.running, link: readCurrentLink(layout) },
    to: { version: prepared.version, root: prepared.root },
    healthTimeoutMs: deps.healthTimeoutMs,
    runtime: preferredRuntime(),
  };
  record.state = 'switching';
  record.update = {
    outcome: 'switching',
    message: `restarting both processes on ${prepared.version}; rolls back to ${deps.running.version} if it does not become healthy`,
    from: deps.running.version,
    to: prepared.version,
  };
  save();
  log.info(`maintenance update: ${record.update.message}`);
  record.runnerPid = deps.spawnRunner(job);
  save();
  return record;
}

function finish(record: MaintenanceRecord, update: NonNullable<MaintenanceRecord['update']>, deps: RunDeps): MaintenanceRecord {
  record.update = update;
  record.state = 'done';
  record.finishedAt = new Date().toISOString();
  writeLastRun(deps.layout.lastRunFile, record);
  const level = update.outcome === 'refused' || update.outcome === 'failed' ? 'error' : 'info';
  deps.log[level](`maintenance update: ${update.message}`);
  return record;
}
