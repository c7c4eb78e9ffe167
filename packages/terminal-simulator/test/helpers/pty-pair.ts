/**
 * A real pseudo-terminal pair made by socat: whatever is written to one end is read at the other, through
 * the kernel's tty layer, exactly as a serial cable behaves for a program (minus the baud rate).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The cash register's end. */
  ecrPath: string;
  /** The terminal's end. */
  terminalPath: string;
  dir: string;
  close(): Promise<void>;
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'sim-pty-'));
  const ecrPath = join(dir, 'ecr');
  const terminalPath = join(dir, 'terminal');
  const socat: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${ecrPath}`, `pty,raw,echo=0,link=${terminalPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  socat.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));

  const deadline = Date.now() + 5000;
  while (!(existsSync(ecrPath) && existsSync(terminalPath))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      socat.kill('SIGKILL');
      throw new Error(`socat did not create the pty pair: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  return {
    ecrPath,
    terminalPath,
    dir,
    close: async () => {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
