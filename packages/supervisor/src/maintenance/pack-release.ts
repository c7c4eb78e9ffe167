/**
 * For whoever publishes a release: packs this tree as an UPDATE_SOURCE expects it, a .tar.gz of the release
 * files (root package.json, tsconfig files, packages/<name>/{package.json,tsconfig.json,src}, scripts/; with
 * --compiled also packages/<name>/dist, built first with npm run build) and its manifest.json beside it.
 * Never node_modules (see release-node-modules.ts), tests or data.
 *   npx tsx packages/supervisor/src/maintenance/pack-release.ts --out /srv/ecr-updates [--compiled]
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { MANIFEST_FILE, type Manifest } from './manifest';
import { releaseVersion } from './release-layout';
import { isVersion } from './version-order';

export interface PackOptions {
  /** The tree to pack (its root package.json gives the version unless `version` is given). */
  root: string;
  /** Folder receiving the archive and manifest.json (an UPDATE_SOURCE). */
  outDir: string;
  /** Written as the release's version (its root package.json is rewritten in the archive). */
  version?: string;
  /** Also pack packages/<name>/dist. */
  compiled?: boolean;
  /** Changes the copied tree before packing (tests: a broken release). */
  edit?: (tree: string) => void;
}

const SKIPPED = new Set(['node_modules', 'test', '.tsbuildinfo']);

function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(src, path.join(to, entry.name));
    else if (entry.isFile()) fs.copyFileSync(src, path.join(to, entry.name));
  }
}

/** Copies the release files of `root` into `tree`, at `version`. */
export function writeReleaseTree(root: string, tree: string, version: string, compiled = false): void {
  fs.mkdirSync(tree, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2) + '\n');
  for (const file of ['package-lock.json', 'tsconfig.base.json', 'tsconfig.json']) {
    if (fs.existsSync(path.join(root, file))) fs.copyFileSync(path.join(root, file), path.join(tree, file));
  }
  if (fs.existsSync(path.join(root, 'scripts'))) copyTree(path.join(root, 'scripts'), path.join(tree, 'scripts'));
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
    const from = path.join(root, 'packages', pkg);
    if (!fs.existsSync(path.join(from, 'package.json'))) continue;
    const to = path.join(tree, 'packages', pkg);
    fs.mkdirSync(to, { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) {
      if (fs.existsSync(path.join(from, file))) fs.copyFileSync(path.join(from, file), path.join(to, file));
    }
    copyTree(path.join(from, 'src'), path.join(to, 'src'));
    if (compiled) {
      if (!fs.existsSync(path.join(from, 'dist'))) throw new Error(`${path.join(from, 'dist')} is missing: run npm run build first`);
      copyTree(path.join(from, 'dist'), path.join(to, 'dist'));
    }
  }
}

/** Packs the release; returns the manifest written beside the archive. */
export async function packRelease(options: PackOptions): Promise<Manifest> {
  const version = options.version ?? releaseVersion(options.root);
  if (!isVersion(version)) throw new Error(`"${version}" is not a version such as 0.2.0`);
  const name = `unattended-ecr-connector-${version}`;
  fs.mkdirSync(options.outDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(options.outDir, '.staging-'));
  try {
    writeReleaseTree(options.root, path.join(staging, name), version, options.compiled);
    options.edit?.(path.join(staging, name));
    const archive = `${name}.tar.gz`;
    await tar.c({ gzip: true, file: path.join(options.outDir, archive), cwd: staging, portable: true }, [name]);
    const sha256 = createHash('sha256').update(fs.readFileSync(path.join(options.outDir, archive))).digest('hex');
    const manifest: Manifest = { version, archive, sha256 };
    // The manifest last: a source being published never names an archive that is not there yet.
    fs.writeFileSync(path.join(options.outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const outDir = value('--out');
  if (!outDir) {
    process.stderr.write('usage: pack-release --out <UPDATE_SOURCE folder> [--version 0.2.0] [--compiled]\n');
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  packRelease({ root, outDir: path.resolve(outDir), version: value('--version'), compiled: argv.includes('--compiled') }).then(
    (m) => process.stdout.write(`${path.join(path.resolve(outDir), m.archive)}\n${JSON.stringify(m)}\n`),
    (err: Error) => {
      process.stderr.write(`pack-release: ${err.message}\n`);
      process.exit(1);
    },
  );
}
