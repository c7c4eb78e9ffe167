/**
 * Starting and stopping the programs from outside them, for the launcher, the watchdog and the release
 * switch alike: detached starts whose output goes to logs/<name>.out and whose pid and identity are written at
 * once; stops that first ask (run/<name>.stop, which the programs watch; SIGTERM on POSIX) and kill only after
 * a grace time. On Windows SIGTERM is TerminateProcess, a hard kill: it is never the first step there.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataPaths } from '@ecr/common';
import { removePidFile, writePidFile } from './pid-files';
import { aliveOnWindows, imageOf, linuxProcessTable, observerFor, TOOL_TIMEOUT_MS, type Observe } from './process-observer';
import { programCommand, type ProgramName } from './programs';
import { readFrom, startupReason } from './startup-reason';

/** Variables a test sets for the supervisor it starts; processes the release switch starts do not inherit them. */
export const TEST_ONLY_ENV = ['ECR_MAINTENANCE_CLOCK'];

export interface StartedProgram {
  name: ProgramName;
  pid: number;
  outFile: string;
  /** Where this start's output begins in outFile. */
  outStart: number;
  /** Set once the process ended ("exit code 1", "signal SIGKILL"). */
  exit?: string;
}

export interface StartOptions {
  root: string;
  name: ProgramName;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Who starts it, for the marker line in the .out file ("launch", "always-up", "maintenance"). */
  by: string;
}

/** The .out file's size limit: past it, its content moves to <name>.out.1 (the daily logs hold the history). */
export function trimOut(outFile: string, maxBytes: number): void {
  try {
    if (fs.statSync(outFile).size <= maxBytes) return;
    fs.copyFileSync(outFile, `${outFile}.1`);
    fs.truncateSync(outFile, 0); // the programs append (O_APPEND): truncating under a running one is safe
  } catch {
    // none yet
  }
}

/** Starts a program detached (its own process group; no console window on Windows). */
export function startProgram(o: StartOptions): StartedProgram | { error: string } {
  const command = programCommand(o.root, o.name, o.env);
  if ('error' in command) return { error: command.error };
  const paths = dataPaths(o.dataDir);
  fs.mkdirSync(paths.logsDir, { recursive: true });
  const outFile = path.join(paths.logsDir, `${o.name}.out`);
  trimOut(outFile, Number(o.env.ECR_OUT_MAX_BYTES) > 0 ? Number(o.env.ECR_OUT_MAX_BYTES) : 10 * 1024 * 1024);
  fs.appendFileSync(outFile, `=== ${new Date().toISOString()}: ${o.by} starting ${o.name} from ${o.root}\n`);
  const outStart = fs.statSync(outFile).size;
  // A stop request left for an earlier process must not stop this one.
  fs.rmSync(stopRequestFile(o.dataDir, o.name), { force: true });
  const out = fs.openSync(outFile, 'a');
  try {
    const env: NodeJS.ProcessEnv = { ...o.env, ECR_DATA_DIR: paths.dataDir, FORCE_COLOR: '0' };
    const child = spawn(process.execPath, command.args, { cwd: command.cwd, env, detached: true, stdio: ['ignore', out, out], windowsHide: true });
    if (child.pid === undefined) return { error: `cannot run ${process.execPath}` };
    // Written at once, so no second copy starts while this one loads; the program writes it again when it runs.
    writePidFile(paths.pidFile(o.name), { pid: child.pid, image: imageOf(process.execPath), startedAtMs: Date.now() });
    const started: StartedProgram = { name: o.name, pid: child.pid, outFile, outStart };
    child.on('exit', (code, sig) => (started.exit = sig ? `signal ${sig}` : `exit code ${code}`));
    child.on('error', (err) => (started.exit = err.message));
    child.unref();
    return started;
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Waits until each started program logs "<name> ready in ... (pid <pid>)", stops (its one-line reason; its pid
 * file removed), or `waitMs` pass. One line per program, in the order they settle; `failed` if any stopped.
 */
export async function awaitStart(dataDir: string, started: StartedProgram[], waitMs: number, say: (line: string) => void): Promise<{ failed: boolean }> {
  const deadline = Date.now() + waitMs;
  const pending = [...started];
  let failed = false;
  for (;;) {
    for (const p of [...pending]) {
      const text = readFrom(p.outFile, p.outStart);
      let line: string | undefined;
      if (new RegExp(`${p.name} ready in .*\\(pid ${p.pid}\\)`).test(text)) {
        line = `${p.name}: started (pid ${p.pid})`;
      } else if (p.exit !== undefined) {
        failed = true;
        removePidFile(dataPaths(dataDir).pidFile(p.name), p.pid);
        line = startupReason(readFrom(p.outFile, p.outStart), p.name, p.outFile);
      } else if (Date.now() >= deadline) {
        line = `${p.name}: started (pid ${p.pid}) but not ready after ${Math.round(waitMs / 1000)} s; see ${p.outFile}`;
      }
      if (line === undefined) continue;
      say(line);
      pending.splice(pending.indexOf(p), 1);
    }
    if (pending.length === 0) return { failed };
    await new Promise((r) => setTimeout(r, 200));
  }
}

// --- stopping ---------------------------------------------------------------------------------------------

/** run/<name>.stop: a stop request the programs honour (process-main.ts), holding the pid it is meant for. */
export function stopRequestFile(dataDir: string, name: string): string {
  return dataPaths(dataDir).stopRequestFile(name);
}

/** The steps of a stop, per platform: ask first, wait, then force. */
export type StopStep = 'request-file' | 'sigterm' | 'wait-grace' | 'force';

export function stopPlan(platform: NodeJS.Platform): StopStep[] {
  // Windows: process.kill(pid, 'SIGTERM') is TerminateProcess, so only the stop file asks.
  return platform === 'win32' ? ['request-file', 'wait-grace', 'force'] : ['request-file', 'sigterm', 'wait-grace', 'force'];
}

export type StopOutcome = 'stopped' | 'killed' | 'still-running';

export interface StopTarget {
  name: string;
  pid: number;
  dataDir: string;
  graceMs: number;
}

/** What a stop does to processes, per platform; replaced in tests. */
export interface StopActions {
  /** The processes the stop is about (the program and its children), for the liveness checks. */
  members(pid: number): number[];
  signal(pids: number[], leader: number, sig: 'SIGTERM' | 'SIGKILL'): void;
  /** Windows: taskkill /T /F. */
  forceTree(pid: number): void;
  alive(pid: number): boolean;
}

export async function stopProgram(t: StopTarget, platform: NodeJS.Platform = process.platform, actions: StopActions = stopActionsFor(platform)): Promise<StopOutcome> {
  const requestFile = stopRequestFile(t.dataDir, t.name);
  const members = actions.members(t.pid);
  const left = () => members.filter((p) => actions.alive(p));
  let outcome: StopOutcome = 'stopped';
  for (const step of stopPlan(platform)) {
    if (left().length === 0) break;
    if (step === 'request-file') {
      try {
        fs.mkdirSync(path.dirname(requestFile), { recursive: true });
        fs.writeFileSync(requestFile, `${t.pid}\n`);
      } catch {
        // a read-only run/: the signal (or the kill) still works
      }
    } else if (step === 'sigterm') {
      actions.signal(members, t.pid, 'SIGTERM');
    } else if (step === 'wait-grace') {
      await waitFor(() => left().length === 0, t.graceMs);
    } else {
      outcome = 'killed';
      if (platform === 'win32') actions.forceTree(t.pid);
      else actions.signal(left(), t.pid, 'SIGKILL');
      if (!(await waitFor(() => left().length === 0, 3000))) outcome = 'still-running';
    }
  }
  fs.rmSync(requestFile, { force: true });
  if (outcome !== 'still-running') removePidFile(dataPaths(t.dataDir).pidFile(t.name), t.pid);
  return outcome;
}

async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export function stopActionsFor(platform: NodeJS.Platform, observe: Observe = observerFor(platform)): StopActions {
  const alive = (pid: number) => observe(pid).state !== 'gone';
  if (platform === 'win32') {
    return {
      members: (pid) => [pid],
      signal: () => undefined,
      forceTree: (pid) => {
        try {
          execFileSync('taskkill', ['/PID', String(pid), '/T', '/F'], { timeout: TOOL_TIMEOUT_MS, windowsHide: true, stdio: 'ignore' });
        } catch {
          // gone already, or refused: the check after says which
        }
      },
      alive: (pid) => aliveOnWindows(pid),
    };
  }
  return {
    // A program the launcher started leads its process group; one started otherwise (npm start) is stopped
    // with its descendants, never by a group it does not lead.
    members: (pid) => {
      if (platform !== 'linux') return [pid];
      const table = linuxProcessTable();
      if (table.find((p) => p.pid === pid)?.pgid === pid) return table.filter((p) => p.pgid === pid).map((p) => p.pid);
      // Descendants in its process group only: a detached one (the release switch runner, started by the
      // supervisor to stop it) is not part of the program, and this process never stops itself.
      const pgid = table.find((p) => p.pid === pid)?.pgid;
      const tree = new Set([pid]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const p of table) {
          if (tree.has(p.ppid) && !tree.has(p.pid) && p.pgid === pgid && p.pid !== process.pid) {
            tree.add(p.pid);
            grew = true;
          }
        }
      }
      return [...tree];
    },
    signal: (pids, leader, sig) => {
      let grouped = false;
      try {
        if (linuxProcessTable().find((p) => p.pid === leader)?.pgid === leader || platform !== 'linux') {
          process.kill(-leader, sig);
          if (sig === 'SIGTERM') process.kill(-leader, 'SIGCONT'); // a suspended process cannot act on SIGTERM
          grouped = true;
        }
      } catch {
        // not a group leader
      }
      if (grouped) return;
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
          if (sig === 'SIGTERM') process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
      }
    },
    forceTree: () => undefined,
    alive,
  };
}
