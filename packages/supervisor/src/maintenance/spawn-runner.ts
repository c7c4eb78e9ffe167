/**
 * Starts the switch runner as its own detached program (own process group), so it outlives the supervisor it
 * is about to stop. It runs from the same release and in the same way (TypeScript through tsx, or dist/) as
 * the supervisor that starts it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic, type ReleaseLayout, type SwitchJob } from '@ecr/updater';

/**
 * Writes the job file and starts the runner on it; returns the runner's pid. `onExit` is called if the runner
 * ends while this process still runs (normally it stops this process first; an early end is a failed switch).
 */
export function spawnSwitchRunner(layout: ReleaseLayout, job: SwitchJob, runningRoot: string, onExit?: () => void): number {
  writeJsonAtomic(layout.jobFile, job);
  const ext = path.extname(__filename); // .ts from the sources, .js from dist/
  const runner = path.join(__dirname, `switch-runner${ext}`);
  const args = ext === '.ts' ? ['--conditions=source', '--import', 'tsx', runner, layout.jobFile] : [runner, layout.jobFile];
  fs.mkdirSync(layout.logsDir, { recursive: true });
  const out = fs.openSync(path.join(layout.logsDir, 'maintenance-switch.out'), 'a');
  try {
    const child = spawn(process.execPath, args, {
      cwd: runningRoot,
      env: { ...process.env, ECR_DATA_DIR: layout.dataDir },
      detached: true,
      stdio: ['ignore', out, out],
      windowsHide: true,
    });
    child.on('error', () => onExit?.());
    child.on('exit', () => onExit?.());
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${runner}`);
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}
