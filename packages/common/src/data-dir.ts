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
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = cleanDirSetting(env.ECR_DATA_DIR ?? '', platform);
  if (fromEnv) return (platform === 'win32' ? path.win32 : path.posix).resolve(fromEnv);
  return path.join(findRepoRoot(), 'data');
}

/**
 * A directory as a person writes it in a setting, made plain: spaces around it and, on Windows, quotes around
 * it dropped (`set ECR_DATA_DIR="D:\ecr data"`), and a trailing backslash that met a closing quote
 * (`"D:\ecrdata\"` reaches a program as `D:\ecrdata"`: issue 14, defect 5). No Windows path holds a quote.
 */
export function cleanDirSetting(raw: string, platform: NodeJS.Platform = process.platform): string {
  let value = raw.trim();
  if (platform === 'win32') value = value.replace(/^"+|"+$/g, '').trim();
  // A trailing separator names the same directory; keep a root ("/", "D:\") whole.
  const trailing = platform === 'win32' ? /(?<=[^:\\/])[\\/]+$/ : /(?<=[^/])\/+$/;
  return value.replace(trailing, '');
}

/** The files and folders inside a data directory, so no program spells them differently. */
export interface DataPaths {
  dataDir: string;
  configFile: string;
  logsDir: string;
  runDir: string;
  /** `run/<name>.pid`, e.g. pidFile('tp-manager'): the pid alone, as every reader expects. */
  pidFile(name: string): string;
  /** `run/<name>.identity.json`: the same pid with its image name and start time (a bare pid proves nothing). */
  identityFile(name: string): string;
  /** `run/<name>.stop`: a stop request (holding the pid it is meant for) the program honours. */
  stopRequestFile(name: string): string;
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
    identityFile: (name) => path.join(root, 'run', `${name}.identity.json`),
    stopRequestFile: (name) => path.join(root, 'run', `${name}.stop`),
    database: (name) => path.join(root, `${name}.db`),
  };
}

/**
 * Why a process cannot keep its files in `dataDir`, in one line a technician can act on, or undefined when it
 * can: the directory exists, is a directory, and takes a new file (logs/ and run/ are created, a probe file
 * is written and removed: access(2) alone misses some read-only mounts), and `files` that already exist
 * (e.g. the process's database and its -wal/-shm) are writable. Issue 9 case 13: a read-only or missing data
 * directory stops the program with this line, not a stack trace.
 */
export function dataDirProblem(dataDir: string, files: readonly string[] = []): string | undefined {
  const paths = dataPaths(dataDir);
  const where = `data directory ${paths.dataDir}`;
  const fix = 'set ECR_DATA_DIR to a writable directory, or give this user write access';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(paths.dataDir);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') return `${where} does not exist: create it (with a config.txt), or set ECR_DATA_DIR`;
    return `${where} cannot be read (${code}): ${fix}`;
  }
  if (!stat.isDirectory()) return `${where} is not a directory: set ECR_DATA_DIR to a directory`;
  const probe = path.join(paths.runDir, `.write-check-${process.pid}`);
  try {
    fs.mkdirSync(paths.logsDir, { recursive: true });
    fs.mkdirSync(paths.runDir, { recursive: true });
    fs.writeFileSync(probe, 'x');
  } catch (err) {
    return `${where} is not writable (${describeWriteError(err)}): ${fix}`;
  } finally {
    try {
      fs.rmSync(probe, { force: true });
    } catch {
      // the write failed too, and said why
    }
  }
  for (const file of files) {
    try {
      fs.accessSync(file, fs.constants.W_OK);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') continue;
      return `${file} is not writable (${describeWriteError(err)}): ${fix}`;
    }
  }
  return undefined;
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function describeWriteError(err: unknown): string {
  const code = errorCode(err);
  if (code === 'EROFS') return 'EROFS, a read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return `${code}, permission denied`;
  if (code === 'ENOSPC') return 'ENOSPC, the disk is full';
  return code;
}
