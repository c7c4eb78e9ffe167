import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { packRelease } from '../src/pack-release';
import { testReleaseKeys } from './release-fixture';

let work: string;
const { privateKeyFile } = testReleaseKeys();

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-pack-'));
  const root = path.join(work, 'tree');
  fs.mkdirSync(path.join(root, 'packages', 'common', 'src'), { recursive: true });
  fs.mkdirSync(path.join(root, 'packages', 'common', 'test'), { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules', 'express'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', version: '1.4.0', workspaces: ['packages/*'] }));
  fs.writeFileSync(path.join(root, 'packages', 'common', 'package.json'), '{"name":"@ecr/common"}');
  fs.writeFileSync(path.join(root, 'packages', 'common', 'src', 'index.ts'), 'export {};');
  fs.writeFileSync(path.join(root, 'packages', 'common', 'test', 'a.test.ts'), '');
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

async function listed(archive: string): Promise<string[]> {
  const names: string[] = [];
  await tar.t({ file: archive, onReadEntry: (e) => names.push(e.path) });
  return names.filter((n) => !n.endsWith('/')).sort();
}

describe('packRelease (for whoever publishes a release)', () => {
  test('packs the release files under one folder, no node_modules or tests, and writes the manifest with the archive\'s sha256', async () => {
    const out = path.join(work, 'updates');
    const manifest = await packRelease({ root: path.join(work, 'tree'), outDir: out, privateKeyFile });
    expect(manifest).toEqual({ version: '1.4.0', archive: 'unattended-ecr-connector-1.4.0.tar.gz', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(await listed(path.join(out, manifest.archive))).toEqual([
      'unattended-ecr-connector-1.4.0/package.json',
      'unattended-ecr-connector-1.4.0/packages/common/package.json',
      'unattended-ecr-connector-1.4.0/packages/common/src/index.ts',
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'manifest.sig', 'unattended-ecr-connector-1.4.0.tar.gz']);
  });

  test('--compiled needs the built dist/ folders and packs them', async () => {
    await expect(packRelease({ root: path.join(work, 'tree'), outDir: path.join(work, 'u1'), compiled: true, privateKeyFile })).rejects.toThrow(
      `${path.join(work, 'tree', 'packages', 'common', 'dist')} is missing: run npm run build first`,
    );
    fs.mkdirSync(path.join(work, 'tree', 'packages', 'common', 'dist'));
    fs.writeFileSync(path.join(work, 'tree', 'packages', 'common', 'dist', 'index.js'), '');
    const manifest = await packRelease({ root: path.join(work, 'tree'), outDir: path.join(work, 'u2'), compiled: true, version: '1.5.0', privateKeyFile });
    expect(await listed(path.join(work, 'u2', manifest.archive))).toContain('unattended-ecr-connector-1.5.0/packages/common/dist/index.js');
  });

  test('--node-modules packs the production packages of package-lock.json (never dev ones), and needs --compiled', async () => {
    const tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'node_modules', 'express', 'node_modules', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'node_modules', 'express', 'index.js'), '');
    fs.mkdirSync(path.join(tree, 'node_modules', 'jest'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'node_modules', 'jest', 'index.js'), '');
    fs.mkdirSync(path.join(tree, 'packages', 'common', 'dist'));
    fs.writeFileSync(path.join(tree, 'packages', 'common', 'dist', 'index.js'), '');
    const lock = { packages: { '': {}, 'node_modules/express': {}, 'node_modules/jest': { dev: true }, 'node_modules/@ecr/common': { link: true } } };
    fs.writeFileSync(path.join(tree, 'package-lock.json'), JSON.stringify(lock));
    await expect(packRelease({ root: tree, outDir: path.join(work, 'u0'), nodeModules: true, privateKeyFile })).rejects.toThrow('--node-modules needs --compiled');
    const manifest = await packRelease({ root: tree, outDir: path.join(work, 'u1'), nodeModules: true, compiled: true, privateKeyFile });
    expect(manifest.nodeModules).toEqual({ platform: process.platform, arch: process.arch, abi: process.versions.modules });
    const files = await listed(path.join(work, 'u1', manifest.archive));
    expect(files.filter((f) => f.includes('node_modules'))).toEqual(['unattended-ecr-connector-1.4.0/node_modules/express/index.js']);
  });
});
