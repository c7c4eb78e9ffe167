/**
 * Starting and stopping programs the way the switch runner does, with real (tiny) programs in a temporary
 * release tree: detached start, output in logs/<name>.out, stop by pid file, SIGKILL for one that ignores
 * SIGTERM, and the line that says why a program stopped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, lastReason, processArgs, readPid, startProcess, stopProcess } from '../src/process-control';
import { NODE_RUNTIME_FLAGS } from '@ecr/common';

let work: string;
let root: string;
let dataDir: string;

function program(name: string, code: string): void {
  const dir = path.join(root, 'packages', name, 'dist');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), code);
}

/** A program that writes its pid file as the real ones do, then waits. */
const WAITING = `
const fs = require('node:fs'), path = require('node:path');
const file = path.join(process.env.ECR_DATA_DIR, 'run', process.argv[1].split(path.sep).slice(-3)[0] + '.pid');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, process.pid + '\\n');
console.log('ready, clock ' + (process.env.ECR_MAINTENANCE_CLOCK || 'system'));
process.on('SIGTERM', () => { fs.rmSync(file); process.exit(0); });
setInterval(() => {}, 1000);
`;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-proc-'));
  root = path.join(work, 'release');
  dataDir = path.join(work, 'data');
  fs.mkdirSync(dataDir);
});

afterEach(async () => {
  for (const name of ['tp-manager', 'supervisor']) await stopProcess(path.join(dataDir, 'run', `${name}.pid`), 500);
  fs.rmSync(work, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('process control (switch runner)', () => {
  test('a started program runs detached with ECR_DATA_DIR and without the test clock; stopping it by its pid file ends it cleanly', async () => {
    program('tp-manager', WAITING);
    const started = startProcess(root, 'tp-manager', dataDir, { ...process.env, ECR_MAINTENANCE_CLOCK: '2030-01-01T03:59:00' }, 'compiled');
    const pidFile = path.join(dataDir, 'run', 'tp-manager.pid');
    expect(await waitFor(() => readPid(pidFile))).toBe(started.pid);
    await waitFor(() => (fs.readFileSync(started.outFile, 'utf8').includes('ready') ? true : undefined));
    const out = fs.readFileSync(started.outFile, 'utf8');
    expect(out).toMatch(/^=== \S+: maintenance starting tp-manager from /);
    expect(out).toContain('ready, clock system');
    expect(await stopProcess(pidFile)).toBe('stopped');
    expect(isAlive(started.pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  test('a program that ignores SIGTERM is killed after the grace time, and its pid file removed', async () => {
    program('supervisor', WAITING.replace("process.on('SIGTERM', () => { fs.rmSync(file); process.exit(0); });", "process.on('SIGTERM', () => {});"));
    const started = startProcess(root, 'supervisor', dataDir, process.env, 'compiled');
    const pidFile = path.join(dataDir, 'run', 'supervisor.pid');
    await waitFor(() => readPid(pidFile));
    await waitFor(() => (fs.readFileSync(started.outFile, 'utf8').includes('ready') ? true : undefined));
    expect(await stopProcess(pidFile, 300)).toBe('killed');
    expect(isAlive(started.pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  test('the reason a program stopped at start is its error line, not the stack or node\'s banner', async () => {
    program('tp-manager', "function start() { throw new Error('broken release: cannot start'); }\nstart();\n");
    const started = startProcess(root, 'tp-manager', dataDir, process.env, 'compiled');
    await waitFor(() => started.exit);
    expect(started.exit).toBe('exit code 1');
    expect(lastReason(started.outFile, started.outStart)).toBe('Error: broken release: cannot start');
  });

  test('runs the sources through tsx unless compiled code is asked for and present', () => {
    program('tp-manager', '');
    fs.mkdirSync(path.join(root, 'packages', 'tp-manager', 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages', 'tp-manager', 'src', 'main.ts'), '');
    fs.mkdirSync(path.join(root, 'node_modules', 'tsx'), { recursive: true }); // the sources need tsx
    const flags = [...NODE_RUNTIME_FLAGS];
    expect(processArgs(root, 'tp-manager', 'compiled')).toEqual([...flags, path.join(root, 'packages', 'tp-manager', 'dist', 'main.js')]);
    expect(processArgs(root, 'tp-manager', 'source')).toEqual([...flags, '--conditions=source', '--import', 'tsx', path.join(root, 'packages', 'tp-manager', 'src', 'main.ts')]);
    fs.rmSync(path.join(root, 'packages', 'tp-manager', 'dist'), { recursive: true });
    expect(processArgs(root, 'tp-manager', 'compiled').at(-1)).toBe(path.join(root, 'packages', 'tp-manager', 'src', 'main.ts'));
  });
});
