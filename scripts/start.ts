/**
 * `npm start`: tp-manager and the supervisor in the foreground, with the data directory's config.txt
 * (ECR_DATA_DIR or data/). Ctrl-C or SIGTERM stops both. A process that dies is reported and started again
 * after a pause, unless it died at once (a configuration error: restarting would only repeat it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { programCommand } from '@ecr/cli';
import { readProcessArgs } from '@ecr/common';

const USAGE = `usage: npm start [-- -h|--help]
Runs tp-manager and the supervisor in the foreground with the data directory's config.txt ($ECR_DATA_DIR, else
data/); Ctrl-C stops both. A program that stops is started again after 2 s, unless it stopped during its start.
The TypeScript sources run, unless ECR_RUNTIME=compiled (or ECR_COMPILED=1) asks for the build (npm run build).`;

// Arguments before anything starts: --help starts nothing.
const args = readProcessArgs(process.argv.slice(2));
if (args === 'help') {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
if (args !== 'run') {
  process.stderr.write(`start: ${args.error}\n${USAGE}\n`);
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const names = ['tp-manager', 'supervisor'] as const;
const children = new Map<string, ChildProcess>();
let stopping = false;

/** The launcher's one rule (packages/cli, programCommand); npm start is a developer's: the sources by default. */
function entry(name: string): string[] {
  const runtime = process.env.ECR_RUNTIME?.trim() || (process.env.ECR_COMPILED === '1' ? 'compiled' : 'source');
  const command = programCommand(root, name, { ...process.env, ECR_RUNTIME: runtime });
  if ('error' in command) {
    console.error(`start: ${command.error}`);
    process.exit(1);
  }
  return command.args;
}

function start(name: string): void {
  const startedAt = Date.now();
  // ECR_MANAGED_BY: the daily update must not switch releases behind this script's back (it restarts the old one).
  const env = { ...process.env, ECR_MANAGED_BY: process.env.ECR_MANAGED_BY ?? 'npm start' };
  const child = spawn(process.execPath, entry(name), { cwd: root, stdio: 'inherit', env });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) {
      if (children.size === 0) process.exit(0);
      return;
    }
    const lived = Date.now() - startedAt;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (lived < 3000 && code !== 0) {
      console.error(`start: ${name} stopped ${lived} ms after its start (${how}); its reason is the line above. Fix it, then run npm start again.`);
      if (children.size === 0) process.exit(1);
      return;
    }
    console.error(`start: ${name} stopped (${how}); starting it again in 2 s`);
    setTimeout(() => !stopping && start(name), 2000);
  });
}

function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
  if (children.size === 0) process.exit(0);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(1);
  }, 8000).unref();
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
for (const name of names) start(name);
