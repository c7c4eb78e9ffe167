/**
 * Stopping and starting the connector's two processes from outside them, as the switch runner must. Built on
 * the launcher's own code (packages/cli): the same pid files with identities, the same stop request before
 * any kill (no SIGTERM on Windows), the same rule for compiled or source code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  bootTimeMs,
  judgeProcess,
  observerFor,
  readIdentity,
  runsProgram,
  PROGRAM_NAMES,
  TEST_ONLY_ENV,
  programCommand,
  readPid,
  removePidFile,
  startProgram,
  stopProgram,
  type ProgramName,
  type Runtime,
  type StartedProgram,
} from '@ecr/cli';

export { readPid, TEST_ONLY_ENV, type Runtime };

export const PROCESS_NAMES = PROGRAM_NAMES;
export type ProcessName = ProgramName;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops the program its pid file (<data>/run/<name>.pid) names: a stop request, then (after `graceMs`) a kill.
 * A pid file left by a dead process is removed.
 */
export async function stopProcess(pidFile: string, graceMs = 8000): Promise<'not-running' | 'stopped' | 'killed'> {
  const pid = readPid(pidFile);
  const name = path.basename(pidFile, '.pid');
  // A pid surely reused by another process (its recorded image or start time differ) is never stopped; one
  // that cannot be judged here (Windows without PowerShell) is stopped as before: its pid file is of this boot.
  const verdict =
    pid === undefined
      ? undefined
      : judgeProcess(observerFor()(pid), { recorded: readIdentity(pidFile, pid), matchesCommandLine: runsProgram(name), bootTimeMs: bootTimeMs() });
  if (pid === undefined || !isAlive(pid) || verdict?.is === 'gone' || verdict?.is === 'not-ours') {
    if (pid !== undefined) removePidFile(pidFile, pid);
    else fs.rmSync(pidFile, { force: true });
    return 'not-running';
  }
  const dataDir = path.dirname(path.dirname(pidFile));
  const how = await stopProgram({ name, pid, dataDir, graceMs });
  // A child of this process is a zombie until Node reaps it: wait for that, so "stopped" means gone.
  for (let i = 0; i < 30 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return how === 'stopped' ? 'stopped' : 'killed';
}

/** Stops a program this process started (its pid file may not be written yet). */
export async function stopStarted(started: Started, dataDir: string, graceMs = 8000): Promise<void> {
  if (started.exit !== undefined) return;
  await stopProgram({ name: started.name, pid: started.pid, dataDir, graceMs });
}

/**
 * The runtime of the programs this process starts: ECR_RUNTIME (compiled|source), ECR_COMPILED=1 (as npm start
 * reads it), else the way this very code runs (a .js file is compiled code).
 */
export function preferredRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  if (env.ECR_RUNTIME === 'compiled' || env.ECR_RUNTIME === 'source') return env.ECR_RUNTIME;
  if (env.ECR_COMPILED === '1') return 'compiled';
  return path.extname(__filename) === '.js' ? 'compiled' : 'source';
}

/** `runtime` when the release has it, else the other: a release packed without dist/ still starts. */
function availableRuntime(root: string, name: string, runtime: Runtime): Runtime {
  const compiled = fs.existsSync(path.join(root, 'packages', name, 'dist', 'main.js'));
  const source = fs.existsSync(path.join(root, 'packages', name, 'src', 'main.ts'));
  if (runtime === 'compiled') return compiled || !source ? 'compiled' : 'source';
  return source || !compiled ? 'source' : 'compiled';
}

/** node's arguments for a program of a release (cli's programCommand, with that fall-back). */
export function processArgs(root: string, name: string, runtime: Runtime): string[] {
  const command = programCommand(root, name, { ECR_RUNTIME: availableRuntime(root, name, runtime) });
  if ('error' in command) throw new Error(command.error);
  return command.args;
}

export type Started = StartedProgram;

/**
 * Starts a program of the release at `root` as the launcher does: detached, output appended to logs/<name>.out
 * after a "=== ... maintenance starting" line, pid file and identity written at once.
 */
export function startProcess(root: string, name: ProcessName, dataDir: string, env: NodeJS.ProcessEnv, runtime: Runtime): Started {
  const childEnv: NodeJS.ProcessEnv = { ...env, ECR_RUNTIME: availableRuntime(root, name, runtime) };
  for (const key of TEST_ONLY_ENV) delete childEnv[key];
  delete childEnv.ECR_COMPILED;
  const started = startProgram({ root, name, dataDir, env: childEnv, by: 'maintenance' });
  if ('error' in started) throw new Error(`cannot start ${name} from ${root}: ${started.error}`);
  return started;
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
