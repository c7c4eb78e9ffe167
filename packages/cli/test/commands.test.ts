/**
 * The commands with the platform's answers as inputs (issue 14 defects 2 and 6): "cannot tell" neither deletes
 * a pid file nor starts a second copy; a health probe that crashes is not "not answering".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alwaysUp, launch, type CliContext } from '../src/commands';
import { askHealth } from '../src/local-api';
import type { Observation } from '../src/process-identity';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let dataDir: string;
let standIn: ChildProcess | undefined;

beforeEach(() => {
  dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-cli-')));
  fs.mkdirSync(path.join(dataDir, 'run'));
});
afterEach(() => {
  standIn?.kill('SIGKILL');
  standIn = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function context(observe: (pid: number) => Observation, extra: Partial<CliContext> = {}): CliContext & { said: string[] } {
  const said: string[] = [];
  return {
    dataDir,
    deliveryRoot: ROOT,
    // Anything started stops at once: this data directory has no config.txt.
    env: { ...process.env, ECR_RUNTIME: 'compiled', ECR_LOCK_WAIT_S: '1', ECR_HEALTH_GRACE_S: '0', ECR_STOP_WAIT_S: '1' },
    platform: 'win32',
    observe,
    bootTimeMs: Date.now() - 3_600_000,
    out: (line) => said.push(line),
    err: (line) => said.push(line),
    said,
    ...extra,
  };
}

test('Windows, PowerShell blocked: a pid that cannot be judged keeps its pid file and no second copy starts', async () => {
  fs.writeFileSync(path.join(dataDir, 'run', 'tp-manager.pid'), '4242\n');
  fs.writeFileSync(path.join(dataDir, 'run', 'tp-manager.identity.json'), JSON.stringify({ pid: 4242, image: 'node.exe', startedAtMs: Date.now() - 60_000 }));
  const ctx = context(() => ({ state: 'alive', image: 'node.exe' })); // tasklist answered, Get-Process did not
  expect(await launch(ctx, 'tp-manager')).toBe(1);
  expect(ctx.said).toEqual([expect.stringMatching(/^tp-manager: cannot tell whether pid 4242 is still tp-manager .*: leaving it alone; if it is not running, delete /)]);
  expect(fs.readFileSync(path.join(dataDir, 'run', 'tp-manager.pid'), 'utf8')).toBe('4242\n');
  expect(fs.existsSync(path.join(dataDir, 'logs', 'tp-manager.out'))).toBe(false); // nothing was started
});

test('Windows: a pid reused by another node.exe (other start time) is not ours: its pid file goes, a start is tried', async () => {
  fs.writeFileSync(path.join(dataDir, 'run', 'tp-manager.pid'), '4242\n');
  fs.writeFileSync(path.join(dataDir, 'run', 'tp-manager.identity.json'), JSON.stringify({ pid: 4242, image: 'node.exe', startedAtMs: Date.now() - 600_000 }));
  const ctx = context(() => ({ state: 'alive', image: 'node.exe', startedAtMs: Date.now() - 10_000 }));
  await launch(ctx, 'tp-manager');
  // A start was tried (it stops at once: this data directory has no config.txt), the stranger left alone.
  expect(ctx.said[0]).toMatch(/^tp-manager: (cannot start: config\.txt not found|could not be started)/);
  expect(fs.existsSync(path.join(dataDir, 'run', 'tp-manager.pid'))).toBe(false);
});

test('a health probe that crashes leaves a running supervisor alone and says so', async () => {
  standIn = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const pid = standIn.pid!;
  for (const name of ['tp-manager', 'supervisor']) fs.writeFileSync(path.join(dataDir, 'run', `${name}.pid`), `${pid}\n`);
  const ours = (): Observation => ({ state: 'alive', image: 'node', startedAtMs: Date.now() - 120_000, commandLine: 'node packages/supervisor/dist/main.js packages/tp-manager/dist/main.js' });
  const ctx = context(ours, {
    platform: 'linux',
    probe: async () => {
      throw new Error("Cannot find module 'undici'");
    },
  });
  expect(await alwaysUp(ctx)).toBe(0);
  expect(ctx.said).toEqual(["always-up: cannot check the supervisor's health: the health probe failed: Cannot find module 'undici'"]);
  expect(standIn.exitCode).toBeNull();
  expect(standIn.signalCode).toBeNull();
  expect(fs.readFileSync(path.join(dataDir, 'logs', 'always-up.log'), 'utf8')).toContain('cannot check');
});

test('a supervisor that answers 503 (tp-manager down) is answering: it is not restarted', async () => {
  const answer = (status: number) => (async () => new Response('[]', { status })) as unknown as typeof fetch;
  const api = { url: 'http://127.0.0.1:1', authorization: 'Basic x' };
  expect(await askHealth(api, 1000, answer(503))).toEqual({ state: 'answering' });
  expect(await askHealth(api, 1000, answer(500))).toEqual({ state: 'not-answering', reason: 'answered GET http://127.0.0.1:1/health with HTTP 500' });
  const broken = (async () => {
    throw new RangeError('probe bug');
  }) as unknown as typeof fetch;
  await expect(askHealth(api, 1000, broken)).rejects.toThrow('probe bug');
});
