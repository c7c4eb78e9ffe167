/**
 * nextRunAt is checked in several real time zones, each in its own node process (TZ is fixed per process;
 * Jest cannot change it inside a test). schedule-in-zone.ts holds the properties and the Paris examples.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../updater/test/release-fixture';

function runInZone(zone: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(__dirname, 'schedule-in-zone.ts')],
      { cwd: REPO_ROOT, env: { ...process.env, TZ: zone }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('nextRunAt: UPDATE_TIME in local time, DST-safe', () => {
  test.each([
    // zone, what is special there, its offset on 15 January 2024 (Date's sign: minutes behind UTC)
    ['Europe/Paris', 'plus the nights of 2024 when the clocks change', -60],
    ['America/New_York', '', 300],
    ['Australia/Lord_Howe', '(30-minute daylight-saving shift)', -660],
    ['America/Santiago', '(changes at midnight)', 180],
    ['Asia/Kathmandu', '(offset +05:45, no daylight saving)', -345],
    ['UTC', '', 0],
  ])('in %s: always in the future, within 25 h, at hh:mm local (or just after a skipped hour), none missed %s', async (zone, _what, offset) => {
    const { code, output } = await runInZone(zone);
    expect(output.trim()).toBe(`ok offset ${offset}`);
    expect(code).toBe(0);
  }, 60_000);
});
