/**
 * Issue 14 defects 1 and 8: the release switch on Windows, where rename will not replace a directory and a
 * junction counts as one (libuv's fs.rename is MoveFileExW with MOVEFILE_REPLACE_EXISTING, which refuses a
 * directory target), and where Defender makes a step fail now and then with EPERM or EBUSY. The file system
 * below is the real one with Windows' refusals added; the programs are stand-ins that record what was asked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCurrentLink, releaseLayout, setCurrentLink, type LinkFs } from '../src/release-layout';
import { switchRelease, type Programs } from '../src/switch-release';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-switch-win-')));
  for (const v of ['0.1.0', '0.2.0']) fs.mkdirSync(path.join(dataDir, 'releases', v, 'packages'), { recursive: true });
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function error(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: operation not permitted`), { code });
}

/** Windows' rename: refuses a target that is a directory or a junction to one. Plus `busy` transient refusals. */
function windowsLikeFs(busy = 0): LinkFs & { refusals: number } {
  const fake = {
    refusals: 0,
    symlinkSync: (target: string, p: string) => fs.symlinkSync(target, p, 'dir'),
    renameSync: (from: string, to: string) => {
      if (fake.refusals < busy) {
        fake.refusals++;
        throw error('EBUSY');
      }
      if (fs.existsSync(to) && fs.statSync(to).isDirectory()) throw error('EPERM');
      fs.renameSync(from, to);
    },
    rmSync: (p: string, o?: { force?: boolean }) => {
      if (fake.refusals < busy) {
        fake.refusals++;
        throw error('EPERM');
      }
      fs.rmSync(p, o);
    },
    existsSync: fs.existsSync,
  };
  return fake;
}

const noWait = () => Promise.resolve();

test('the old way (a new link renamed over current) fails on Windows at the second update', async () => {
  const layout = releaseLayout(dataDir);
  const fake = windowsLikeFs();
  await setCurrentLink(layout, layout.releaseDir('0.1.0'), { platform: 'linux', fs: fake, sleep: noWait }); // first: no current yet
  await expect(setCurrentLink(layout, layout.releaseDir('0.2.0'), { platform: 'linux', fs: fake, sleep: noWait })).rejects.toMatchObject({ code: 'EPERM' });
});

test('on Windows the junction is replaced (removed, then made), update after update', async () => {
  const layout = releaseLayout(dataDir);
  const options = { platform: 'win32' as const, fs: windowsLikeFs(), sleep: noWait };
  for (const v of ['0.1.0', '0.2.0', '0.1.0']) {
    await setCurrentLink(layout, layout.releaseDir(v), options);
    expect(readCurrentLink(layout)).toBe(layout.releaseDir(v));
  }
  // Removing a junction never removes the release it pointed to.
  expect(fs.readdirSync(layout.releaseDir('0.2.0'))).toEqual(['packages']);
});

test('EPERM/EBUSY while Defender scans: each step is tried again with back-off', async () => {
  const layout = releaseLayout(dataDir);
  await setCurrentLink(layout, layout.releaseDir('0.1.0'));
  const waits: number[] = [];
  const fake = windowsLikeFs(3);
  await setCurrentLink(layout, layout.releaseDir('0.2.0'), { platform: 'win32', fs: fake, sleep: async (ms) => void waits.push(ms) });
  expect(readCurrentLink(layout)).toBe(layout.releaseDir('0.2.0'));
  expect(waits).toEqual([50, 100, 200]);
});

test('a failure after the programs were stopped starts the previous release again (never a kiosk left down)', async () => {
  const layout = releaseLayout(dataDir);
  await setCurrentLink(layout, layout.releaseDir('0.1.0'));
  const asked: string[] = [];
  const programs: Programs = {
    stopBoth: async () => void asked.push('stop both'),
    startAndWait: async (_l, root, version) => {
      asked.push(`start ${version} from ${path.basename(root)}`);
      return undefined;
    },
  };
  // The switch as it ran on Windows before the fix: a rename over the junction, refused every time.
  const step = await switchRelease(
    {
      dataDir,
      from: { version: '0.1.0', root: layout.releaseDir('0.1.0'), link: readCurrentLink(layout) },
      to: { version: '0.2.0', root: layout.releaseDir('0.2.0') },
      idleTimeoutMs: 0,
    },
    {
      // Nobody answers GET /health: the terminal is not known busy, the switch does not wait.
      probe: { healthProblem: async () => undefined, terminalBusy: async () => undefined },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      link: { platform: 'linux', fs: windowsLikeFs(), sleep: noWait },
      programs,
    },
  );
  expect(step.outcome).toBe('failed');
  expect(step.message).toMatch(/the switch to 0\.2\.0 failed: EPERM.*; 0\.1\.0 runs again$/);
  expect(asked).toEqual(['stop both', 'stop both', 'start 0.1.0 from 0.1.0']);
  expect(readCurrentLink(layout)).toBe(layout.releaseDir('0.1.0'));
  expect(fs.existsSync(layout.switchPidFile)).toBe(false);
});
