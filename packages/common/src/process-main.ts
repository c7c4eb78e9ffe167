/**
 * How every connector process starts and stops, so tp-manager and the supervisor behave alike for a
 * technician: config loaded first (a bad key stops the program with one line naming it), a pid file in
 * run/, one log line saying it is ready, SIGTERM/SIGINT stop cleanly, and any failure is one line, no stack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, configSecrets, configSummary, type Config } from './config';
import { dataDirProblem, dataPaths, findRepoRoot, resolveDataDir } from './data-dir';
import { closeLogger, createLogger, type ProcessLogger } from './logger';

export type Stop = () => Promise<void>;

/**
 * node flags every connector process is started with (npm start, the launch scripts, systemd, Docker, the
 * update runner, the bench). A 1 MB young generation: these processes allocate little per request, and
 * V8's default lets garbage pile up to about 40 MB more per process before it is collected (measured with
 * npm run bench: 194 MB -> 153 MB for both after 400 payments, latency unchanged). The shell, cmd, systemd
 * and compose files spell it out too: keep them in step.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/** A process as it is recorded next to its pid file (run/<name>.identity.json). */
export interface ProcessIdentity {
  pid: number;
  /** The executable's file name as the OS reports it: `node` on Linux, `node.exe` on Windows. */
  image: string;
  /** When the process started, ms since the epoch. */
  startedAtMs: number;
}

/** This process's identity: its image name and start time (uptime-based, within a second of the OS's). */
export function ownProcessIdentity(platform: NodeJS.Platform = process.platform): ProcessIdentity {
  let image: string;
  if (platform === 'win32') image = path.win32.basename(process.execPath);
  else {
    try {
      image = path.basename(fs.realpathSync(process.execPath)); // what /proc/<pid>/exe names
    } catch {
      image = path.basename(process.execPath);
    }
  }
  return { pid: process.pid, image, startedAtMs: Math.round(Date.now() - process.uptime() * 1000) };
}

/** How often a program looks for a stop request in run/<name>.stop. */
const STOP_REQUEST_POLL_MS = 500;

export interface ProcessContext {
  config: Config;
  logger: ProcessLogger;
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

/** What `--help` says about a program, after its usage line. */
const SUMMARIES: Readonly<Record<string, string>> = {
  'tp-manager': "Owns the card terminal (SERIAL_PORT, TERMINAL_PROTOCOL) and answers the supervisor on TP_MANAGER_ENDPOINT.",
  supervisor: "The kiosk's local API on LOCAL_PORT, the order book, and delivery of paid orders to HiPay.",
};

export interface ProcessOptions {
  /** One line for --help saying what the program does (default: the known programs' own). */
  summary?: string;
}

/** The usage text of a connector program: it takes no argument, only its data directory's config.txt. */
export function processUsage(name: string, summary = SUMMARIES[name]): string {
  return [
    `usage: ${name} [-h|--help]`,
    ...(summary ? [summary] : []),
    'Runs in the foreground until SIGTERM or SIGINT. Settings: config.txt in the data directory ($ECR_DATA_DIR,',
    'else data/ at the delivery root); ECR_<KEY> environment variables override it. See README.md, "Configuration".',
  ].join('\n');
}

/**
 * Reads a program's command line with node:util parseArgs: 'help' for -h/--help, 'run' for none, or the
 * one-line reason an argument was refused.
 */
export function readProcessArgs(argv: readonly string[]): 'help' | 'run' | { error: string } {
  try {
    const { values } = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return values.help ? 'help' : 'run';
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

/** A start-up failure: one line on stderr and in logs/<name>-startup-errors.log when it can be written; exit 1. */
function failStart(name: string, message: string): never {
  const line = `${name}: cannot start: ${message}`;
  process.stderr.write(line + '\n');
  // The log of the data directory gets the reason too: a watchdog-started process has no console.
  try {
    const { dataDir, logsDir } = dataPaths(resolveDataDir());
    // Never creates a missing data directory (that is an error to report, not to paper over).
    if (fs.existsSync(dataDir)) fs.mkdirSync(logsDir, { recursive: true });
    fs.appendFileSync(path.join(logsDir, `${name}-startup-errors.log`), `${new Date().toISOString()} ${line}\n`);
  } catch {
    // nowhere to write: the console line is all we can do
  }
  process.exit(1);
}

export function runProcess(name: string, start: (ctx: ProcessContext) => Promise<Stop>, options: ProcessOptions = {}): void {
  // --help and bad arguments first: nothing is read, started or written before them.
  const args = readProcessArgs(process.argv.slice(2));
  const usage = processUsage(name, options.summary ?? SUMMARIES[name]);
  if (args === 'help') {
    process.stdout.write(usage + '\n', () => process.exit(0));
    return;
  }
  if (args !== 'run') {
    process.stderr.write(`${name}: ${args.error}\n${usage}\n`, () => process.exit(2));
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    failStart(name, err instanceof ConfigError ? err.message : (err as Error).message);
  }
  const problem = dataDirProblem(config.dataDir, databaseFiles(config.dataDir, name));
  if (problem) failStart(name, problem);
  const paths = dataPaths(config.dataDir);
  let logger: ProcessLogger;
  try {
    logger = createLogger({ name, dataDir: config.dataDir, level: config.logLevel, consoleFormat: config.logFormat, secrets: configSecrets(config) });
  } catch (err) {
    failStart(name, (err as Error).message);
  }
  const version = connectorVersion();
  const pidFile = paths.pidFile(name);
  const identityFile = paths.identityFile(name);
  const stopRequest = paths.stopRequestFile(name);
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
        removePidFile(identityFile);
        void closeLogger(logger).finally(() => process.exit(code));
      });
  };

  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A stop request in run/ (ecr stop, the release switch): on Windows the only clean way to ask, since a signal
  // there is TerminateProcess. Honoured only when it names this process.
  const stopWatch = setInterval(() => {
    let text: string;
    try {
      text = fs.readFileSync(stopRequest, 'utf8');
    } catch {
      return;
    }
    if (Number(text.trim()) !== process.pid) return;
    fs.rmSync(stopRequest, { force: true });
    shutdown(`stop requested (${stopRequest})`);
  }, STOP_REQUEST_POLL_MS);
  stopWatch.unref();
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
  try {
    fs.mkdirSync(paths.runDir, { recursive: true });
    writeIdentity(identityFile, ownProcessIdentity());
    fs.writeFileSync(pidFile, `${process.pid}\n`);
  } catch (err) {
    failStart(name, `cannot write ${pidFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
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

/** The SQLite file a process keeps in its data directory (`<name>.db`) and SQLite's companions of it. */
function databaseFiles(dataDir: string, name: string): string[] {
  const db = dataPaths(dataDir).database(name);
  return [db, `${db}-wal`, `${db}-shm`];
}

/** Removes the pid file (or identity file) when it still names this process. */
function removePidFile(file: string): void {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    const pid = text.startsWith('{') ? (JSON.parse(text) as { pid?: unknown }).pid : Number(text.split(/\s/)[0]);
    if (pid === process.pid) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

function writeIdentity(file: string, identity: ProcessIdentity): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, JSON.stringify(identity) + '\n');
  fs.renameSync(temp, file);
}
