/**
 * For technicians: `npm run maintenance -- --now` asks the running supervisor to run the daily maintenance now
 * (telecollection, then update; still never during a payment) and prints its outcome; `--status` prints the
 * outcome of the last run. The data directory is ECR_DATA_DIR or data/, as for every program.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '@ecr/common';
import { isAlive, readLastRun, readPid, releaseLayout, type MaintenanceRecord } from '@ecr/updater';

const USAGE = `usage: npm run maintenance -- --now [--wait <seconds>] | --status | --help
  --now            asks the running supervisor to run the daily maintenance now and prints its outcome
  --wait <s>       how long --now waits for the outcome (default 300)
  --status         prints the outcome of the last run
Data directory: $ECR_DATA_DIR, else data/ at the delivery root.`;

type Args = { help: boolean; now: boolean; status: boolean; waitS: number };

/** The command line (node:util parseArgs), or the one-line reason it was refused. */
function readMaintenanceArgs(argv: readonly string[]): Args | { error: string } {
  let values: { help?: boolean; now?: boolean; status?: boolean; wait?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, now: { type: 'boolean' }, status: { type: 'boolean' }, wait: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const help = values.help === true;
  const now = values.now === true;
  const status = values.status === true;
  if (help) return { help, now, status, waitS: 0 };
  if (now === status) return { error: 'give either --now or --status' };
  const waitS = values.wait === undefined ? 300 : Number(values.wait);
  if (!Number.isFinite(waitS) || waitS < 0 || values.wait?.trim() === '') return { error: `--wait ${values.wait ?? ''} is not a number of seconds` };
  return { help, now, status, waitS };
}

function describe(record: MaintenanceRecord | null): string {
  if (!record) return 'no maintenance run recorded yet';
  const lines = [`last run: ${record.trigger}, due ${record.dueAt}, ${record.state}${record.finishedAt ? ` (finished ${record.finishedAt})` : ''}`];
  if (record.postponed) lines.push(`  postponed since ${record.postponed.since}: ${record.postponed.reason}`);
  if (record.telecollection) lines.push(`  telecollection: ${record.telecollection.outcome}: ${record.telecollection.message}`);
  if (record.update) lines.push(`  update: ${record.update.outcome}: ${record.update.message}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = readMaintenanceArgs(argv);
  if ('error' in args) {
    process.stderr.write(`maintenance: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const layout = releaseLayout(resolveDataDir());
  if (args.status) {
    process.stdout.write(describe(readLastRun(layout.lastRunFile)) + '\n');
    return 0;
  }
  const waitS = args.waitS;
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
