/**
 * Real child processes for end-to-end tests: the connector's programs run from their TypeScript sources
 * with tsx, exactly as `npm run <name>` does. Output is kept so a test can wait for a line and show it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

export interface Running {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function runTs(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

export function track(child: ChildProcess): Running {
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const running: Running = {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern} in output:\n${text.slice(-3000)}`));
        }, timeoutMs);
        const onExit = () => {
          setTimeout(() => {
            const m = text.match(pattern);
            cleanup();
            if (m) resolve(m);
            else reject(new Error(`process exited while waiting for ${pattern}; output:\n${text.slice(-3000)}`));
          }, 50);
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.on('exit', onExit);
        check();
      });
    },
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return running;
}
