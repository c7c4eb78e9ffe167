/**
 * The update step up to the switch: read the manifest and check its signature (release-signature.ts), fetch
 * the archive, check its sha256 (which the signed manifest gives), unpack it beside
 * the current release and check it is a whole release. Never half-installed: the tree is built under
 * releases/.<version>.partial and renamed to releases/<version> only once complete; a crash leaves only the
 * .partial folder (and maybe a .download file), which the next run deletes. A refused archive changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { sha256File } from './checksum';
import { currentNodeModulesTarget, describeTarget, type Manifest } from './manifest';
import { linkNodeModules, linkWorkspacePackages } from './release-node-modules';
import { ReleaseRefused } from './release-signature';
import { releaseVersion, type ReleaseLayout } from './release-layout';
import { describeSource, fetchArchive, readManifest, SourceError, type SourceOptions } from './update-source';
import type { UpdateStep } from './update-step';
import { compareVersions } from './version-order';
import type { Logger } from '@ecr/common';

export interface PrepareOptions {
  layout: ReleaseLayout;
  /** UPDATE_SOURCE ('' for none). */
  source: string;
  /** The running release. */
  running: { version: string; root: string };
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  sourceOptions?: SourceOptions;
}

export type Prepared = { ready: true; version: string; root: string } | { ready: false; step: UpdateStep };

/** Files every release must have, so a wrong or truncated archive is refused before anything is switched. */
const REQUIRED: readonly (readonly string[])[] = [
  ['package.json'],
  ['packages/common/package.json'],
  ['packages/common/src/index.ts', 'packages/common/dist/index.js'],
  ['packages/tp-manager/package.json'],
  ['packages/tp-manager/src/main.ts', 'packages/tp-manager/dist/main.js'],
  ['packages/supervisor/package.json'],
  ['packages/supervisor/src/main.ts', 'packages/supervisor/dist/main.js'],
  // The new release must be able to update itself and roll back in its turn.
  ['packages/supervisor/src/maintenance/switch-runner.ts', 'packages/supervisor/dist/maintenance/switch-runner.js'],
  ['packages/updater/package.json'],
  ['packages/updater/src/index.ts', 'packages/updater/dist/index.js'],
];

export async function prepareRelease(options: PrepareOptions): Promise<Prepared> {
  const { layout, source, running, log } = options;
  const from = running.version;
  const stop = (outcome: UpdateStep['outcome'], message: string, to?: string): Prepared => ({ ready: false, step: { outcome, message, from, to } });
  if (!source) return stop('not-configured', 'no UPDATE_SOURCE in config.txt: no update');

  let manifest: Manifest;
  try {
    manifest = await readManifest(source, layout.releaseKeyFile, options.sourceOptions);
  } catch (err) {
    if (err instanceof ReleaseRefused) return stop('refused', `update refused: ${err.message}; nothing was changed`);
    if (err instanceof SourceError) return stop('failed', err.message);
    throw err;
  }
  const to = manifest.version;
  if (compareVersions(to, from) <= 0) {
    return stop('up-to-date', `${from} is up to date (${describeSource(source)} offers ${to})`, to);
  }
  const marker = layout.rolledBackMarker(to);
  if (fs.existsSync(marker)) {
    const why = fs.readFileSync(marker, 'utf8').trim().split('\n')[0] ?? '';
    return stop('skipped', `${to} was rolled back before (${why}); not tried again: publish a newer version, or delete ${layout.releaseDir(to)} to retry`, to);
  }

  removeLeftovers(layout);
  fs.mkdirSync(layout.releasesDir, { recursive: true });
  const download = layout.downloadFile(to);
  const partial = layout.partialDir(to);
  try {
    try {
      await fetchArchive(source, manifest, download, options.sourceOptions);
    } catch (err) {
      if (err instanceof SourceError) return stop('failed', err.message, to);
      throw err;
    }
    const actual = await sha256File(download);
    if (actual !== manifest.sha256) {
      const message = `${to} refused: ${manifest.archive} does not match its checksum (manifest sha256 ${manifest.sha256}, archive sha256 ${actual}); nothing was changed`;
      return stop('refused', message, to); // logged once, by the caller
    }

    fs.mkdirSync(partial);
    try {
      await tar.x({ file: download, cwd: partial, strict: true });
    } catch (err) {
      return stop('refused', `${to} refused: ${manifest.archive} cannot be unpacked (${(err as Error).message}); nothing was changed`, to);
    }
    const root = releaseRootIn(partial);
    const problem = checkRelease(root, to) ?? checkNodeModules(root, manifest);
    if (problem) return stop('refused', `${to} refused: ${problem}; nothing was changed`, to);
    if (manifest.nodeModules) linkWorkspacePackages(root);
    else linkNodeModules(root, running.root);

    const target = layout.releaseDir(to);
    fs.rmSync(target, { recursive: true, force: true }); // an earlier copy that never became current
    fs.renameSync(root, target);
    log.info(`update ${to} unpacked into ${target} (sha256 ${actual} checked)`);
    return { ready: true, version: to, root: target };
  } catch (err) {
    return stop('failed', `${to} not installed: ${(err as Error).message}; nothing was changed`, to);
  } finally {
    fs.rmSync(download, { force: true });
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

/** An archive holds the release at its top, or inside one folder (as `npm pack` and most tools make it). */
function releaseRootIn(dir: string): string {
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  if (entries.length === 1 && entries[0]!.isDirectory()) return path.join(dir, entries[0]!.name);
  return dir;
}

/** Why `root` is not release `version`, or undefined when it is one. */
function checkRelease(root: string, version: string): string | undefined {
  for (const alternatives of REQUIRED) {
    if (!alternatives.some((file) => fs.existsSync(path.join(root, file)))) {
      return `the archive has no ${alternatives.join(' or ')}`;
    }
  }
  let found: string;
  try {
    found = releaseVersion(root);
  } catch (err) {
    return (err as Error).message.replace(root + path.sep, 'the archive\'s ');
  }
  if (found !== version) return `the archive holds version ${found} but the manifest says ${version}`;
  return undefined;
}

/**
 * Why the release's node_modules cannot run here, or undefined: an archive brings node_modules only when its
 * signed manifest says for which platform and Node ABI (native modules are built for one), and that must be
 * this process's own.
 */
function checkNodeModules(root: string, manifest: Manifest): string | undefined {
  const carried = fs.existsSync(path.join(root, 'node_modules'));
  if (!manifest.nodeModules) return carried ? 'the archive carries node_modules that its manifest does not declare' : undefined;
  const here = currentNodeModulesTarget();
  const there = manifest.nodeModules;
  if (there.platform !== here.platform || there.arch !== here.arch || there.abi !== here.abi) {
    return `its node_modules are for ${describeTarget(there)}, this kiosk runs ${describeTarget(here)} (Node ${process.versions.node}): publish a release packed on this platform, or one without --node-modules`;
  }
  if (!carried) return 'the manifest declares node_modules that the archive does not carry';
  return undefined;
}

/** What an interrupted run left: .<version>.partial folders and .download files. */
function removeLeftovers(layout: ReleaseLayout): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(layout.releasesDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith('.') && (entry.endsWith('.partial') || entry.includes('.download-'))) {
      fs.rmSync(path.join(layout.releasesDir, entry), { recursive: true, force: true });
    }
  }
}
