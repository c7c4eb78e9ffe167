/**
 * The update step up to the switch, on real files: archives built from this repository, a local UPDATE_SOURCE
 * directory (and an HTTPS one), a temporary data directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareRelease, type PrepareOptions } from '../src/install-release';
import { releaseLayout, type ReleaseLayout } from '../src/release-layout';
import { writeNewKeyPair } from '../src/release-signature';
import { writeSignedManifest } from '../src/pack-release';
import { buildRelease, ensureCompiled, REPO_ROOT, testReleaseKeys, trustTestKey } from './release-fixture';

let work: string;
let layout: ReleaseLayout;
let source: string;
let logged: string[];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-install-'));
  layout = releaseLayout(path.join(work, 'data'));
  trustTestKey(layout.dataDir);
  source = path.join(work, 'source');
  logged = [];
});

afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function prepare(extra: Partial<PrepareOptions> = {}) {
  return prepareRelease({
    layout,
    source,
    running: { version: '0.1.0', root: REPO_ROOT },
    log: {
      info: (message) => void logged.push(`info ${message}`),
      warn: (message) => void logged.push(`warn ${message}`),
      error: (message) => void logged.push(`error ${message}`),
    },
    ...extra,
  });
}

/** What is in releases/ (hidden entries included). */
function releasesEntries(): string[] {
  return fs.existsSync(layout.releasesDir) ? fs.readdirSync(layout.releasesDir).sort() : [];
}

function runIn(root: string, code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', '-e', code], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

describe('prepareRelease (download, checksum, unpack beside the current release)', () => {
  test('installs a newer release into releases/<version>, which runs its own code with the base install\'s dependencies', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source });
    const prepared = await prepare();
    expect(prepared).toEqual({ ready: true, version: '0.2.0', root: layout.releaseDir('0.2.0') });
    expect(releasesEntries()).toEqual(['0.2.0']); // no .partial, no download left
    const root = layout.releaseDir('0.2.0');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version).toBe('0.2.0');
    expect(fs.realpathSync(path.join(root, 'node_modules', '@ecr', 'common'))).toBe(fs.realpathSync(path.join(root, 'packages', 'common')));
    expect(fs.realpathSync(path.join(root, 'node_modules', 'express'))).toBe(fs.realpathSync(path.join(REPO_ROOT, 'node_modules', 'express')));
    // The release's own @ecr/common reads the release's own version.
    await expect(runIn(root, "console.log(require('@ecr/common').connectorVersion())")).resolves.toBe('0.2.0');
    expect(logged.join('\n')).toContain(`sha256 ${built.sha256} checked`);
  }, 30_000);

  test('an archive with the files at its top (no folder) installs too', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source, flat: true });
    expect(await prepare()).toMatchObject({ ready: true, version: '0.2.0' });
    expect(fs.existsSync(path.join(layout.releaseDir('0.2.0'), 'packages', 'tp-manager', 'src', 'main.ts'))).toBe(true);
  });

  test('a wrong checksum is refused with both hashes, and nothing changes', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source, sha256: 'b'.repeat(64) });
    const prepared = await prepare();
    expect(prepared.ready).toBe(false);
    const step = prepared.ready ? undefined : prepared.step;
    expect(step).toMatchObject({ outcome: 'refused', from: '0.1.0', to: '0.2.0' });
    expect(step?.message).toBe(
      `0.2.0 refused: ${built.manifest.archive} does not match its checksum (manifest sha256 ${'b'.repeat(64)}, archive sha256 ${built.sha256}); nothing was changed`,
    );
    expect(releasesEntries()).toEqual([]);
  });

  test('a version not newer than the running one is "up to date", and nothing is fetched', async () => {
    await buildRelease({ version: '0.1.0', sourceDir: source });
    const prepared = await prepare();
    expect(prepared).toEqual({ ready: false, step: { outcome: 'up-to-date', message: `0.1.0 is up to date (${source} offers 0.1.0)`, from: '0.1.0', to: '0.1.0' } });
    expect(releasesEntries()).toEqual([]);
  });

  test('an archive without a process\'s entry point is refused before anything is installed', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source, edit: (root) => fs.rmSync(path.join(root, 'packages', 'tp-manager', 'src', 'main.ts')) });
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step.message).toBe(
      '0.2.0 refused: the archive has no packages/tp-manager/src/main.ts or packages/tp-manager/dist/main.js; nothing was changed',
    );
    expect(releasesEntries()).toEqual([]);
  });

  test('an archive holding another version than its manifest says is refused', async () => {
    await buildRelease({
      version: '0.2.0',
      sourceDir: source,
      edit: (root) => {
        const file = path.join(root, 'package.json');
        fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), version: '0.3.0' }));
      },
    });
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step.message).toBe('0.2.0 refused: the archive holds version 0.3.0 but the manifest says 0.2.0; nothing was changed');
    expect(releasesEntries()).toEqual([]);
  });

  test('what a crash left (a .partial folder, a download) is deleted by the next run', async () => {
    fs.mkdirSync(path.join(layout.partialDir('0.2.0'), 'packages'), { recursive: true });
    fs.writeFileSync(path.join(layout.releasesDir, '.0.2.0.download-4242.tar.gz'), 'half an archive');
    await buildRelease({ version: '0.2.0', sourceDir: source });
    expect(await prepare()).toMatchObject({ ready: true });
    expect(releasesEntries()).toEqual(['0.2.0']);
  });

  test('a version that was rolled back before is not tried again', async () => {
    fs.mkdirSync(layout.releaseDir('0.2.0'), { recursive: true });
    fs.writeFileSync(layout.rolledBackMarker('0.2.0'), 'tp-manager stopped at start (exit code 1): Error: broken\n');
    await buildRelease({ version: '0.2.0', sourceDir: source });
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step.outcome).toBe('skipped');
    expect(prepared.ready ? '' : prepared.step.message).toContain('0.2.0 was rolled back before (tp-manager stopped at start (exit code 1): Error: broken); not tried again');
  });

  test('no UPDATE_SOURCE: no update; an UPDATE_SOURCE without manifest: a failed step naming the file', async () => {
    expect(await prepare({ source: '' })).toEqual({ ready: false, step: { outcome: 'not-configured', message: 'no UPDATE_SOURCE in config.txt: no update', from: '0.1.0' } });
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step).toEqual({ outcome: 'failed', message: `cannot read ${path.join(source, 'manifest.json')} (ENOENT)`, from: '0.1.0' });
  });
});

describe('signed releases: only a manifest signed by the key in <data>/release-key.pub is trusted', () => {
  const refused = (message: string) => ({ outcome: 'refused', message: `update refused: ${message}; nothing was changed`, from: '0.1.0' });
  const manifestFile = () => path.join(source, 'manifest.json');

  test('a release signed by the trusted key is installed', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    expect(fs.readFileSync(path.join(source, 'manifest.sig'), 'utf8')).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    expect(await prepare()).toMatchObject({ ready: true, version: '0.2.0' });
  });

  test('an unsigned release (no manifest.sig) is refused in one line, nothing unpacked', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    fs.rmSync(path.join(source, 'manifest.sig'));
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step).toEqual(refused(`${manifestFile()} has no manifest.sig: unsigned releases are refused`));
    expect(releasesEntries()).toEqual([]);
  });

  test('a manifest changed after signing (another archive and sha256 swapped in) is refused', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source });
    // An attacker who controls the server publishes its own archive with a matching sha256.
    fs.appendFileSync(built.archive, 'tampered');
    const sha256 = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(built.archive)).digest('hex');
    fs.writeFileSync(manifestFile(), JSON.stringify({ ...built.manifest, sha256 }, null, 2) + '\n');
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step).toEqual(
      refused(`manifest.sig of ${manifestFile()} does not verify with ${layout.releaseKeyFile}: signed by another key, or changed after signing`),
    );
    expect(releasesEntries()).toEqual([]);
  });

  test('a release signed by another key is refused', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    const other = writeNewKeyPair(path.join(work, 'other.key'));
    fs.copyFileSync(other.publicKeyFile, layout.releaseKeyFile);
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step).toEqual(
      refused(`manifest.sig of ${manifestFile()} does not verify with ${layout.releaseKeyFile}: signed by another key, or changed after signing`),
    );
  });

  test('a kiosk without release-key.pub refuses every update, naming the file it needs', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    fs.rmSync(layout.releaseKeyFile);
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step).toEqual(
      refused(`no release public key at ${layout.releaseKeyFile}: updates are refused until the publisher's release-key.pub is there`),
    );
  });
});

describe('a release that carries its production node_modules', () => {
  beforeAll(ensureCompiled, 180_000);

  test('is installed with its own node_modules (workspace packages linked to its own code)', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source, nodeModules: true });
    expect(built.manifest.nodeModules).toEqual({ platform: process.platform, arch: process.arch, abi: process.versions.modules });
    const prepared = await prepare();
    expect(prepared).toMatchObject({ ready: true, version: '0.2.0' });
    const root = layout.releaseDir('0.2.0');
    // Its own copy, not a link into the base install; dev dependencies left out.
    expect(fs.lstatSync(path.join(root, 'node_modules', 'better-sqlite3')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(root, 'node_modules', 'jest'))).toBe(false);
    expect(fs.realpathSync(path.join(root, 'node_modules', '@ecr', 'common'))).toBe(fs.realpathSync(path.join(root, 'packages', 'common')));
    // Compiled code on plain node, as the release runs (no tsx: a dev dependency).
    const code = "const D = require('better-sqlite3'); const c = require('@ecr/common'); console.log(require.resolve('better-sqlite3').startsWith(process.cwd()), new D(':memory:').prepare('select 2 as x').get().x, typeof c.runProcess)";
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', code], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout.trim()))),
    );
    expect(out).toBe('true 2 function');
  }, 60_000);

  test('node_modules built for another Node ABI are refused in one line', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source });
    writeSignedManifest(source, { ...built.manifest, nodeModules: { platform: process.platform, arch: process.arch, abi: '1' } }, testReleaseKeys().privateKeyFile);
    const prepared = await prepare();
    expect(prepared.ready ? '' : prepared.step.outcome).toBe('refused');
    expect(prepared.ready ? '' : prepared.step.message).toBe(
      `0.2.0 refused: its node_modules are for ${process.platform}-${process.arch}, Node ABI 1, this kiosk runs ${process.platform}-${process.arch}, Node ABI ${process.versions.modules} (Node ${process.versions.node}): publish a release packed on this platform, or one without --node-modules; nothing was changed`,
    );
    expect(releasesEntries()).toEqual([]);
  });
});

describe('prepareRelease from an https:// UPDATE_SOURCE', () => {
  let server: https.Server | undefined;
  let ca: string;
  let requests: string[];

  beforeEach(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem')], { stdio: 'ignore' });
    ca = fs.readFileSync(path.join(work, 'cert.pem'), 'utf8');
    requests = [];
    server = https.createServer({ key: fs.readFileSync(path.join(work, 'key.pem')), cert: ca }, (req, res) => {
      requests.push(req.url ?? '');
      const file = path.join(source, path.basename(req.url ?? ''));
      if (!req.url?.startsWith('/releases/') || !fs.existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200);
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  test('downloads the manifest and the archive beside it, checks the sha256, installs', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    const url = `https://127.0.0.1:${(server!.address() as AddressInfo).port}/releases`;
    const prepared = await prepare({ source: url, sourceOptions: { httpsAgent: new https.Agent({ ca }) } });
    expect(prepared).toMatchObject({ ready: true, version: '0.2.0' });
    expect(requests).toEqual(['/releases/manifest.json', '/releases/manifest.sig', '/releases/unattended-ecr-connector-0.2.0.tar.gz']);
  });

  test('an archive the server does not have is a failed step naming the URL, and nothing changes', async () => {
    const built = await buildRelease({ version: '0.2.0', sourceDir: source });
    fs.rmSync(built.archive);
    const url = `https://127.0.0.1:${(server!.address() as AddressInfo).port}/releases/`;
    const prepared = await prepare({ source: url, sourceOptions: { httpsAgent: new https.Agent({ ca }) } });
    expect(prepared.ready ? '' : prepared.step).toEqual({
      outcome: 'failed',
      message: `${url}unattended-ecr-connector-0.2.0.tar.gz answered HTTP 404`,
      from: '0.1.0',
      to: '0.2.0',
    });
    expect(releasesEntries()).toEqual([]);
  });

  test('a server whose certificate is not trusted is a failed step, not a download', async () => {
    await buildRelease({ version: '0.2.0', sourceDir: source });
    const url = `https://127.0.0.1:${(server!.address() as AddressInfo).port}/releases`;
    const prepared = await prepare({ source: url });
    expect(prepared.ready ? '' : prepared.step.message).toMatch(/^cannot read https:\/\/127\.0\.0\.1:\d+\/releases\/manifest\.json: .*certificate/);
    expect(requests).toEqual([]);
  });
});
