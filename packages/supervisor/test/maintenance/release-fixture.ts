/**
 * Release archives for the maintenance tests, made with the publishers' own tool (pack-release.ts) from this
 * repository: root package.json at the given version, packages/<name>/src, scripts/; never node_modules.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packRelease } from '../../src/maintenance/pack-release';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface ReleaseOptions {
  version: string;
  /** Folder to write the archive and manifest.json into (the UPDATE_SOURCE). */
  sourceDir: string;
  /** Changes the release tree before it is packed (e.g. break a process). */
  edit?: (root: string) => void;
  /** Written into manifest.json instead of the archive's real sha256. */
  sha256?: string;
  /** Files at the archive's top instead of inside one folder. */
  flat?: boolean;
}

export interface BuiltRelease {
  archive: string;
  sha256: string;
  manifest: { version: string; archive: string; sha256: string };
}

export async function buildRelease(options: ReleaseOptions): Promise<BuiltRelease> {
  const manifest = await packRelease({ root: REPO_ROOT, outDir: options.sourceDir, version: options.version, edit: options.edit });
  const archive = path.join(options.sourceDir, manifest.archive);
  if (options.flat) await repackFlat(archive);
  const sha256 = createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
  const written = { ...manifest, sha256: options.sha256 ?? sha256 };
  fs.writeFileSync(path.join(options.sourceDir, 'manifest.json'), JSON.stringify(written, null, 2) + '\n');
  return { archive, sha256, manifest: written };
}

/** The same archive with its files at the top (as some tools pack). */
async function repackFlat(archive: string): Promise<void> {
  const tar = await import('tar');
  const dir = fs.mkdtempSync(`${archive}.flat-`);
  try {
    await tar.x({ file: archive, cwd: dir, strip: 1 });
    await tar.c({ gzip: true, file: archive, cwd: dir, portable: true }, fs.readdirSync(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
