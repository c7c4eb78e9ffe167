/**
 * The connector's programs as they run in production: compiled JavaScript started with plain node, each with
 * its output kept (test-support's track) and its memory read from /proc.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { track, type Running } from '../test-support/processes';
import { epochMs } from './stats';

export const REPO_ROOT = path.resolve(__dirname, '..');

export interface Spawned {
  name: string;
  running: Running;
  pid: number;
  /** Epoch ms just before spawn(). */
  spawnedAt: number;
  /** Resolves once the ready line is printed. */
  ready: Promise<Ready>;
}

export interface Ready {
  /** Epoch ms when the ready line arrived on its output. */
  lineAt: number;
  /** Spawn to ready line, ms: Node's start, loading the modules, and the program's own start. */
  spawnToLineMs: number;
  /** What the program says: "<name> ready in N ms" (measured inside, from after config and logger). */
  reportedMs: number;
  match: RegExpMatchArray;
}

/**
 * node [flags] packages/<name>/dist/main.js [args]: the program as production runs it. `root` is the tree
 * it runs from (a copy of the repository with a change to try, see README.md).
 */
export function spawnCompiled(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
  readyPattern = new RegExp(`${name} ready in (\\d+) ms`),
  root = REPO_ROOT,
): Spawned {
  const entry = path.join(root, 'packages', name, 'dist', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const spawnedAt = epochMs();
  const child = spawn(process.execPath, [...nodeFlags, entry, ...args], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = track(child);
  let lineAt = 0;
  // Time the line the moment it arrives, not when waitFor's promise gets to run.
  const onData = (): void => {
    if (lineAt === 0 && readyPattern.test(running.output())) lineAt = epochMs();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const ready = running.waitFor(readyPattern, 20_000).then((match) => {
    if (lineAt === 0) lineAt = epochMs();
    return { lineAt, spawnToLineMs: lineAt - spawnedAt, reportedMs: match[1] === undefined ? NaN : Number(match[1]), match };
  });
  return { name, running, pid: child.pid!, spawnedAt, ready };
}

export interface Memory {
  /** Resident set now, MB (VmRSS). */
  rssMb: number;
  /** Highest resident set so far, MB (VmHWM). */
  hwmMb: number;
  /** The part of it that is the process's own memory (heap, stacks, buffers): RssAnon. */
  anonMb: number;
  /** The part that is mapped files, mostly the node binary's code, shared by every node process: RssFile. */
  fileMb: number;
}

/** VmRSS, VmHWM, RssAnon and RssFile of a live process (Linux). */
export function memoryOf(pid: number): Memory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(m[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024 };
}

let ticksPerSecond: number | undefined;

/** CPU time a live process has used so far (user + system), ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
