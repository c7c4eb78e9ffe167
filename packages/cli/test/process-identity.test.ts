/**
 * Issue 14 defects 2, 3 and 9: a pid is trusted only with its recorded image name and start time; "cannot tell"
 * stays "cannot tell". Windows is an input here: its tools' answers are given as text.
 */
import { judgeProcess, runsProgram, type Observation, type ProcessIdentity } from '../src/process-identity';
import { observeWindows, parseProcStat, parseTasklistCsv, type ToolRunner } from '../src/process-observer';

const T0 = Date.parse('2026-11-30T06:00:00Z');
const recorded: ProcessIdentity = { pid: 4242, image: 'node.exe', startedAtMs: T0 };
const matches = runsProgram('supervisor');

describe('judgeProcess (Windows observations)', () => {
  test('the same image started at the recorded time is ours', () => {
    expect(judgeProcess({ state: 'alive', image: 'node.exe', startedAtMs: T0 + 400 }, { recorded })).toEqual({ is: 'ours' });
  });

  test('a reused pid is not ours: another image, or node.exe started at another time', () => {
    expect(judgeProcess({ state: 'alive', image: 'svchost.exe', startedAtMs: T0 }, { recorded }).is).toBe('not-ours');
    expect(judgeProcess({ state: 'alive', image: 'node.exe', startedAtMs: T0 + 60_000 }, { recorded }).is).toBe('not-ours');
    // another image is proof enough even when PowerShell could not give the start time
    expect(judgeProcess({ state: 'alive', image: 'chrome.exe' }, { recorded }).is).toBe('not-ours');
  });

  test('cannot read (PowerShell or tasklist blocked, another account) is "unknown", never "gone"', () => {
    expect(judgeProcess({ state: 'unknown', why: 'tasklist did not answer' }, { recorded, matchesCommandLine: matches }).is).toBe('unknown');
    expect(judgeProcess({ state: 'alive', image: 'node.exe' }, { recorded, matchesCommandLine: matches }).is).toBe('unknown');
    // a bare pid with nothing readable about it
    expect(judgeProcess({ state: 'alive' }, { matchesCommandLine: matches }).is).toBe('unknown');
  });

  test('a process recorded before the last boot is not running, whatever has its pid now (power cut)', () => {
    const boot = T0 + 3_600_000;
    expect(judgeProcess({ state: 'unknown', why: 'blocked' }, { recorded, bootTimeMs: boot }).is).toBe('not-ours');
    expect(judgeProcess({ state: 'alive', image: 'node.exe' }, { recorded, bootTimeMs: boot }).is).toBe('not-ours');
    expect(judgeProcess({ state: 'gone' }, { recorded, bootTimeMs: boot }).is).toBe('gone');
  });

  test('without a recorded identity, a readable command line decides (programs started by npm start or systemd)', () => {
    const alive = (commandLine: string): Observation => ({ state: 'alive', image: 'node', startedAtMs: T0, commandLine });
    expect(judgeProcess(alive('node --import tsx C:\\ecr\\packages\\supervisor\\src\\main.ts'), { matchesCommandLine: matches }).is).toBe('ours');
    expect(judgeProcess(alive('/usr/bin/node /opt/ecr/packages/supervisor/dist/main.js'), { matchesCommandLine: matches }).is).toBe('ours');
    expect(judgeProcess(alive('node jest'), { matchesCommandLine: matches }).is).toBe('not-ours');
  });
});

describe('reading Windows tools', () => {
  test('tasklist CSV: the image of that pid; INFO when none; anything else not understood', () => {
    expect(parseTasklistCsv('"node.exe","4242","Console","1","45,112 K"\r\n', 4242)).toBe('node.exe');
    expect(parseTasklistCsv('INFO: No tasks are running which match the specified criteria.\r\n', 4242)).toBeNull();
    expect(parseTasklistCsv('Zugriff verweigert', 4242)).toBeUndefined();
  });

  test('observeWindows: tasklist blocked or slow is unknown; PowerShell blocked leaves the start time out', () => {
    const blocked: ToolRunner = () => undefined;
    expect(observeWindows(4242, blocked).state).toBe('unknown');
    const noPowerShell: ToolRunner = (cmd) => (cmd === 'tasklist' ? '"node.exe","4242","Services","0","40,000 K"' : undefined);
    expect(observeWindows(4242, noPowerShell)).toEqual({ state: 'alive', image: 'node.exe', startedAtMs: undefined });
    const both: ToolRunner = (cmd) => (cmd === 'tasklist' ? '"node.exe","4242","Services","0","40,000 K"' : '2026-11-30T06:00:00.2500000Z\r\n');
    expect(observeWindows(4242, both)).toEqual({ state: 'alive', image: 'node.exe', startedAtMs: T0 + 250 });
    const none: ToolRunner = () => 'INFO: No tasks are running which match the specified criteria.';
    expect(observeWindows(4242, none)).toEqual({ state: 'gone' });
  });
});

test('Linux /proc/<pid>/stat: start time from boot time and clock ticks; a zombie is gone', () => {
  const stat = (state: string) => `123 (node (x)) ${state} 1 123 123 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 11 0 2500 1000 100`;
  expect(parseProcStat(stat('S'), 1_000)).toEqual({ zombie: false, startedAtMs: 1_000_000 + 25_000 });
  expect(parseProcStat(stat('Z'), 1_000)?.zombie).toBe(true);
});
