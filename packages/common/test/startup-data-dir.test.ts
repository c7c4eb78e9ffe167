/**
 * Issue 9 case 13: a read-only or missing data directory stops both programs with one line naming the
 * directory and what to do, like every other start-up error, not a stack trace. The real programs run as
 * child processes. Read-only is real too: as root (who may write anywhere) the program runs as "nobody".
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NAMES = ['tp-manager', 'supervisor'] as const;
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

const SETTINGS: Record<string, string> = {
  SERIAL_PORT: 'simulator',
  LOCAL_PORT: '1',
  TERMINAL_MANAGER_LOGIN: 'log',
  TERMINAL_MANAGER_PWD: 'pwd',
  HIPAY_LOGIN: 'sandbox',
  HIPAY_PWD: 'sandbox',
  UPDATE_TIME: '04:00',
  TP_MANAGER_ENDPOINT: 'tcp://127.0.0.1:1',
};

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-startup-'));
  fs.chmodSync(work, 0o755); // reachable by "nobody"
});

afterEach(() => {
  for (const dir of fs.readdirSync(work)) fs.chmodSync(path.join(work, dir), 0o755);
  fs.rmSync(work, { recursive: true, force: true });
});

function start(name: string, env: NodeJS.ProcessEnv, asUser?: number): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'packages', name, 'src', 'main.ts')],
      {
        cwd: ROOT,
        // HOME and TMPDIR that "nobody" may use (tsx keeps a cache there).
        env: { PATH: process.env.PATH, HOME: os.tmpdir(), TMPDIR: os.tmpdir(), ...env },
        timeout: 20_000,
        ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

function expectOneLine(result: Result, name: string, line: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`${name}: cannot start: ${line}\n`);
  expect(result.stdout).toBe('');
}

describe.each(NAMES)('%s', (name) => {
  test('a missing data directory stops it with one line, and the directory is not created', async () => {
    const dataDir = path.join(work, 'missing');
    // Settings from the environment (as in a container), so config.txt is not what is missed.
    const env = Object.fromEntries(Object.entries(SETTINGS).map(([k, v]) => [`ECR_${k}`, v]));
    const result = await start(name, { ...env, ECR_DATA_DIR: dataDir });
    expectOneLine(result, name, `data directory ${dataDir} does not exist: create it (with a config.txt), or set ECR_DATA_DIR`);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  test('a read-only data directory stops it with one line naming the directory and the fix', async () => {
    const dataDir = path.join(work, 'read-only');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'config.txt'), Object.entries(SETTINGS).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    fs.chmodSync(path.join(dataDir, 'config.txt'), 0o644);
    fs.chmodSync(dataDir, 0o555);
    const result = await start(name, { ECR_DATA_DIR: dataDir }, asRoot ? NOBODY : undefined);
    expectOneLine(
      result,
      name,
      `data directory ${dataDir} is not writable (EACCES, permission denied): set ECR_DATA_DIR to a writable directory, or give this user write access`,
    );
    expect(fs.readdirSync(dataDir)).toEqual(['config.txt']);
  });

  test('a database file it cannot write stops it with one line naming the file', async () => {
    const dataDir = path.join(work, 'db-read-only');
    fs.mkdirSync(dataDir, { mode: 0o777 });
    fs.chmodSync(dataDir, 0o777);
    fs.writeFileSync(path.join(dataDir, 'config.txt'), Object.entries(SETTINGS).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const db = path.join(dataDir, `${name}.db`);
    fs.writeFileSync(db, '');
    fs.chmodSync(db, 0o444);
    const result = await start(name, { ECR_DATA_DIR: dataDir }, asRoot ? NOBODY : undefined);
    expectOneLine(result, name, `${db} is not writable (EACCES, permission denied): set ECR_DATA_DIR to a writable directory, or give this user write access`);
  });
});
