/**
 * A real pseudo-terminal pair made by socat: what a terminal's serial cable looks like to the connector.
 * One end for the simulator, the other for tp-manager; closing it is pulling the cable.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { track, type Running } from './processes';

export interface PtyPair {
  /** The terminal's end (simulator). */
  terminal: string;
  /** The cash register's end (tp-manager). */
  ecr: string;
  socat: Running;
  close(): Promise<void>;
}

export async function openPtyPair(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-pty-'))): Promise<PtyPair> {
  const terminal = path.join(dir, 'terminal');
  const ecr = path.join(dir, 'ecr');
  const socat = track(
    spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${terminal}`, `pty,raw,echo=0,link=${ecr}`], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  await socat.waitFor(/starting data transfer loop/, 10_000);
  return {
    terminal,
    ecr,
    socat,
    close: async () => {
      await socat.kill('SIGTERM');
    },
  };
}
