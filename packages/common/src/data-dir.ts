/**
 * Where the connector keeps its files: `data/` at the repository (delivery) root unless ECR_DATA_DIR names
 * another directory. Every program and script resolves it the same way (design.md, "Data directory").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The delivery root: the directory whose package.json declares the npm workspaces. */
export function findRepoRoot(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (hasWorkspacesManifest(dir)) return dir;
    const parent = path.dirname(dir);
    // Not found (e.g. the package was copied elsewhere): fall back to the fixed layout
    // <root>/packages/common/{src,dist}.
    if (parent === dir) return path.resolve(__dirname, '..', '..', '..');
    dir = parent;
  }
}

function hasWorkspacesManifest(dir: string): boolean {
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'workspaces' in manifest;
  } catch {
    return false;
  }
}

/**
 * The data directory as an absolute path: ECR_DATA_DIR when set and not empty (a relative value is taken
 * from the current directory), else `<repo root>/data`.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ECR_DATA_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(findRepoRoot(), 'data');
}

/** The files and folders inside a data directory, so no program spells them differently. */
export interface DataPaths {
  dataDir: string;
  configFile: string;
  logsDir: string;
  runDir: string;
  /** `run/<name>.pid`, e.g. pidFile('tp-manager'). */
  pidFile(name: string): string;
  /** `<name>.db`, e.g. database('supervisor'). */
  database(name: string): string;
}

export function dataPaths(dataDir: string): DataPaths {
  const root = path.resolve(dataDir);
  return {
    dataDir: root,
    configFile: path.join(root, 'config.txt'),
    logsDir: path.join(root, 'logs'),
    runDir: path.join(root, 'run'),
    pidFile: (name) => path.join(root, 'run', `${name}.pid`),
    database: (name) => path.join(root, `${name}.db`),
  };
}
