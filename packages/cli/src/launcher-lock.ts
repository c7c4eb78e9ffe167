/**
 * One lock for launch, stop and always-up (run/launcher.lock, a file created exclusively, holding its holder's
 * identity). A lock is stale when it was made before the last boot (a reboot or Windows Update left it), or
 * its holder is surely gone; a holder we cannot judge keeps its lock (issue 14, defect 3). Taking a stale lock
 * is a rename to a unique name, which only one of two racing runs can win.
 */
import * as fs from 'node:fs';
import { judgeProcess, type ProcessIdentity } from './process-identity';
import type { Observe } from './process-observer';

export interface LockRecord extends ProcessIdentity {
  createdAtMs: number;
}

export interface LockDeps {
  observe: Observe;
  self: ProcessIdentity;
  bootTimeMs: number;
  now?: () => number;
}

/** A lock file with no readable holder (half written) older than this was left by a crash. */
const UNREADABLE_STALE_MS = 10_000;

export type LockState = { stale: true; why: string } | { stale: false; holder?: LockRecord };

/** Whether the lock file's content (and age) shows a stale lock. Pure but for the observation of its holder. */
export function judgeLock(text: string | undefined, mtimeMs: number, deps: LockDeps): LockState {
  const now = (deps.now ?? Date.now)();
  let record: LockRecord | undefined;
  try {
    const value = JSON.parse(text ?? '') as Partial<LockRecord>;
    if (typeof value.pid === 'number' && typeof value.image === 'string' && typeof value.startedAtMs === 'number' && typeof value.createdAtMs === 'number') {
      record = value as LockRecord;
    }
  } catch {
    // half written, or from another tool
  }
  const madeAt = record?.createdAtMs ?? mtimeMs;
  if (madeAt < deps.bootTimeMs) return { stale: true, why: 'made before the last boot' };
  if (!record) return now - mtimeMs > UNREADABLE_STALE_MS ? { stale: true, why: 'holds no holder' } : { stale: false };
  // The holder is a launcher, not a program: only its image and start time can tell.
  const verdict = judgeProcess(deps.observe(record.pid), { recorded: record });
  if (verdict.is === 'gone' || verdict.is === 'not-ours') return { stale: true, why: `its holder (pid ${record.pid}) is gone` };
  return { stale: false, holder: record };
}

export class LauncherLock {
  private held = false;
  private readonly text: string;

  constructor(
    readonly file: string,
    private readonly deps: LockDeps,
  ) {
    const record: LockRecord = { ...deps.self, createdAtMs: (deps.now ?? Date.now)() };
    this.text = JSON.stringify(record) + '\n';
  }

  /** Takes the lock if free or stale; false when a live (or undecidable) holder has it. */
  tryTake(): boolean {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.writeFileSync(this.file, this.text, { flag: 'wx' });
        this.held = true;
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const seen = this.read();
      if (seen === undefined) continue; // released meanwhile
      if (!judgeLock(seen.text, seen.mtimeMs, this.deps).stale) return false;
      this.breakStale(seen.text);
    }
    return false;
  }

  /** Tries until `waitMs` passed. */
  async take(waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.tryTake()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.read()?.text === this.text) fs.rmSync(this.file, { force: true });
  }

  /** Who holds it, for the message when it stays taken. */
  holder(): LockRecord | undefined {
    const seen = this.read();
    const state = seen && judgeLock(seen.text, seen.mtimeMs, this.deps);
    return state && !state.stale ? state.holder : undefined;
  }

  private read(): { text: string; mtimeMs: number } | undefined {
    try {
      return { text: fs.readFileSync(this.file, 'utf8'), mtimeMs: fs.statSync(this.file).mtimeMs };
    } catch {
      return undefined;
    }
  }

  /**
   * Moves the stale lock aside. If another run replaced it by a live lock between our look and the rename, that
   * lock is what we moved: it is put back (link fails if a third run took the name meanwhile; then theirs stands).
   */
  private breakStale(staleText: string): void {
    const aside = `${this.file}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      fs.renameSync(this.file, aside);
    } catch {
      return; // someone else moved it
    }
    let moved = '';
    try {
      moved = fs.readFileSync(aside, 'utf8');
    } catch {
      // unreadable: treat as the stale one
      moved = staleText;
    }
    if (moved !== staleText) {
      try {
        fs.linkSync(aside, this.file);
      } catch {
        // a third run holds the name now
      }
    }
    fs.rmSync(aside, { force: true });
  }
}
