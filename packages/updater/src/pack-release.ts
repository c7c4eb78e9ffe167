/**
 * For whoever publishes a release: packs this tree as an UPDATE_SOURCE expects it, a .tar.gz of the release
 * files (root package.json, tsconfig files, packages/<name>/{package.json,tsconfig.json,src}, scripts/; with
 * --compiled also packages/<name>/dist, built first with npm run build; with --node-modules the production
 * node_modules of this platform, see release-node-modules.ts), its manifest.json beside it, and manifest.sig,
 * the manifest's Ed25519 signature by the publisher's private key (release-signature.ts). Never tests or data.
 *   npx tsx packages/updater/src/pack-release.ts --out /srv/ecr-updates --key release.key [--compiled]
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tar from 'tar';
import { currentNodeModulesTarget, MANIFEST_FILE, type Manifest } from './manifest';
import { releaseVersion } from './release-layout';
import { copyProductionNodeModules } from './release-node-modules';
import { SIGNATURE_FILE, signManifest, writeNewKeyPair } from './release-signature';
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
  /** Also pack the production node_modules (this platform's; the manifest names it). */
  nodeModules?: boolean;
  /** The Ed25519 private key (PEM) that signs manifest.json into manifest.sig. */
  privateKeyFile: string;
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

/**
 * Writes manifest.json and manifest.sig into `outDir`, signature first and both after the archive: a source
 * being published never names an archive that is not there yet (a reader between the two files sees a
 * signature that does not verify, and refuses, then tries again the next day).
 */
export function writeSignedManifest(outDir: string, manifest: Manifest, privateKeyFile: string): void {
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  const signature = signManifest(bytes, privateKeyFile);
  fs.writeFileSync(path.join(outDir, SIGNATURE_FILE), signature);
  fs.writeFileSync(path.join(outDir, MANIFEST_FILE), bytes);
}

/** Packs and signs the release; returns the manifest written beside the archive. */
export async function packRelease(options: PackOptions): Promise<Manifest> {
  const version = options.version ?? releaseVersion(options.root);
  if (!isVersion(version)) throw new Error(`"${version}" is not a version such as 0.2.0`);
  // tsx, which runs the TypeScript sources, is a dev dependency: production node_modules run compiled code only.
  if (options.nodeModules && !options.compiled) throw new Error('--node-modules needs --compiled (production node_modules have no tsx to run the sources)');
  const name = `unattended-ecr-connector-${version}`;
  fs.mkdirSync(options.outDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(options.outDir, '.staging-'));
  try {
    writeReleaseTree(options.root, path.join(staging, name), version, options.compiled);
    if (options.nodeModules) copyProductionNodeModules(options.root, path.join(staging, name));
    options.edit?.(path.join(staging, name));
    const archive = `${name}.tar.gz`;
    await tar.c({ gzip: true, file: path.join(options.outDir, archive), cwd: staging, portable: true }, [name]);
    const sha256 = createHash('sha256').update(fs.readFileSync(path.join(options.outDir, archive))).digest('hex');
    const manifest: Manifest = { version, archive, sha256, ...(options.nodeModules ? { nodeModules: currentNodeModulesTarget() } : {}) };
    writeSignedManifest(options.outDir, manifest, options.privateKeyFile);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

const USAGE = `usage: npx tsx packages/updater/src/pack-release.ts --out <folder> --key <private key file> [options]
Packs this tree as a release (a .tar.gz and its signed manifest.json) into <folder>, an UPDATE_SOURCE.
  --out <folder>        where the archive, manifest.json and manifest.sig are written
  --key <file>          the Ed25519 private key (PEM) that signs manifest.json
  --version <x.y.z>     the release's version (default: the root package.json's)
  --compiled            also pack packages/<name>/dist (run npm run build first)
  --node-modules        also pack the production node_modules of this platform (needs --compiled)
  --new-key <file>      writes a new key pair instead: <file> (private, keep it off the kiosks) and
                        <file>.pub (public: copy it to each kiosk's data directory as release-key.pub)
  -h, --help            this text`;

if (require.main === module) {
  let values: { out?: string; key?: string; version?: string; compiled?: boolean; 'node-modules'?: boolean; 'new-key'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string' },
        key: { type: 'string' },
        version: { type: 'string' },
        compiled: { type: 'boolean' },
        'node-modules': { type: 'boolean' },
        'new-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`pack-release: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const usageError = (message: string): never => {
    process.stderr.write(`pack-release: ${message}\n${USAGE}\n`);
    process.exit(2);
  };
  const fail = (err: Error): never => {
    process.stderr.write(`pack-release: ${err.message}\n`);
    process.exit(1);
  };
  if (values['new-key']) {
    try {
      const written = writeNewKeyPair(path.resolve(values['new-key']));
      process.stdout.write(`private key: ${written.privateKeyFile} (keep it where releases are packed, never on a kiosk)\npublic key: ${written.publicKeyFile}\n`);
      process.exit(0);
    } catch (err) {
      fail(err as Error);
    }
  }
  if (!values.out) usageError('--out is required');
  if (!values.key) usageError('--key is required: releases are signed (--new-key makes a key pair)');
  const outDir = path.resolve(values.out as string);
  const root = path.resolve(__dirname, '..', '..', '..');
  packRelease({
    root,
    outDir,
    version: values.version,
    compiled: values.compiled === true,
    nodeModules: values['node-modules'] === true,
    privateKeyFile: path.resolve(values.key as string),
  }).then((m) => process.stdout.write(`${path.join(outDir, m.archive)}\n${JSON.stringify(m)}\n`), fail);
}
