/** Issue 14 defect 3: a lock left by a reboot or a killed run is taken at once; a live holder keeps it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LauncherLock, judgeLock } from '../src/launcher-lock';
import type { Observation } from '../src/process-identity';

const BOOT = Date.parse('2026-11-30T05:00:00Z');
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-lock-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const holder = { pid: 7, image: 'node.exe', startedAtMs: BOOT + 60_000 };
const alive = (): Observation => ({ state: 'alive', image: 'node.exe', startedAtMs: BOOT + 60_000 });
const deps = (observe: (pid: number) => Observation, self = { pid: 8, image: 'node.exe', startedAtMs: BOOT + 120_000 }) => ({
  observe,
  self,
  bootTimeMs: BOOT,
});

test('a lock made before the last boot is stale, even if its pid now runs something (Windows Update restart)', () => {
  const text = JSON.stringify({ ...holder, startedAtMs: BOOT - 600_000, createdAtMs: BOOT - 500_000 });
  expect(judgeLock(text, BOOT - 500_000, deps(alive)).stale).toBe(true);
});

test('a lock whose holder is gone is stale at once; one whose holder cannot be judged is kept', () => {
  const text = JSON.stringify({ ...holder, createdAtMs: BOOT + 61_000 });
  expect(judgeLock(text, BOOT + 61_000, deps(() => ({ state: 'gone' }))).stale).toBe(true);
  expect(judgeLock(text, BOOT + 61_000, deps(() => ({ state: 'unknown', why: 'blocked' }))).stale).toBe(false);
  expect(judgeLock(text, BOOT + 61_000, deps(alive))).toEqual({ stale: false, holder: { ...holder, createdAtMs: BOOT + 61_000 } });
});

test('a live holder keeps the lock; its release frees it', () => {
  const file = path.join(dir, 'launcher.lock');
  const first = new LauncherLock(file, deps(() => ({ state: 'gone' }), holder));
  const second = new LauncherLock(file, deps(alive));
  expect(first.tryTake()).toBe(true);
  expect(second.tryTake()).toBe(false);
  first.release();
  expect(second.tryTake()).toBe(true);
});

test('two runs finding the same stale lock: exactly one takes it', () => {
  const file = path.join(dir, 'launcher.lock');
  fs.writeFileSync(file, JSON.stringify({ pid: 5, image: 'node.exe', startedAtMs: BOOT - 9e6, createdAtMs: BOOT - 9e6 }));
  // Each contender sees the other as a live holder.
  const a = new LauncherLock(file, deps((pid) => (pid === 9 ? { state: 'alive', image: 'node.exe', startedAtMs: BOOT + 1000 } : { state: 'gone' }), { pid: 8, image: 'node.exe', startedAtMs: BOOT + 1000 }));
  const b = new LauncherLock(file, deps((pid) => (pid === 8 ? { state: 'alive', image: 'node.exe', startedAtMs: BOOT + 1000 } : { state: 'gone' }), { pid: 9, image: 'node.exe', startedAtMs: BOOT + 1000 }));
  expect([a.tryTake(), b.tryTake()].filter(Boolean)).toHaveLength(1);
  expect(fs.readdirSync(dir)).toEqual(['launcher.lock']);
});
