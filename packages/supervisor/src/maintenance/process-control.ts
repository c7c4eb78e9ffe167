/**
 * Stopping and starting the connector's two processes from outside them, as the switch runner must: by their
 * pid files in run/, and as detached programs whose output goes to logs/<name>.out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_RUNTIME_FLAGS } from '@ecr/common';

export const PROCESS_NAMES = ['tp-manager', 'supervisor'] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

/** Variables a test sets for the supervisor it starts; processes a runner starts do not inherit them. */
export const TEST_ONLY_ENV = ['ECR_MAINTENANCE_CLOCK'];

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals the process's whole group when it leads one (a detached start), else the process alone. */
function signal(pid: number, sig: NodeJS.Signals): void {
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, sig);
      return;
    } catch {
      // not a group leader: the process alone
    }
  }
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** SIGTERM (a clean stop: pid file removed, databases closed), then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 8000): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  signal(pid, 'SIGTERM');
  if (await waitExit(pid, graceMs)) return 'stopped';
  signal(pid, 'SIGKILL');
  await waitExit(pid, 3000);
  return 'killed';
}

/** Stops the process its pid file names; a pid file left by a killed or dead process is removed. */
export async function stopProcess(pidFile: string, graceMs = 8000): Promise<'not-running' | 'stopped' | 'killed'> {
  const pid = readPid(pidFile);
  const how = pid === undefined ? 'not-running' : await stopPid(pid, graceMs);
  if (pid === undefined || readPid(pidFile) === pid) fs.rmSync(pidFile, { force: true });
  return how;
}

/** How a release's programs run: compiled JavaScript (dist/) or the TypeScript sources through tsx. */
export type Runtime = 'compiled' | 'source';

/**
 * The runtime of the programs this process starts: ECR_RUNTIME (compiled|source, as the launch scripts read it),
 * ECR_COMPILED=1 (as npm start reads it), else the way this very code runs (a .js file is compiled code).
 */
export function preferredRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  if (env.ECR_RUNTIME === 'compiled' || env.ECR_RUNTIME === 'source') return env.ECR_RUNTIME;
  if (env.ECR_COMPILED === '1') return 'compiled';
  return path.extname(__filename) === '.js' ? 'compiled' : 'source';
}

/** node's arguments for a program of a release: the preferred runtime when the release has it, else the other. */
export function processArgs(root: string, name: string, runtime: Runtime): string[] {
  const source = path.join(root, 'packages', name, 'src', 'main.ts');
  const compiled = path.join(root, 'packages', name, 'dist', 'main.js');
  const useCompiled = fs.existsSync(compiled) && (runtime === 'compiled' || !fs.existsSync(source));
  return useCompiled ? [...NODE_RUNTIME_FLAGS, compiled] : [...NODE_RUNTIME_FLAGS, '--conditions=source', '--import', 'tsx', source];
}

export interface Started {
  name: ProcessName;
  child: ChildProcess;
  pid: number;
  outFile: string;
  /** Size of outFile before the start: this process's output begins there. */
  outStart: number;
  /** Set once the process ended. */
  exit?: string;
}

/**
 * Starts a program of the release at `root` as the launch script does: detached (own session and process
 * group), output appended to logs/<name>.out after a "=== ... starting" line. The program writes its pid file.
 */
export function startProcess(root: string, name: ProcessName, dataDir: string, env: NodeJS.ProcessEnv, runtime: Runtime): Started {
  const logsDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const outFile = path.join(logsDir, `${name}.out`);
  fs.appendFileSync(outFile, `=== ${new Date().toISOString()}: maintenance starting ${name} from ${root}\n`);
  const outStart = fs.statSync(outFile).size;
  const out = fs.openSync(outFile, 'a');
  const childEnv: NodeJS.ProcessEnv = { ...env, ECR_DATA_DIR: dataDir, FORCE_COLOR: '0' };
  for (const key of TEST_ONLY_ENV) delete childEnv[key];
  try {
    const child = spawn(process.execPath, processArgs(root, name, runtime), {
      cwd: root,
      env: childEnv,
      detached: true,
      stdio: ['ignore', out, out],
      windowsHide: true,
    });
    const started: Started = { name, child, pid: child.pid ?? -1, outFile, outStart };
    child.on('exit', (code, sig) => (started.exit = sig ? `signal ${sig}` : `exit code ${code}`));
    child.on('error', (err) => (started.exit = err.message));
    child.unref();
    return started;
  } finally {
    fs.closeSync(out);
  }
}

/**
 * The line of a process's output that says why it stopped: the last one that is not a stack frame, a source
 * excerpt or node's version banner.
 */
export function lastReason(outFile: string, from = 0): string {
  let text = '';
  try {
    const fd = fs.openSync(outFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(from, size - 16_384);
      const buffer = Buffer.alloc(size - start);
      fs.readSync(fd, buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 'no output';
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at\s/.test(l) && !/^Node\.js v\d/.test(l) && !/^\^+$/.test(l));
  const errorLine = [...lines].reverse().find((l) => /error|cannot|failed/i.test(l));
  return (errorLine ?? lines[lines.length - 1] ?? 'no output').slice(0, 500);
}
