/**
 * How every connector process starts and stops, so tp-manager and the supervisor behave alike for a
 * technician: config loaded first (a bad key stops the program with one line naming it), a pid file in
 * run/, one log line saying it is ready, SIGTERM/SIGINT stop cleanly, and any failure is one line, no stack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'winston';
import { loadConfig, ConfigError, configSecrets, configSummary, type Config } from './config';
import { dataPaths, findRepoRoot, resolveDataDir } from './data-dir';
import { closeLogger, createLogger } from './logger';

export type Stop = () => Promise<void>;

/**
 * node flags every connector process is started with (npm start, the launch scripts, systemd, Docker, the
 * update runner, the bench). A 1 MB young generation: these processes allocate little per request, and
 * V8's default lets garbage pile up to about 40 MB more per process before it is collected (measured with
 * npm run bench: 194 MB -> 153 MB for both after 400 payments, latency unchanged). The shell, cmd, systemd
 * and compose files spell it out too: keep them in step.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

export interface ProcessContext {
  config: Config;
  logger: Logger;
  version: string;
  /** Ends the process cleanly (as SIGTERM does). */
  shutdown(reason: string): void;
}

/** The connector's version, from the delivery's root package.json. */
export function connectorVersion(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(findRepoRoot(), 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function runProcess(name: string, start: (ctx: ProcessContext) => Promise<Stop>): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).message;
    const line = `${name}: cannot start: ${message}`;
    process.stderr.write(line + '\n');
    // The log of the data directory gets the reason too: a watchdog-started process has no console.
    try {
      const logsDir = dataPaths(resolveDataDir()).logsDir;
      fs.mkdirSync(logsDir, { recursive: true });
      fs.appendFileSync(path.join(logsDir, `${name}-startup-errors.log`), `${new Date().toISOString()} ${line}\n`);
    } catch {
      // nowhere to write: the console line is all we can do
    }
    process.exit(1);
  }
  const paths = dataPaths(config.dataDir);
  const logger = createLogger({ name, dataDir: config.dataDir, level: config.logLevel, secrets: configSecrets(config) });
  const version = connectorVersion();
  const pidFile = paths.pidFile(name);
  let stop: Stop | undefined;
  let stopping = false;

  const shutdown = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${name} stopping: ${reason}`);
    const hardStop = setTimeout(() => process.exit(code), 5000);
    hardStop.unref();
    void (stop?.() ?? Promise.resolve())
      .catch((err: Error) => logger.error(`${name} did not stop cleanly: ${err.message}`))
      .finally(() => {
        removePidFile(pidFile);
        void closeLogger(logger).finally(() => process.exit(code));
      });
  };

  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (err) => {
    logger.error(`${name} failed: ${err.message}`, { stack: err.stack });
    shutdown('uncaught error', 1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error(`${name} failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    shutdown('unhandled rejection', 1);
  });

  const startedAt = process.hrtime.bigint();
  fs.mkdirSync(paths.runDir, { recursive: true });
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  logger.info(`${name} ${version} starting with ${config.configFile}`, { config: configSummary(config) });
  start({ config, logger, version, shutdown: (reason) => shutdown(reason) })
    .then((s) => {
      stop = s;
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      logger.info(`${name} ready in ${ms.toFixed(0)} ms (pid ${process.pid})`, { readyMs: ms });
      if (stopping) void s();
    })
    .catch((err: Error) => {
      logger.error(`${name} cannot start: ${err.message}`);
      shutdown('start failed', 1);
    });
}

function removePidFile(file: string): void {
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
