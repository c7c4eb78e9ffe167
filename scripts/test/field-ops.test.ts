/**
 * The field scripts (launch.sh, stop.sh, always-up.sh) run for real, as a technician or cron runs them, against a
 * temporary data directory whose config.txt uses the embedded terminal simulator and HiPay sandbox on free ports.
 * What they did is checked from the outside: /proc tells which connector processes run for that data directory.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFrom, startupReason } from '../../packages/cli/src/startup-reason';
import { freePort, waitUntil } from '../../test-support/net';

const ROOT = path.resolve(__dirname, '..', '..');
const NAMES = ['tp-manager', 'supervisor'] as const;
type Name = (typeof NAMES)[number];

interface DataDir {
  dir: string;
  localPort: number;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const created: DataDir[] = [];

async function makeDataDir(overrides: Record<string, string> = {}): Promise<DataDir> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-field-ops-')));
  const localPort = await freePort();
  const settings: Record<string, string> = {
    SERIAL_PORT: 'simulator',
    LOCAL_PORT: String(localPort),
    TERMINAL_MANAGER_LOGIN: 'log',
    TERMINAL_MANAGER_PWD: 'pwd',
    HIPAY_LOGIN: 'sandbox',
    HIPAY_PWD: 'sandbox',
    UPDATE_TIME: '04:00',
    TP_MANAGER_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
    ...overrides,
  };
  const text = Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'config.txt'), '# test configuration\n' + text);
  const dataDir = { dir, localPort };
  created.push(dataDir);
  return dataDir;
}

function run(script: string, data: DataDir, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'scripts', script),
      args,
      {
        cwd: os.tmpdir(),
        env: {
          ...process.env,
          ECR_DATA_DIR: data.dir,
          ECR_NODE: process.execPath,
          // The sources are what this checkout holds; a dist/ may be older. ECR_RUNTIME=compiled tests the build.
          ECR_RUNTIME: process.env.ECR_RUNTIME ?? 'source',
          ECR_HEALTH_GRACE_S: '0',
          ...env,
        },
        timeout: 40_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Connector processes (not zombies) whose environment names this data directory, by program. */
function connectorProcesses(data: DataDir): Record<Name, number[]> {
  const found: Record<Name, number[]> = { 'tp-manager': [], supervisor: [] };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!environ.includes(`ECR_DATA_DIR=${data.dir}`)) continue;
      for (const name of NAMES) {
        if (cmdline.some((arg) => arg.includes(`packages/${name}/`) && /main\.(ts|js)$/.test(arg))) found[name].push(Number(entry));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Every live process in the process group of `pid` (the program and anything it started). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // gone
    }
  }
  return members;
}

function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function pidFile(data: DataDir, name: Name): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(data.dir, 'run', `${name}.pid`), 'utf8').trim());
  } catch {
    return undefined;
  }
}

function health(data: DataDir): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: data.localPort, path: '/health', auth: 'log:pwd', agent: false, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

function onlyOne(data: DataDir): Record<Name, number> {
  const running = connectorProcesses(data);
  expect(running['tp-manager']).toHaveLength(1);
  expect(running.supervisor).toHaveLength(1);
  return { 'tp-manager': running['tp-manager'][0], supervisor: running.supervisor[0] };
}

afterEach(async () => {
  // stop.sh is what cleans up; whatever it leaves is killed here so one failure does not leak into the next.
  for (const data of created.splice(0)) {
    await run('stop.sh', data);
    const left = connectorProcesses(data);
    for (const pid of [...left['tp-manager'], ...left.supervisor]) process.kill(pid, 'SIGKILL');
    fs.rmSync(data.dir, { recursive: true, force: true });
  }
});

test('always-up starts both programs, which answer; run again it stays silent', async () => {
  const data = await makeDataDir();

  const first = await run('always-up.sh', data);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const pids = onlyOne(data);
  expect(lines(first.stdout).sort()).toEqual([
    `always-up: supervisor: started (pid ${pids.supervisor})`,
    `always-up: tp-manager: started (pid ${pids['tp-manager']})`,
  ]);
  expect(await health(data)).toBe(200);
  expect(pidFile(data, 'tp-manager')).toBe(pids['tp-manager']);
  expect(pidFile(data, 'supervisor')).toBe(pids.supervisor);

  const second = await run('always-up.sh', data);
  expect(second).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(onlyOne(data)).toEqual(pids);
});

test('after kill -9 of one program, always-up restarts that one only', async () => {
  const data = await makeDataDir();
  expect((await run('launch.sh', data)).code).toBe(0);
  const before = onlyOne(data);

  process.kill(before['tp-manager'], 'SIGKILL');
  await waitUntil(() => !isAlive(before['tp-manager']), 5000, 'tp-manager to die');
  const afterTp = await run('always-up.sh', data);
  const now = onlyOne(data);
  expect(now.supervisor).toBe(before.supervisor);
  expect(now['tp-manager']).not.toBe(before['tp-manager']);
  expect(lines(afterTp.stdout)).toEqual([`always-up: tp-manager: started (pid ${now['tp-manager']})`]);

  process.kill(now.supervisor, 'SIGKILL');
  await waitUntil(() => !isAlive(now.supervisor), 5000, 'supervisor to die');
  const afterSup = await run('always-up.sh', data);
  const last = onlyOne(data);
  expect(last['tp-manager']).toBe(now['tp-manager']);
  expect(lines(afterSup.stdout)).toEqual([`always-up: supervisor: started (pid ${last.supervisor})`]);
  expect(await health(data)).toBe(200);
}, 45_000);

test('two always-up at the same moment start each program once', async () => {
  const data = await makeDataDir();
  const [a, b] = await Promise.all([run('always-up.sh', data), run('always-up.sh', data)]);
  expect([a.code, b.code]).toEqual([0, 0]);
  const pids = onlyOne(data);
  // One run did the work, the other found the lock taken and said nothing.
  const said = [...lines(a.stdout), ...lines(b.stdout)].sort();
  expect(said).toEqual([
    `always-up: supervisor: started (pid ${pids.supervisor})`,
    `always-up: tp-manager: started (pid ${pids['tp-manager']})`,
  ]);
  expect(a.stdout === '' || b.stdout === '').toBe(true);
});

test('launch refuses a second copy; stop leaves no process behind', async () => {
  const data = await makeDataDir();
  const launched = await run('launch.sh', data);
  expect(launched.code).toBe(0);
  const pids = onlyOne(data);

  const again = await run('launch.sh', data, ['supervisor']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`supervisor: already running (pid ${pids.supervisor})`);
  expect(onlyOne(data)).toEqual(pids);

  // Each program leads its own process group: everything it runs is in it.
  const everyPid = [...groupMembers(pids['tp-manager']), ...groupMembers(pids.supervisor)];
  expect(everyPid).toEqual(expect.arrayContaining([pids['tp-manager'], pids.supervisor]));

  const stopped = await run('stop.sh', data);
  expect(stopped.code).toBe(0);
  expect(lines(stopped.stdout)).toEqual([`supervisor: stopped (pid ${pids.supervisor})`, `tp-manager: stopped (pid ${pids['tp-manager']})`]);
  expect(everyPid.filter(isAlive)).toEqual([]);
  expect(groupMembers(pids['tp-manager'])).toEqual([]);
  expect(groupMembers(pids.supervisor)).toEqual([]);
  expect(connectorProcesses(data)).toEqual({ 'tp-manager': [], supervisor: [] });
  expect(fs.readdirSync(path.join(data.dir, 'run')).filter((f) => f.endsWith('.pid'))).toEqual([]);

  const twice = await run('stop.sh', data);
  expect(lines(twice.stdout)).toEqual(['supervisor: not running', 'tp-manager: not running']);
});

test('a pid file naming another process (pid reused) neither blocks a start nor gets that process killed', async () => {
  const data = await makeDataDir();
  fs.mkdirSync(path.join(data.dir, 'run'), { recursive: true });
  // This test's own process stands for the stranger that got the old pid.
  fs.writeFileSync(path.join(data.dir, 'run', 'tp-manager.pid'), `${process.pid}\n`);

  const launched = await run('launch.sh', data, ['tp-manager']);
  expect(launched.code).toBe(0);
  const tp = connectorProcesses(data)['tp-manager'];
  expect(tp).toHaveLength(1);
  expect(launched.stdout).toContain(`tp-manager: started (pid ${tp[0]})`);
  expect(pidFile(data, 'tp-manager')).toBe(tp[0]);

  fs.writeFileSync(path.join(data.dir, 'run', 'supervisor.pid'), `${process.pid}\n`);
  const stopped = await run('stop.sh', data);
  expect(lines(stopped.stdout)).toEqual(['supervisor: not running', `tp-manager: stopped (pid ${tp[0]})`]);
  expect(isAlive(process.pid)).toBe(true);
  expect(pidFile(data, 'supervisor')).toBeUndefined();
});

test('launch with a bad config prints the one-line reason and exits non-zero', async () => {
  const data = await makeDataDir({ LOCAL_PORT: '70000' });
  const result = await run('launch.sh', data, ['supervisor']);
  expect(result.code).not.toBe(0);
  const said = lines(result.stdout);
  // config.txt: the comment is line 1, SERIAL_PORT line 2, LOCAL_PORT line 3.
  expect(said[0]).toMatch(/^supervisor: cannot start: config\.txt line 3: LOCAL_PORT=70000 is not a port: expected .+$/);
  expect(said.filter((l) => l.startsWith('supervisor:'))).toHaveLength(1);
  expect(connectorProcesses(data)).toEqual({ 'tp-manager': [], supervisor: [] });
  expect(pidFile(data, 'supervisor')).toBeUndefined();
});

test('launch reports a port already taken as the reason the supervisor stopped', async () => {
  const data = await makeDataDir();
  const squatter = http.createServer();
  await new Promise<void>((resolve) => squatter.listen(data.localPort, '127.0.0.1', () => resolve()));
  try {
    const result = await run('launch.sh', data);
    expect(result.code).toBe(1);
    const tp = connectorProcesses(data)['tp-manager'];
    expect(tp).toHaveLength(1);
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        `tp-manager: started (pid ${tp[0]})`,
        expect.stringMatching(new RegExp(`^supervisor: cannot start: LOCAL_PORT=${data.localPort} is already in use`)),
      ]),
    );
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test('always-up restarts a supervisor that no longer answers, and leaves tp-manager alone', async () => {
  const data = await makeDataDir();
  expect((await run('launch.sh', data)).code).toBe(0);
  const before = onlyOne(data);

  process.kill(before.supervisor, 'SIGSTOP'); // alive by its pid, but deaf
  const result = await run('always-up.sh', data, [], { ECR_HEALTH_TIMEOUT_MS: '1500' });
  const now = onlyOne(data);
  expect(now['tp-manager']).toBe(before['tp-manager']);
  expect(now.supervisor).not.toBe(before.supervisor);
  expect(isAlive(before.supervisor)).toBe(false);
  expect(lines(result.stdout)).toEqual([
    `always-up: supervisor (pid ${before.supervisor}) did not answer GET http://127.0.0.1:${data.localPort}/health within 1.5 s: stopped`,
    `always-up: supervisor: started (pid ${now.supervisor})`,
  ]);
  expect(await health(data)).toBe(200);
  expect(fs.readFileSync(path.join(data.dir, 'logs', 'always-up.log'), 'utf8')).toContain('did not answer GET');
}, 45_000);

test('stop kills, with its children, a program that ignores SIGTERM, and never signals a group it does not lead', async () => {
  // The real programs stop on SIGTERM; a stand-in that refuses to is the only way to see the SIGKILL step. The
  // scripts know a program by its command line, so each stand-in names the program's entry file as an argument.
  const data = await makeDataDir();
  const stubborn = (name: Name, detached: boolean) =>
    spawn(
      process.execPath,
      [
        '-e',
        'process.on("SIGTERM", () => {}); require("child_process").spawn("sleep", ["60"], { stdio: "ignore" }); setInterval(() => {}, 1000);',
        path.join(ROOT, 'packages', name, 'src', 'main.ts'),
      ],
      { detached, stdio: 'ignore', env: { ...process.env, ECR_DATA_DIR: data.dir } },
    );
  // tp-manager as launch.sh starts it (leads its process group); supervisor as npm start would (in ours).
  const leader = stubborn('tp-manager', true);
  const inOurGroup = stubborn('supervisor', false);
  const exited = new Promise((resolve) => inOurGroup.once('exit', resolve));
  fs.mkdirSync(path.join(data.dir, 'run'), { recursive: true });
  fs.writeFileSync(path.join(data.dir, 'run', 'tp-manager.pid'), `${leader.pid}\n`);
  fs.writeFileSync(path.join(data.dir, 'run', 'supervisor.pid'), `${inOurGroup.pid}\n`);
  const children = (pid: number) =>
    fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e) && isAlive(Number(e)) && readPpid(Number(e)) === pid).map(Number);
  await waitUntil(() => children(leader.pid!).length === 1 && children(inOurGroup.pid!).length === 1, 5000, 'the stand-ins to start their children');
  const everyPid = [leader.pid!, inOurGroup.pid!, ...children(leader.pid!), ...children(inOurGroup.pid!)];

  const stopped = await run('stop.sh', data, [], { ECR_STOP_WAIT_S: '1' });
  await exited;
  expect(lines(stopped.stdout)).toEqual([
    `supervisor: killed (no clean stop within 1 s) (pid ${inOurGroup.pid})`,
    `tp-manager: killed (no clean stop within 1 s) (pid ${leader.pid})`,
  ]);
  await waitUntil(() => everyPid.every((pid) => !isAlive(pid)), 5000, 'every stand-in process to be gone');
  expect(isAlive(process.pid)).toBe(true);
  expect(fs.readdirSync(path.join(data.dir, 'run')).filter((f) => f.endsWith('.pid'))).toEqual([]);
});

function readPpid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

test('programs start from the release the daily maintenance made current', async () => {
  const data = await makeDataDir();
  // A release tree as the maintenance installs it, its parts linked to this checkout to keep the test small.
  const release = path.join(data.dir, 'releases', '0.2.0');
  fs.mkdirSync(release, { recursive: true });
  for (const part of ['packages', 'node_modules', 'package.json']) fs.symlinkSync(path.join(ROOT, part), path.join(release, part));
  fs.symlinkSync('0.2.0', path.join(data.dir, 'releases', 'current'));

  const launched = await run('launch.sh', data, ['tp-manager']);
  expect(launched.code).toBe(0);
  const [pid] = connectorProcesses(data)['tp-manager'];
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  expect(cmdline.some((arg) => arg.startsWith(path.join(release, 'packages', 'tp-manager') + path.sep))).toBe(true);
  expect(fs.readlinkSync(`/proc/${pid}/cwd`)).toBe(release);
});

test('while the maintenance switches releases, always-up leaves the programs alone', async () => {
  const data = await makeDataDir();
  // The switch runner's stand-in: a live process named like it, in run/maintenance-switch.pid.
  const runner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'switch-runner.js'], { stdio: 'ignore' });
  const gone = new Promise((resolve) => runner.once('exit', resolve));
  try {
    fs.mkdirSync(path.join(data.dir, 'run'), { recursive: true });
    fs.writeFileSync(path.join(data.dir, 'run', 'maintenance-switch.pid'), `${runner.pid}\n`);
    const during = await run('always-up.sh', data);
    expect(during).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(connectorProcesses(data)).toEqual({ 'tp-manager': [], supervisor: [] });
  } finally {
    runner.kill('SIGKILL');
    await gone;
  }
  // The runner died without removing its pid file: that no longer holds the watchdog back.
  const after = await run('always-up.sh', data);
  expect(after.code).toBe(0);
  onlyOne(data);
});

test('a program that crashes at start is reported by the headline of its stack trace', async () => {
  // What node prints for a missing module, as a broken installation would make the programs print it.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-field-ops-')));
  try {
    const out = path.join(dir, 'tp-manager.out');
    fs.writeFileSync(out, '=== earlier output\ntp-manager: cannot start: an older reason\n');
    const offset = fs.statSync(out).size;
    await new Promise<void>((resolve) => {
      const fd = fs.openSync(out, 'a');
      const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'missing-module'))})`], { stdio: ['ignore', fd, fd] });
      child.once('exit', () => {
        fs.closeSync(fd);
        resolve();
      });
    });
    const reason = startupReason(readFrom(out, offset), 'tp-manager', out);
    expect(reason).toBe(`tp-manager: stopped at start: Error: Cannot find module '${path.join(dir, 'missing-module')}'`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
