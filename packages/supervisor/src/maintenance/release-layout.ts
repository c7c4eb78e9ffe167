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

/**
 * Points `current` at `target` (or removes it for null) in one step: a new link under a temporary name is
 * renamed over the old one, so a reader sees either the old release or the new one, never no link.
 */
export function setCurrentLink(layout: ReleaseLayout, target: string | null): void {
  fs.mkdirSync(layout.releasesDir, { recursive: true });
  if (target === null) {
    fs.rmSync(layout.currentLink, { force: true });
    return;
  }
  const absolute = path.resolve(target);
  // A release inside releases/ is linked by its name, so the data directory can be moved as a whole.
  const inside = path.dirname(absolute) === layout.releasesDir;
  const linkText = inside ? path.basename(absolute) : absolute;
  const temp = `${layout.currentLink}.tmp-${process.pid}`;
  fs.rmSync(temp, { force: true });
  fs.symlinkSync(linkText, temp, process.platform === 'win32' ? 'junction' : 'dir');
  fs.renameSync(temp, layout.currentLink);
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
