/**
 * Which programs of a data directory run, by their pid files and the identity recorded next to them; on Linux
 * a program whose pid file was deleted by hand is found again by its command line and environment. A stale
 * pid file (its process surely gone or another program) is removed; one we cannot judge is kept.
 */
import * as fs from 'node:fs';
import { dataPaths } from '@ecr/common';
import { readIdentity, readPid, removePidFile, writePidFile } from './pid-files';
import { judgeProcess, runsProgram, type Verdict } from './process-identity';
import type { Observe } from './process-observer';
import type { ProgramName } from './programs';

export interface Seen {
  observe: Observe;
  bootTimeMs: number;
  platform: NodeJS.Platform;
  /** The delivery root: a program with no ECR_DATA_DIR running from it uses its default data directory. */
  deliveryRoot: string;
}

export type ProgramState =
  | { state: 'running'; pid: number; startedAtMs?: number }
  | { state: 'unknown'; pid: number; why: string }
  | { state: 'stopped' };

export function programState(dataDir: string, name: ProgramName, seen: Seen): ProgramState {
  const pidFile = dataPaths(dataDir).pidFile(name);
  const pid = readPid(pidFile);
  if (pid !== undefined) {
    const observed = seen.observe(pid);
    const recorded = readIdentity(pidFile, pid);
    const verdict = judgeProcess(observed, { recorded, matchesCommandLine: runsProgram(name), bootTimeMs: seen.bootTimeMs });
    const fileFromEarlierBoot = recorded === undefined && mtimeMs(pidFile) < seen.bootTimeMs;
    if (verdict.is === 'ours' && !fileFromEarlierBoot) {
      return { state: 'running', pid, startedAtMs: observed.state === 'alive' ? (observed.startedAtMs ?? recorded?.startedAtMs) : undefined };
    }
    if (verdict.is === 'unknown' && !fileFromEarlierBoot) return { state: 'unknown', pid, why: verdict.why };
    removePidFile(pidFile, pid);
  }
  const found = seen.platform === 'linux' ? findUntracked(dataDir, name, seen) : undefined;
  if (found) {
    const observed = seen.observe(found);
    if (observed.state === 'alive' && observed.image !== undefined && observed.startedAtMs !== undefined) {
      writePidFile(pidFile, { pid: found, image: observed.image, startedAtMs: observed.startedAtMs });
    }
    return { state: 'running', pid: found, startedAtMs: observed.state === 'alive' ? observed.startedAtMs : undefined };
  }
  return { state: 'stopped' };
}

/** The verdict on the release switch runner named by run/maintenance-switch.pid ('gone' without one). */
export function switchRunnerVerdict(dataDir: string, seen: Seen): { verdict: Verdict; pid?: number } {
  const file = `${dataPaths(dataDir).runDir}/maintenance-switch.pid`;
  const pid = readPid(file);
  if (pid === undefined) return { verdict: { is: 'gone' } };
  const verdict = judgeProcess(seen.observe(pid), {
    recorded: readIdentity(file, pid),
    matchesCommandLine: (line) => line.includes('switch-runner'),
    bootTimeMs: seen.bootTimeMs,
  });
  if (verdict.is === 'unknown' && mtimeMs(file) < seen.bootTimeMs) return { verdict: { is: 'gone' }, pid };
  return { verdict, pid };
}

function mtimeMs(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** A live program `name` of this data directory with no pid file (Linux: /proc). */
function findUntracked(dataDir: string, name: ProgramName, seen: Seen): number | undefined {
  const matches = runsProgram(name);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const line = args.join(' ');
      if (!matches(line)) continue;
      if (seen.observe(Number(entry)).state !== 'alive') continue;
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const value = environ.find((e) => e.startsWith('ECR_DATA_DIR='))?.slice('ECR_DATA_DIR='.length);
      const uses = value ? sameDir(value, dataDir) : sameDir(dataPaths(`${seen.deliveryRoot}/data`).dataDir, dataDir) && line.includes(`${seen.deliveryRoot}/packages/`);
      if (uses) return Number(entry);
    } catch {
      // another user's process, or it ended while we looked
    }
  }
  return undefined;
}

function sameDir(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return a === b;
  }
}
