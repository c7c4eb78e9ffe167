/**
 * For technicians: `npm run maintenance -- --now` asks the running supervisor to run the daily maintenance now
 * (telecollection, then update; still never during a payment) and prints its outcome; `--status` prints the
 * outcome of the last run. The data directory is ECR_DATA_DIR or data/, as for every program.
 */
import * as fs from 'node:fs';
import { resolveDataDir } from '@ecr/common';
import { readLastRun, type MaintenanceRecord } from './last-run';
import { isAlive, readPid } from './process-control';
import { releaseLayout } from './release-layout';

const USAGE = 'usage: maintenance --now [--wait <seconds>] | --status';

function describe(record: MaintenanceRecord | null): string {
  if (!record) return 'no maintenance run recorded yet';
  const lines = [`last run: ${record.trigger}, due ${record.dueAt}, ${record.state}${record.finishedAt ? ` (finished ${record.finishedAt})` : ''}`];
  if (record.postponed) lines.push(`  postponed since ${record.postponed.since}: ${record.postponed.reason}`);
  if (record.telecollection) lines.push(`  telecollection: ${record.telecollection.outcome}: ${record.telecollection.message}`);
  if (record.update) lines.push(`  update: ${record.update.outcome}: ${record.update.message}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const layout = releaseLayout(resolveDataDir());
  if (argv.includes('--status')) {
    process.stdout.write(describe(readLastRun(layout.lastRunFile)) + '\n');
    return 0;
  }
  if (!argv.includes('--now')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const waitIndex = argv.indexOf('--wait');
  const waitS = waitIndex >= 0 ? Number(argv[waitIndex + 1]) : 300;
  if (!Number.isFinite(waitS) || waitS < 0) {
    process.stderr.write(`--wait ${argv[waitIndex + 1] ?? ''} is not a number of seconds\n${USAGE}\n`);
    return 2;
  }
  const supervisor = readPid(layout.pidFile('supervisor'));
  if (supervisor === undefined || !isAlive(supervisor)) {
    process.stderr.write(`the supervisor is not running (no live pid in ${layout.pidFile('supervisor')}): start the connector first\n`);
    return 1;
  }
  const askedAt = new Date();
  fs.mkdirSync(layout.maintenanceDir, { recursive: true });
  fs.writeFileSync(layout.runNowFile, `${askedAt.toISOString()}\n`);
  process.stdout.write(`asked the supervisor (pid ${supervisor}) to run the maintenance now; waiting up to ${waitS} s\n`);

  const deadline = Date.now() + waitS * 1000;
  let shown = '';
  while (Date.now() < deadline) {
    const record = readLastRun(layout.lastRunFile);
    // This run's record: started after the request (the maintenance clock of a test may differ: use startedAt).
    const mine = record && Date.parse(record.startedAt ?? record.postponed?.since ?? '') >= askedAt.getTime() - 1000 ? record : null;
    if (mine) {
      const text = describe(mine);
      if (text !== shown) process.stdout.write(text + '\n');
      shown = text;
      if (mine.state === 'done') return ['refused', 'failed', 'rolled-back'].includes(mine.update?.outcome ?? '') ? 1 : 0;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stdout.write(`no outcome after ${waitS} s; see logs/supervisor-*.log and logs/maintenance-*.log, or run with --status later\n`);
  return 1;
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
