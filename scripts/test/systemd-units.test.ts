/**
 * The systemd units (issue 13 item 8): syntax checked by systemd itself (systemd-analyze verify), hardening
 * scored by systemd-analyze security (offline: no running systemd needed), under 3.0 for both units. Skipped
 * where systemd-analyze is not installed (it is on this project's machine).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const UNITS_DIR = path.resolve(__dirname, '..', 'systemd');
const UNITS = ['ecr-tp-manager.service', 'ecr-supervisor.service'];
const available = spawnSync('systemd-analyze', ['--version']).status === 0;
const maybe = available ? describe : describe.skip;

maybe.each(UNITS)('%s', (unit) => {
  const file = path.join(UNITS_DIR, unit);

  test('systemd-analyze verify finds nothing to say', () => {
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
    // Messages about the host (no user "ecr", no /opt/ecr here) are not about the unit's syntax.
    const about = (result.stderr + result.stdout).split('\n').filter((l) => l.trim() !== '' && !/\/opt\/ecr|user ecr|group ecr|dialout/i.test(l));
    expect(about).toEqual([]);
  });

  test('systemd-analyze security rates it under 3.0', () => {
    const out = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', file], { encoding: 'utf8' }).stdout;
    const score = Number(/Overall exposure level for \S+: ([0-9.]+)/.exec(out)?.[1]);
    expect(score).toBeLessThan(3.0);
  });
});

describe.each(UNITS)('%s hardening as the issue asks', (unit) => {
  const text = fs.readFileSync(path.join(UNITS_DIR, unit), 'utf8');
  const settings = new Set(text.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)));

  test.each([
    'Type=exec',
    'ProtectSystem=strict',
    'ReadWritePaths=/opt/ecr/data',
    'ProtectHome=yes',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'SystemCallFilter=@system-service',
  ])('%s', (line) => expect(settings.has(line)).toBe(true));

  test('no MemoryDenyWriteExecute: V8 needs writable, then executable memory', () => {
    expect(text).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  test('the node flags are those of every launcher (NODE_RUNTIME_FLAGS)', () => {
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=1 /m);
  });
});

test('tp-manager may open serial lines and nothing else; the supervisor no device at all', () => {
  const tp = fs.readFileSync(path.join(UNITS_DIR, 'ecr-tp-manager.service'), 'utf8');
  const sup = fs.readFileSync(path.join(UNITS_DIR, 'ecr-supervisor.service'), 'utf8');
  expect(tp).toMatch(/^DevicePolicy=closed$/m);
  expect(tp.match(/^DeviceAllow=.*$/gm)).toEqual(['DeviceAllow=char-ttyUSB rw', 'DeviceAllow=char-ttyACM rw', 'DeviceAllow=char-ttyS rw']);
  expect(sup).toMatch(/^PrivateDevices=yes$/m);
});
