/**
 * The switch runner: a detached program the supervisor starts to switch releases, because the supervisor is
 * one of the processes to restart. Usage: node [--conditions=source --import tsx] switch-runner.ts <job.json>
 * (the job file is what switch-release.ts's SwitchJob describes). Output: logs/maintenance-*.log and stdout.
 */
import * as fs from 'node:fs';
import { closeLogger, configSecrets, createLogger, loadConfig, type ProcessLogger } from '@ecr/common';
import { readLastRun, releaseLayout, switchRelease, writeLastRun, type SwitchJob } from '@ecr/updater';
import { healthProblem, localApi, terminalBusy } from './health-probe';

async function main(): Promise<number> {
  const jobFile = process.argv[2];
  if (!jobFile) {
    process.stderr.write('switch-runner: usage: switch-runner <job.json>\n');
    return 2;
  }
  let job: SwitchJob;
  try {
    job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as SwitchJob;
  } catch (err) {
    process.stderr.write(`switch-runner: cannot read the job ${jobFile}: ${(err as Error).message}\n`);
    return 2;
  }
  let logger: ProcessLogger | undefined;
  try {
    const config = loadConfig({ dataDir: job.dataDir });
    logger = createLogger({ name: 'maintenance', dataDir: config.dataDir, level: config.logLevel, secrets: configSecrets(config) });
    const log = logger;
    const api = localApi(config);
    const probe = { healthProblem: (version: string) => healthProblem(api, version), terminalBusy: () => terminalBusy(api) };
    const step = await switchRelease(job, { probe, log });
    fs.rmSync(jobFile, { force: true });
    return step.outcome === 'installed' ? 0 : 1;
  } catch (err) {
    // Nothing was switched (the config could not be read): say so where GET /health shows it.
    const message = `the switch to ${job.to?.version} did not start: ${(err as Error).message}`;
    process.stderr.write(`switch-runner: ${message}\n`);
    const layout = releaseLayout(job.dataDir);
    const record = readLastRun(layout.lastRunFile);
    if (record) {
      delete record.runnerPid;
      writeLastRun(layout.lastRunFile, {
        ...record,
        state: 'done',
        finishedAt: new Date().toISOString(),
        update: { outcome: 'failed', message, from: job.from?.version, to: job.to?.version },
      });
    }
    return 1;
  } finally {
    if (logger) await closeLogger(logger);
  }
}

void main().then((code) => process.exit(code));
