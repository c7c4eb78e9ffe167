/**
 * Where releases live in the data directory:
 *   releases/<version>/          a full release tree (root package.json, packages/*, scripts/)
 *   releases/current             symlink to the active release; without it, the installed tree is the release
 *   releases/.<version>.partial  an unpack in progress (a crash leaves only this; the next run deletes it)
 *   maintenance/last-run.json    the outcome of the last maintenance run
 *   release-key.pub              the publisher's Ed25519 public key: only releases it signed are installed
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataPaths } from '@ecr/common';

export interface ReleaseLayout {
  dataDir: string;
  releasesDir: string;
  currentLink: string;
  releaseDir(version: string): string;
  partialDir(version: string): string;
  downloadFile(version: string): string;
  /** Written in a release that was rolled back; the next runs do not try that version again. */
  rolledBackMarker(version: string): string;
  maintenanceDir: string;
  lastRunFile: string;
  /** What the switch runner is asked to do. */
  jobFile: string;
  /** The switch runner's pid while it stops and starts the processes (the watchdog leaves them alone then). */
  switchPidFile: string;
  /** A technician's "run the maintenance now" (written by the maintenance CLI). */
  runNowFile: string;
  pidFile(name: string): string;
  logsDir: string;
  /** The public key (PEM) that must verify each release's manifest.sig (release-signature.ts). */
  releaseKeyFile: string;
}

export function releaseLayout(dataDir: string): ReleaseLayout {
  const paths = dataPaths(dataDir);
  const releasesDir = path.join(paths.dataDir, 'releases');
  const maintenanceDir = path.join(paths.dataDir, 'maintenance');
  return {
    dataDir: paths.dataDir,
    releasesDir,
    currentLink: path.join(releasesDir, 'current'),
    releaseDir: (version) => path.join(releasesDir, version),
    partialDir: (version) => path.join(releasesDir, `.${version}.partial`),
    downloadFile: (version) => path.join(releasesDir, `.${version}.download-${process.pid}.tar.gz`),
    rolledBackMarker: (version) => path.join(releasesDir, version, 'ROLLED-BACK.txt'),
    maintenanceDir,
    lastRunFile: path.join(maintenanceDir, 'last-run.json'),
    jobFile: path.join(maintenanceDir, 'switch-job.json'),
    switchPidFile: path.join(paths.runDir, 'maintenance-switch.pid'),
    runNowFile: path.join(maintenanceDir, 'run-now'),
    pidFile: paths.pidFile,
    logsDir: paths.logsDir,
    releaseKeyFile: path.join(paths.dataDir, 'release-key.pub'),
  };
}

/** The absolute directory `current` points to, or null when there is no `current` link. */
export function readCurrentLink(layout: ReleaseLayout): string | null {
  let target: string;
  try {
    target = fs.readlinkSync(layout.currentLink);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return path.resolve(layout.releasesDir, target);
}

/** The file-system calls the switch makes on `current` (replaced in tests by ones that act like Windows). */
export interface LinkFs {
  symlinkSync(target: string, path: string, type?: 'dir' | 'file' | 'junction'): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options?: { force?: boolean; recursive?: boolean }): void;
  existsSync(path: string): boolean;
}

export interface LinkOptions {
  platform?: NodeJS.Platform;
  fs?: LinkFs;
  /** Waits between tries; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Back-off between tries of a step Windows refused with EPERM/EBUSY (Defender scanning a new file): ~6 s in all. */
export const LINK_RETRY_MS = [50, 100, 200, 400, 800, 1600, 3000];

/**
 * Points `current` at `target` (or removes it for null).
 * POSIX: a new link under a temporary name is renamed over the old one, so a reader sees either release.
 * Windows: rename will not replace a directory, and a junction counts as one (libuv's fs.rename is MoveFileExW
 * with MOVEFILE_REPLACE_EXISTING, which refuses a directory target: issue 14 defect 1). There the old junction is
 * removed, then the new one made; the gap is covered by the switch runner's pid file, during which the launcher
 * and the watchdog leave the programs alone. Each step is tried again with back-off on EPERM/EBUSY/EACCES.
 */
export async function setCurrentLink(layout: ReleaseLayout, target: string | null, o: LinkOptions = {}): Promise<void> {
  const platform = o.platform ?? process.platform;
  const lfs = o.fs ?? fs;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retry = (step: () => void) => withRetry(step, sleep);
  fs.mkdirSync(layout.releasesDir, { recursive: true });
  if (target === null) {
    await retry(() => lfs.rmSync(layout.currentLink, { force: true }));
    return;
  }
  const absolute = path.resolve(target);
  // Already there (e.g. a failed switch never moved it): nothing to change, nothing to fail.
  if (lfs.existsSync(layout.currentLink) && readCurrentLinkOrNull(layout) === absolute) return;
  // A release inside releases/ is linked by its name, so the data directory can be moved as a whole (POSIX);
  // a junction always holds an absolute path.
  const inside = path.dirname(absolute) === layout.releasesDir;
  if (platform === 'win32') {
    // rmSync on a junction removes the link, never the release it points to.
    await retry(() => lfs.rmSync(layout.currentLink, { force: true }));
    await retry(() => lfs.symlinkSync(absolute, layout.currentLink, 'junction'));
    return;
  }
  const linkText = inside ? path.basename(absolute) : absolute;
  const temp = `${layout.currentLink}.tmp-${process.pid}`;
  await retry(() => lfs.rmSync(temp, { force: true }));
  await retry(() => lfs.symlinkSync(linkText, temp, 'dir'));
  await retry(() => lfs.renameSync(temp, layout.currentLink));
}

function readCurrentLinkOrNull(layout: ReleaseLayout): string | null {
  try {
    return readCurrentLink(layout);
  } catch {
    return null;
  }
}

async function withRetry(step: () => void, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      step();
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const transient = code === 'EPERM' || code === 'EBUSY' || code === 'EACCES';
      if (!transient || attempt >= LINK_RETRY_MS.length) throw err;
      await sleep(LINK_RETRY_MS[attempt]!);
    }
  }
}

/** The "version" of a release tree's root package.json. */
export function releaseVersion(root: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${path.join(root, 'package.json')} has no "version"`);
  return manifest.version;
}

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(temp, file);
}
