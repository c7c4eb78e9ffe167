/**
 * The daily maintenance inside the supervisor: the scheduler, the steps of a run, and what GET /health shows.
 */
import * as fs from 'node:fs';
import { findRepoRoot, type Config, type Logger } from '@ecr/common';
import { isAlive, readLastRun, releaseLayout, writeLastRun, type MaintenanceRecord, type SourceOptions } from '@ecr/updater';
import { runMaintenance, type MaintainedConnector } from './maintenance-run';
import { MaintenanceScheduler } from './scheduler';
import { localText, timeText } from './schedule';
import { spawnSwitchRunner } from './spawn-runner';

export interface MaintenanceOptions {
  config: Pick<Config, 'updateTime' | 'updateSource' | 'dataDir' | 'terminalProtocol'>;
  connector: MaintainedConnector;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The running release's version (runProcess's `version`). */
  version: string;
  /** The running release's root. Default: findRepoRoot(). */
  root?: string;
  /** Default: the system clock, or ECR_MAINTENANCE_CLOCK's. */
  clock?: () => Date;
  /** Default process.env (read for ECR_MAINTENANCE_CLOCK and ECR_MANAGED_BY). */
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
  healthTimeoutMs?: number;
  sourceOptions?: SourceOptions;
}

/** GET /health's `maintenance`. */
export interface MaintenanceReport {
  updateTime: string;
  nextRunAt: string;
  lastRun: MaintenanceRecord | null;
}

export interface Maintenance {
  report(): MaintenanceReport;
  /** True while a run is in progress in this supervisor. */
  readonly running: boolean;
  stop(): void;
}

export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { config, connector, logger } = options;
  const layout = releaseLayout(config.dataDir);
  const running = { version: options.version, root: options.root ?? findRepoRoot() };
  const log = logger;
  const env = options.env ?? process.env;
  const clock = options.clock ?? clockFromEnv(env, log);
  closeInterruptedSwitch(layout.lastRunFile, log);

  const scheduler = new MaintenanceScheduler({
    time: config.updateTime,
    clock,
    pollMs: options.pollMs,
    paymentInProgress: () => connector.paymentInProgress,
    runRequested: () => consume(layout.runNowFile),
    postponed: (trigger, dueAt) => {
      const record: MaintenanceRecord = {
        trigger,
        dueAt: dueAt.toISOString(),
        state: 'postponed',
        postponed: { since: new Date().toISOString(), reason: 'a payment is in progress' },
      };
      writeLastRun(layout.lastRunFile, record);
      log.info('maintenance postponed: a payment is in progress; it starts when the payment ends');
    },
    run: async (trigger, dueAt) => {
      await runMaintenance(trigger, dueAt, {
        layout,
        updateSource: config.updateSource,
        terminalProtocol: config.terminalProtocol,
        running,
        connector,
        log,
        noPayment: () => waitNoPayment(connector),
        spawnRunner: (job) => spawnSwitchRunner(layout, job, running.root, () => closeInterruptedSwitch(layout.lastRunFile, log)),
        healthTimeoutMs: options.healthTimeoutMs,
        sourceOptions: options.sourceOptions,
        managedBy: env.ECR_MANAGED_BY?.trim() || undefined,
      });
    },
    onError: (err) => log.error(`maintenance failed: ${err.message}`),
  });
  scheduler.start();
  log.info(`daily maintenance at ${timeText(config.updateTime)} local time; next run ${localText(scheduler.nextRunAt)}`);

  return {
    report: () => ({ updateTime: timeText(config.updateTime), nextRunAt: scheduler.nextRunAt.toISOString(), lastRun: readLastRun(layout.lastRunFile) }),
    get running() {
      return scheduler.running;
    },
    stop: () => scheduler.stop(),
  };
}

/**
 * ECR_MAINTENANCE_CLOCK=2030-01-01T03:59:55 (local time): the maintenance clock reads that when the supervisor
 * starts and runs on from there; for tests and rehearsals. The switch runner does not pass it on.
 */
function clockFromEnv(env: NodeJS.ProcessEnv, log: Pick<Logger, 'info' | 'warn' | 'error'>): () => Date {
  const text = env.ECR_MAINTENANCE_CLOCK?.trim();
  if (!text) return () => new Date();
  const start = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(start.getTime())) {
    log.warn(`ECR_MAINTENANCE_CLOCK=${text} is not a local date and time such as 2030-01-01T03:59:55; using the system clock`);
    return () => new Date();
  }
  const offset = start.getTime() - Date.now();
  log.warn(`ECR_MAINTENANCE_CLOCK: the maintenance clock reads ${text} now (tests and rehearsals only)`);
  return () => new Date(Date.now() + offset);
}

/** True once if the file existed (and removes it). */
function consume(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

function waitNoPayment(connector: MaintainedConnector): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (connector.paymentInProgress ? setTimeout(check, 1000).unref() : resolve());
    check();
  });
}

/** A switch whose runner died (machine switched off) would show "switching" for ever: say what happened. */
function closeInterruptedSwitch(file: string, log: Pick<Logger, 'info' | 'warn' | 'error'>): void {
  const record = readLastRun(file);
  if (record?.state !== 'switching') return;
  if (record.runnerPid !== undefined && isAlive(record.runnerPid)) return;
  const update = record.update;
  const message = `the switch to ${update?.to} was interrupted (switch runner ${record.runnerPid ?? '?'} gone) before it checked the new release; see logs/maintenance-switch.out`;
  delete record.runnerPid;
  writeLastRun(file, {
    ...record,
    state: 'done',
    finishedAt: new Date().toISOString(),
    update: { outcome: 'failed', message, from: update?.from ?? '', to: update?.to },
  });
  log.warn(`maintenance: ${message}`);
}
