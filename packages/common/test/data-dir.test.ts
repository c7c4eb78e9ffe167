import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataPaths, findRepoRoot, resolveDataDir } from '../src/data-dir';

/** This repository's root, three levels above packages/common/test. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('resolveDataDir', () => {
  test('defaults to data/ at the repository root', () => {
    expect(resolveDataDir({})).toBe(path.join(repoRoot, 'data'));
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { workspaces?: unknown };
    expect(manifest.workspaces).toBeDefined();
  });

  test('ECR_DATA_DIR wins', () => {
    const dir = path.join(os.tmpdir(), 'ecr-elsewhere');
    expect(resolveDataDir({ ECR_DATA_DIR: dir })).toBe(dir);
  });

  test('a relative ECR_DATA_DIR is made absolute from the current directory', () => {
    expect(resolveDataDir({ ECR_DATA_DIR: 'some/data' })).toBe(path.resolve('some/data'));
  });

  test('an empty ECR_DATA_DIR counts as unset', () => {
    expect(resolveDataDir({ ECR_DATA_DIR: '  ' })).toBe(path.join(repoRoot, 'data'));
  });
});

describe('findRepoRoot', () => {
  test('walks up from a nested directory to the workspaces root', () => {
    expect(findRepoRoot(path.join(repoRoot, 'packages', 'common', 'src'))).toBe(repoRoot);
  });

  test('ignores a package.json without workspaces on the way', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-root-'));
    try {
      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'r', workspaces: ['packages/*'] }));
      const pkg = path.join(root, 'packages', 'x');
      fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'x' }));
      expect(findRepoRoot(path.join(pkg, 'dist'))).toBe(root);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

test('dataPaths names the files of the design', () => {
  const p = dataPaths('/srv/ecr/data');
  expect(p.configFile).toBe(path.join('/srv/ecr/data', 'config.txt'));
  expect(p.logsDir).toBe(path.join('/srv/ecr/data', 'logs'));
  expect(p.pidFile('tp-manager')).toBe(path.join('/srv/ecr/data', 'run', 'tp-manager.pid'));
  expect(p.database('supervisor')).toBe(path.join('/srv/ecr/data', 'supervisor.db'));
});
