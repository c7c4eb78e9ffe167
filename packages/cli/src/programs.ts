/**
 * The two programs, where they run from, and the one rule for running compiled code or the sources, used by
 * the launcher, the watchdog, npm start and the release switch alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_RUNTIME_FLAGS } from '@ecr/common';

export const PROGRAM_NAMES = ['tp-manager', 'supervisor'] as const;
export type ProgramName = (typeof PROGRAM_NAMES)[number];

export function isProgramName(name: string): name is ProgramName {
  return (PROGRAM_NAMES as readonly string[]).includes(name);
}

export type Runtime = 'compiled' | 'source';

export type ProgramCommand = { args: string[]; runtime: Runtime; cwd: string } | { error: string };

/**
 * node's arguments for `entry` (main: the program) of program `name` in the release at `root`. The rule:
 * ECR_RUNTIME=compiled|source forces one (ECR_COMPILED=1 is the older spelling of compiled); otherwise the
 * compiled JavaScript when the release has it (packages/<name>/dist/<entry>.js), else the sources through tsx.
 */
export function programCommand(root: string, name: string, env: NodeJS.ProcessEnv = process.env, entry = 'main'): ProgramCommand {
  const compiled = path.join(root, 'packages', name, 'dist', `${entry}.js`);
  const source = path.join(root, 'packages', name, 'src', `${entry}.ts`);
  const forced = env.ECR_RUNTIME?.trim() || (env.ECR_COMPILED === '1' ? 'compiled' : '');
  if (forced !== '' && forced !== 'compiled' && forced !== 'source') {
    return { error: `ECR_RUNTIME=${forced} is not a runtime: expected compiled, source, or nothing (compiled when built)` };
  }
  const runtime: Runtime = forced === '' ? (fs.existsSync(compiled) ? 'compiled' : 'source') : forced;
  if (runtime === 'compiled') {
    if (!fs.existsSync(compiled)) return { error: `${compiled} is missing: run npm run build first` };
    return { args: [...NODE_RUNTIME_FLAGS, compiled], runtime, cwd: root };
  }
  if (!fs.existsSync(source)) return { error: `${source} is missing: this delivery is incomplete` };
  if (!fs.existsSync(path.join(root, 'node_modules', 'tsx'))) {
    return { error: `tsx is not installed in ${root}: run npm ci (or npm run build to use compiled JavaScript)` };
  }
  return { args: [...NODE_RUNTIME_FLAGS, '--conditions=source', '--import', 'tsx', source], runtime, cwd: root };
}

/**
 * Where the programs run from: <data>/releases/current when the daily maintenance installed a release there
 * (packages/updater/README.md), else the delivery at `deliveryRoot`.
 */
export function programRoot(dataDir: string, deliveryRoot: string): string {
  const current = path.join(dataDir, 'releases', 'current');
  try {
    if (fs.statSync(path.join(current, 'packages')).isDirectory()) return fs.realpathSync(current);
  } catch {
    // no release installed
  }
  return deliveryRoot;
}
