/** Issue 14 defect 9: on Windows a stop asks first (run/<name>.stop) and kills only after the grace time. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopPlan, stopProgram, type StopActions } from '../src/program-control';

let dataDir: string;
beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-stop-'))));
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function fakeActions(honoursStopFile: boolean): StopActions & { calls: string[] } {
  const calls: string[] = [];
  let alive = true;
  return {
    calls,
    members: (pid) => [pid],
    signal: (_pids, _leader, sig) => {
      calls.push(sig);
      if (sig === 'SIGKILL') alive = false;
    },
    forceTree: () => {
      calls.push('taskkill');
      alive = false;
    },
    alive: () => {
      if (honoursStopFile && fs.existsSync(path.join(dataDir, 'run', 'supervisor.stop'))) {
        calls.push(`stop file read: ${fs.readFileSync(path.join(dataDir, 'run', 'supervisor.stop'), 'utf8').trim()}`);
        alive = false;
      }
      return alive;
    },
  };
}

test('Windows never sends SIGTERM (TerminateProcess, a hard kill) before the grace time', () => {
  expect(stopPlan('win32')).toEqual(['request-file', 'wait-grace', 'force']);
  expect(stopPlan('linux')).toEqual(['request-file', 'sigterm', 'wait-grace', 'force']);
});

test('Windows: a program that honours the stop file stops cleanly; no taskkill', async () => {
  fs.mkdirSync(path.join(dataDir, 'run'));
  fs.writeFileSync(path.join(dataDir, 'run', 'supervisor.pid'), '4242\n');
  const actions = fakeActions(true);
  expect(await stopProgram({ name: 'supervisor', pid: 4242, dataDir, graceMs: 2000 }, 'win32', actions)).toBe('stopped');
  expect(actions.calls).toEqual(['stop file read: 4242']);
  expect(fs.readdirSync(path.join(dataDir, 'run'))).toEqual([]);
});

test('Windows: a program that does not is killed with its tree after the grace time', async () => {
  const actions = fakeActions(false);
  expect(await stopProgram({ name: 'supervisor', pid: 4242, dataDir, graceMs: 300 }, 'win32', actions)).toBe('killed');
  expect(actions.calls).toEqual(['taskkill']);
});
