/**
 * Command-line manners (issue 13 item 4), run for real as a technician types them: every entry point answers
 * -h and --help on stdout with exit status 0 and no side effect (its data directory stays empty: no pid file,
 * no log, no database; nothing listens), and an unknown option exits 2 with the usage on stderr.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = ['--conditions=source', '--import', 'tsx'];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface EntryPoint {
  what: string;
  command: string;
  args: string[];
}

const entryPoints: EntryPoint[] = [
  { what: 'scripts/launch.sh', command: path.join(ROOT, 'scripts', 'launch.sh'), args: [] },
  { what: 'scripts/stop.sh', command: path.join(ROOT, 'scripts', 'stop.sh'), args: [] },
  { what: 'scripts/always-up.sh', command: path.join(ROOT, 'scripts', 'always-up.sh'), args: [] },
  { what: 'scripts/lib/ecr.sh status (the CLI)', command: path.join(ROOT, 'scripts', 'lib', 'ecr.sh'), args: ['status'] },
  { what: 'npm start (scripts/start.ts)', command: process.execPath, args: [...TSX, path.join(ROOT, 'scripts', 'start.ts')] },
  { what: 'npm run tp-manager', command: process.execPath, args: [...TSX, path.join(ROOT, 'packages', 'tp-manager', 'src', 'main.ts')] },
  { what: 'npm run supervisor', command: process.execPath, args: [...TSX, path.join(ROOT, 'packages', 'supervisor', 'src', 'main.ts')] },
  { what: 'npm run maintenance', command: process.execPath, args: [...TSX, path.join(ROOT, 'packages', 'supervisor', 'src', 'maintenance', 'cli.ts')] },
  {
    what: 'pack-release',
    command: process.execPath,
    args: [...TSX, path.join(ROOT, 'packages', 'updater', 'src', 'pack-release.ts')],
  },
  { what: '.ci/run', command: path.join(ROOT, '.ci', 'run'), args: [] },
  { what: 'npm run hipay-sandbox', command: process.execPath, args: [...TSX, path.join(ROOT, 'packages', 'hipay-sandbox', 'src', 'main.ts')] },
  { what: 'npm run simulator', command: process.execPath, args: [...TSX, path.join(ROOT, 'packages', 'terminal-simulator', 'src', 'main.ts')] },
];

let dataDir: string;

beforeAll(() => {
  dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-cli-manners-')));
  // A complete configuration: were --help ignored, the programs would start, write and listen here.
  fs.writeFileSync(
    path.join(dataDir, 'config.txt'),
    'SERIAL_PORT=simulator\nLOCAL_PORT=1\nTERMINAL_MANAGER_LOGIN=l\nTERMINAL_MANAGER_PWD=p\nHIPAY_LOGIN=sandbox\nHIPAY_PWD=s\nUPDATE_TIME=04:00\n',
  );
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function run(entry: EntryPoint, extra: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      entry.command,
      [...entry.args, ...extra],
      { cwd: ROOT, env: { ...process.env, ECR_DATA_DIR: dataDir, ECR_NODE: process.execPath, ECR_RUNTIME: 'source' }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

function dataDirContents(): string[] {
  return fs.readdirSync(dataDir).sort();
}

describe.each(entryPoints)('$what', (entry) => {
  test.each(['--help', '-h'])('%s prints the usage on stdout, exits 0 and starts nothing', async (flag) => {
    const result = await run(entry, [flag]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: /);
    expect(dataDirContents()).toEqual(['config.txt']);
  });

  test('an unknown option exits 2 with the usage on stderr, nothing on stdout', async () => {
    const result = await run(entry, ['--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no-such-option/);
    expect(result.stderr).toMatch(/usage: /);
    expect(dataDirContents()).toEqual(['config.txt']);
  });
});

/**
 * The Windows scripts: cmd.exe is not on this machine, so they are read as text. What is checked is what would
 * break the manners: -h, --help and /? are handled before the first line that acts (the call of the CLI through
 * lib\ecr.cmd), the usage routine exits 0, and an unknown option goes to stderr with 2.
 */
describe.each(['launch.cmd', 'stop.cmd', 'always-up.cmd', path.join('windows', 'install-task.cmd')])('scripts/%s (read as text)', (script) => {
  const text = fs.readFileSync(path.join(ROOT, 'scripts', script), 'utf8');
  const lines = text.split('\r\n');

  test('CRLF line endings throughout (cmd.exe misreads labels otherwise)', () => {
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  test('-h, --help and /? go to the usage before anything acts', () => {
    // The first line that acts: the call of the CLI (lib\ecr.cmd), or schtasks.
    const firstAction = lines.findIndex((l) => /^(?!rem ).*(call "%ECR_LIB%"|ecr\.cmd" task-xml|powershell|schtasks)/.test(l));
    expect(firstAction).toBeGreaterThan(0);
    const handled = ['"--help" goto :usage', '"-h" goto :usage', '"/?" goto :usage'].map((needle) => lines.findIndex((l) => l.includes(needle)));
    for (const at of handled) {
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(firstAction);
    }
  });

  test('the usage routine prints "usage:" on stdout and exits 0; a wrong argument exits 2 with it on stderr', () => {
    const usage = lines.indexOf(':usage');
    expect(usage).toBeGreaterThan(0);
    expect(lines[usage + 1]).toMatch(/^echo usage: /);
    expect(lines.slice(usage).find((l) => l.startsWith('exit /b'))).toBe('exit /b 0');
    expect(text).toMatch(/call :usage >&2 ?& exit \/b 2|call :usage >&2\r\nexit \/b 2/);
  });
});

/**
 * Issue 14 defect 10: a .cmd script that echoes a variable's value (a config error text, a path) lets a "=" or
 * ">" in it redirect output or run something. The scripts print only fixed texts; the CLI prints every message.
 */
test.each(['launch.cmd', 'stop.cmd', 'always-up.cmd', path.join('lib', 'ecr.cmd'), path.join('windows', 'install-task.cmd')])(
  'scripts/%s echoes no variable value',
  (script) => {
    const lines = fs.readFileSync(path.join(ROOT, 'scripts', script), 'utf8').split('\r\n');
    // Fixed references only: %%NAME%% prints the name, %~1 / %~nx0 are the script's own words, %CMDCMDLINE% is
    // piped to find (never printed), and the schtasks user name is shown as typed by the technician.
    const allowed = /%%\w+%%|%~\w+|%CMDCMDLINE%|%ECR_TASK_USER%/g;
    // What each echo prints: from "echo" to the end of its command (& or |).
    const printed = lines.flatMap((l) => [...l.matchAll(/(?:^|[&(]\s*|>&2 )echo\b([^&|]*)/gi)].map((m) => m[1]!));
    const echoed = printed.filter((text) => /%\w+%/.test(text.replace(allowed, '')));
    expect(echoed).toEqual([]);
  },
);
