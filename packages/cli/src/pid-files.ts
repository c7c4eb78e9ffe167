/**
 * run/<name>.pid holds the pid alone (every older reader understands it); run/<name>.identity.json beside it
 * holds the same pid with its image name and start time, written by the starter at once and again by the
 * program when it starts. An identity file naming another pid is ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessIdentity } from './process-identity';

export function identityFile(pidFile: string): string {
  return pidFile.replace(/\.pid$/, '') + '.identity.json';
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The identity recorded for `pid` beside its pid file, if any. */
export function readIdentity(pidFile: string, pid: number): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(identityFile(pidFile), 'utf8')) as Partial<ProcessIdentity>;
    if (value.pid !== pid || typeof value.image !== 'string' || typeof value.startedAtMs !== 'number') return undefined;
    return { pid, image: value.image, startedAtMs: value.startedAtMs };
  } catch {
    return undefined;
  }
}

/** Writes the pid file and its identity (each through a rename: a reader never sees half a file). */
export function writePidFile(pidFile: string, identity: ProcessIdentity): void {
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  writeAtomic(identityFile(pidFile), JSON.stringify(identity) + '\n');
  writeAtomic(pidFile, `${identity.pid}\n`);
}

/** Removes the pid file and its identity when they still name `pid` (a newer start may have replaced them). */
export function removePidFile(pidFile: string, pid: number): void {
  if (readPid(pidFile) === pid) fs.rmSync(pidFile, { force: true });
  try {
    const recorded = JSON.parse(fs.readFileSync(identityFile(pidFile), 'utf8')) as { pid?: unknown };
    if (recorded.pid === pid) fs.rmSync(identityFile(pidFile), { force: true });
  } catch {
    // none, or unreadable: left alone
  }
}

function writeAtomic(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
