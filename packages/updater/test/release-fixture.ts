/**
 * Release archives for the maintenance tests, made with the publishers' own tool (pack-release.ts) from this
 * repository: root package.json at the given version, packages/<name>/src, scripts/; node_modules only when
 * asked. Signed with a key pair made once per test process (trustTestKey puts its public half in a data
 * directory, as a technician installs release-key.pub).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packRelease, writeSignedManifest } from '../src/pack-release';
import { releaseLayout } from '../src/release-layout';
import { writeNewKeyPair } from '../src/release-signature';

let keys: { privateKeyFile: string; publicKeyFile: string } | undefined;

/** The test publisher's key pair (files in a temporary folder removed when the process ends). */
export function testReleaseKeys(): { privateKeyFile: string; publicKeyFile: string } {
  if (!keys) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-release-key-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    keys = writeNewKeyPair(path.join(dir, 'release.key'));
  }
  return keys;
}

/** Makes the data directory trust the test publisher's key. */
export function trustTestKey(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(testReleaseKeys().publicKeyFile, releaseLayout(dataDir).releaseKeyFile);
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

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
  /** Also pack the production node_modules (and packages/<name>/dist, which they run: npm run build first). */
  nodeModules?: boolean;
}

/**
 * A release that carries its node_modules runs compiled code (packages/<name>/dist). A fresh checkout has none
 * until `npm run build`, so the tests that pack one build first: `npm test` needs no other step.
 */
export function ensureCompiled(): void {
  const packages = fs.readdirSync(path.join(REPO_ROOT, 'packages'));
  if (packages.every((name) => fs.existsSync(path.join(REPO_ROOT, 'packages', name, 'dist')))) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface BuiltRelease {
  archive: string;
  sha256: string;
  manifest: Awaited<ReturnType<typeof packRelease>>;
}

export async function buildRelease(options: ReleaseOptions): Promise<BuiltRelease> {
  const { privateKeyFile } = testReleaseKeys();
  const manifest = await packRelease({
    root: REPO_ROOT,
    outDir: options.sourceDir,
    version: options.version,
    edit: options.edit,
    nodeModules: options.nodeModules,
    compiled: options.nodeModules,
    privateKeyFile,
  });
  const archive = path.join(options.sourceDir, manifest.archive);
  if (options.flat) await repackFlat(archive);
  const sha256 = createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
  const written = { ...manifest, sha256: options.sha256 ?? sha256 };
  writeSignedManifest(options.sourceDir, written, privateKeyFile);
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
