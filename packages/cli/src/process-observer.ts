/**
 * Reading a process's image name, start time and command line from the OS, per platform. Linux: /proc (no
 * child process). Windows: `tasklist` for the image and PowerShell's Get-Process for the start time, each
 * bounded by a timeout (no WMI: a hung WMI query hung the old watchdog for ever, issue 14 defect 4); a tool
 * that is blocked or slow gives "cannot tell", never "gone". The parsers are pure and tested on Linux.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Observation } from './process-identity';

/** Longest wait for a Windows tool (tasklist, PowerShell) before "cannot tell". */
export const TOOL_TIMEOUT_MS = 10_000;

export type Observe = (pid: number) => Observation;

/** Linux clock ticks per second (getconf CLK_TCK: 100 on every Linux Node supports). */
const CLK_TCK = 100;

/** The observer for `platform` (process.platform by default). */
export function observerFor(platform: NodeJS.Platform = process.platform): Observe {
  if (platform === 'linux') return observeLinux;
  if (platform === 'win32') return observeWindows;
  return observePs;
}

/** The image name the OS reports for an executable path (`node.exe` on Windows, `node` elsewhere). */
export function imageOf(executable: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.win32.basename(executable);
  try {
    // /proc/<pid>/exe names the file a symlink such as /usr/bin/node points to.
    return path.posix.basename(fs.realpathSync(executable));
  } catch {
    return path.posix.basename(executable);
  }
}

/** When this machine last booted (ms since the epoch). */
export function bootTimeMs(): number {
  return Date.now() - os.uptime() * 1000;
}

// --- Linux ------------------------------------------------------------------------------------------------

export function observeLinux(pid: number): Observation {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? { state: 'gone' } : { state: 'unknown', why: `cannot read /proc/${pid} (${code})` };
  }
  const parsed = parseProcStat(stat, bootSecondsLinux());
  if (parsed === undefined) return { state: 'unknown', why: `cannot parse /proc/${pid}/stat` };
  if (parsed.zombie) return { state: 'gone' };
  let commandLine: string | undefined;
  let image: string | undefined;
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    commandLine = args.join(' ');
    if (args[0]) image = path.posix.basename(args[0]);
  } catch {
    // another user's process: the start time still decides
  }
  try {
    image = path.posix.basename(fs.readlinkSync(`/proc/${pid}/exe`));
  } catch {
    // not readable for another user: argv[0] stands in
  }
  return { state: 'alive', image, startedAtMs: parsed.startedAtMs, commandLine };
}

/** /proc/<pid>/stat: the state (field 3) and the start time in ticks after boot (field 22). */
export function parseProcStat(stat: string, bootSeconds: number | undefined): { zombie: boolean; startedAtMs?: number } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  const ticks = Number(fields[19]);
  const zombie = fields[0] === 'Z' || fields[0] === 'X';
  if (bootSeconds === undefined || !Number.isFinite(ticks)) return { zombie };
  return { zombie, startedAtMs: bootSeconds * 1000 + Math.round((ticks * 1000) / CLK_TCK) };
}

function bootSecondsLinux(): number | undefined {
  try {
    const match = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The parent of every live process (Linux), for stopping the tree of a program that does not lead its group. */
export function linuxProcessTable(): { pid: number; ppid: number; pgid: number }[] {
  const table: { pid: number; ppid: number; pgid: number }[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      table.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // ended while we looked
    }
  }
  return table;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

// --- Windows ----------------------------------------------------------------------------------------------

/** Windows liveness alone (tasklist, no PowerShell): for the polls of a stop. Unknown counts as alive. */
export function aliveOnWindows(pid: number, run: ToolRunner = runTool): boolean {
  const listed = run('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH']);
  return listed === undefined || parseTasklistCsv(listed, pid) !== null;
}

export function observeWindows(pid: number, run: ToolRunner = runTool): Observation {
  const listed = run('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH']);
  if (listed === undefined) return { state: 'unknown', why: 'tasklist did not answer' };
  const image = parseTasklistCsv(listed, pid);
  if (image === null) return { state: 'gone' };
  if (image === undefined) return { state: 'unknown', why: 'tasklist answered something unexpected' };
  const started = run('powershell', [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `(Get-Process -Id ${pid} -ErrorAction Stop).StartTime.ToUniversalTime().ToString('o')`,
  ]);
  return { state: 'alive', image, startedAtMs: started === undefined ? undefined : parseIsoTime(started) };
}

/**
 * `tasklist /FI "PID eq n" /FO CSV /NH`: the image name of that pid, null when no process has it ("INFO: No
 * tasks are running which match the specified criteria."), undefined when the text is not understood.
 */
export function parseTasklistCsv(text: string, pid: number): string | null | undefined {
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
    if (cells.length >= 2 && Number(cells[1]) === pid) return cells[0]!;
  }
  if (/^INFO:/m.test(text)) return null;
  return undefined;
}

function parseIsoTime(text: string): number | undefined {
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

/** Runs a tool and returns its stdout, or undefined when it failed or outlived TOOL_TIMEOUT_MS. */
export type ToolRunner = (command: string, args: string[]) => string | undefined;

function runTool(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

// --- elsewhere (macOS) ------------------------------------------------------------------------------------

function observePs(pid: number): Observation {
  const out = runTool('ps', ['-o', 'stat=', '-o', 'lstart=', '-o', 'args=', '-p', String(pid)]);
  if (out === undefined || out.trim() === '') return { state: 'gone' };
  const match = /^(\S+)\s+(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(out.trim());
  if (!match) return { state: 'unknown', why: 'ps answered something unexpected' };
  if (match[1]!.startsWith('Z')) return { state: 'gone' };
  const args = match[3]!;
  return { state: 'alive', image: path.posix.basename(args.split(' ')[0]!), startedAtMs: parseIsoTime(match[2]!), commandLine: args };
}
