#!/usr/bin/env node
/**
 * ecr launch | stop | always-up | status: the one implementation behind scripts/launch, stop and always-up
 * (.sh and .cmd find node and run this). Arguments are read before anything is done: --help starts nothing,
 * a mistake exits 2 with the usage on stderr.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanDirSetting, findRepoRoot, resolveDataDir } from '@ecr/common';
import { alwaysUp, launch, status, stop, type CliContext } from './commands';
import { bootTimeMs, observerFor } from './process-observer';
import { isProgramName, type ProgramName } from './programs';
import { writeTaskXml } from './task-xml';

const USAGES: Record<string, string> = {
  launch: `usage: ecr launch [tp-manager|supervisor] [-h|--help]
Starts both programs (or the one named) in the background; a running program is not started twice.
Each program's console output is appended to <data>/logs/<name>.out; one that stops during its start is
reported in one line (its reason) and the exit status is 1.`,
  stop: `usage: ecr stop [tp-manager|supervisor] [-h|--help]
Stops both programs (or the one named) with their process trees: a stop request first (run/<name>.stop; and
SIGTERM outside Windows), then a hard kill after $ECR_STOP_WAIT_S (8) seconds.`,
  'always-up': `usage: ecr always-up [-h|--help]
The watchdog (cron every 2 minutes, the Task Scheduler every 5): starts whichever program is missing, restarts
a supervisor that no longer answers GET /health. Silent when all is well; actions also go to logs/always-up.log.`,
  status: `usage: ecr status [-h|--help]
Tells which programs run (pid, start time), whether a release switch is under way, and where the logs are.
Exit status 0 when both run, 3 otherwise.`,
  'task-xml': `usage: ecr task-xml --out <file> [--data-dir <dir>] [-h|--help]
Writes the Task Scheduler definition of the watchdog for this installation (used by install-task.cmd).`,
};

const COMMON = `Data directory: $ECR_DATA_DIR, else data/ beside scripts/. Node: $ECR_NODE, else the PATH.
ECR_RUNTIME=compiled|source forces how the programs run (default: compiled when built).`;

const USAGE = `usage: ecr <command> [tp-manager|supervisor] [-h|--help]
  launch [name]    start both programs (or the one named) in the background
  stop [name]      stop both programs (or the one named)
  always-up        the watchdog: start what is missing, restart a supervisor that does not answer
  status           which programs run
${COMMON}`;

type Parsed = { help: string } | { error: string; usage: string } | { command: string; name?: ProgramName; out?: string; dataDir?: string };

export function readCliArgs(argv: readonly string[]): Parsed {
  const command = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const usage = command && USAGES[command] ? `${USAGES[command]}\n${COMMON}` : USAGE;
  let values: { help?: boolean; out?: string; 'data-dir'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string' }, 'data-dir': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0]!, usage };
  }
  if (values.help) return { help: usage };
  if (!command) return { error: 'give a command: launch, stop, always-up or status', usage };
  if (!USAGES[command]) return { error: `unknown command '${command}': expected launch, stop, always-up or status`, usage };
  const rest = positionals.slice(1);
  if (command === 'task-xml') {
    if (rest.length > 0) return { error: `unexpected argument '${rest[0]}'`, usage };
    if (!values.out) return { error: 'give --out <file>', usage };
    return { command, out: values.out, dataDir: values['data-dir'] };
  }
  if (values.out !== undefined) return { error: `--out is only for task-xml`, usage };
  const takesName = command === 'launch' || command === 'stop';
  if (rest.length > 0 && !takesName) return { error: `unexpected argument '${rest[0]}'`, usage };
  if (rest.length > 1) return { error: `one program at most, got '${rest[0]}' and '${rest[1]}'`, usage };
  if (rest[0] !== undefined && !isProgramName(rest[0])) {
    return { error: `unknown program '${rest[0]}': expected tp-manager or supervisor (or nothing for both)`, usage };
  }
  return { command, name: rest[0] as ProgramName | undefined, dataDir: values['data-dir'] };
}

async function main(argv: string[]): Promise<number> {
  const args = readCliArgs(argv);
  if ('help' in args) {
    process.stdout.write(args.help + '\n');
    return 0;
  }
  if ('error' in args) {
    process.stderr.write(`ecr: ${args.error}\n${args.usage}\n`);
    return 2;
  }
  const env = { ...process.env };
  if (args.dataDir !== undefined) env.ECR_DATA_DIR = args.dataDir;
  // The scripts run this from the delivery root (tsx is found there): a relative data directory is the caller's.
  const caller = env.ECR_CALLER_DIR;
  delete env.ECR_CALLER_DIR;
  const setting = cleanDirSetting(env.ECR_DATA_DIR ?? '');
  if (caller && setting !== '' && !path.isAbsolute(setting)) env.ECR_DATA_DIR = path.resolve(caller, setting);
  const dataDir = resolveDataDir(env);
  // The programs start from the release root: they must get the same, absolute, data directory.
  env.ECR_DATA_DIR = dataDir;
  const deliveryRoot = findRepoRoot(__dirname);
  if (args.command === 'task-xml') {
    writeTaskXml(args.out!, { installRoot: deliveryRoot, dataDir: args.dataDir === undefined ? undefined : dataDir });
    return 0;
  }
  const ctx: CliContext = {
    dataDir,
    deliveryRoot,
    env,
    platform: process.platform,
    observe: observerFor(process.platform),
    bootTimeMs: bootTimeMs(),
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  };
  switch (args.command) {
    case 'launch':
      return launch(ctx, args.name);
    case 'stop':
      return stop(ctx, args.name);
    case 'always-up':
      return alwaysUp(ctx);
    default:
      return status(ctx);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (err: Error) => {
      process.stderr.write(`ecr: ${err.message}\n`);
      process.exit(1);
    },
  );
}
