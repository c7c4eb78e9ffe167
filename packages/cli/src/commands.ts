/**
 * ecr launch | stop | always-up | status: what the field scripts (.sh and .cmd) run. Each command takes the
 * launcher lock (run/launcher.lock) so a watchdog run and a technician never race, and leaves the programs
 * alone while the daily maintenance switches releases.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataPaths, ownProcessIdentity } from '@ecr/common';
import { LauncherLock } from './launcher-lock';
import { probeHealth, type ProbeVerdict } from './local-api';
import { awaitStart, startProgram, stopProgram, trimOut, type StartedProgram, type StopOutcome } from './program-control';
import type { Observe } from './process-observer';
import { PROGRAM_NAMES, programRoot, type ProgramName } from './programs';
import { programState, switchRunnerVerdict, type Seen } from './running-programs';

export interface CliContext {
  dataDir: string;
  deliveryRoot: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  observe: Observe;
  bootTimeMs: number;
  out(line: string): void;
  err(line: string): void;
  /** The health probe (replaced in tests, e.g. by one that crashes). */
  probe?: (dataDir: string, timeoutMs: number) => Promise<ProbeVerdict>;
}

/** A release switch older than this is over, whatever its pid file says (idle wait 5 min + two 30 s starts). */
const SWITCH_MAX_MS = 15 * 60_000;

function seconds(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const value = Number(env[key]);
  return Number.isFinite(value) && value >= 0 && env[key]?.trim() ? value : fallback;
}

function script(ctx: CliContext, name: string): string {
  return ctx.platform === 'win32' ? `${name}.cmd` : `scripts/${name}.sh`;
}

function seen(ctx: CliContext): Seen {
  return { observe: ctx.observe, bootTimeMs: ctx.bootTimeMs, platform: ctx.platform, deliveryRoot: ctx.deliveryRoot };
}

/** The data directory must exist (the programs would refuse it anyway); run/ and logs/ are made. */
function prepareDataDir(ctx: CliContext, prog: string): boolean {
  const paths = dataPaths(ctx.dataDir);
  if (!fs.existsSync(paths.dataDir)) {
    ctx.err(`${prog}: data directory ${paths.dataDir} does not exist: create it with a config.txt, or set ECR_DATA_DIR`);
    return false;
  }
  try {
    fs.mkdirSync(paths.runDir, { recursive: true });
    fs.mkdirSync(paths.logsDir, { recursive: true });
  } catch {
    ctx.err(`${prog}: cannot create ${paths.runDir} and ${paths.logsDir}: check the owner of ${paths.dataDir}`);
    return false;
  }
  return true;
}

function lockFor(ctx: CliContext): LauncherLock {
  return new LauncherLock(path.join(dataPaths(ctx.dataDir).runDir, 'launcher.lock'), {
    observe: ctx.observe,
    self: ownProcessIdentity(ctx.platform),
    bootTimeMs: ctx.bootTimeMs,
  });
}

/** The switch runner's pid while it restarts the programs, else undefined. */
function switchBusy(ctx: CliContext): number | undefined {
  const { verdict, pid } = switchRunnerVerdict(ctx.dataDir, seen(ctx));
  if (verdict.is === 'ours') return pid;
  if (verdict.is === 'unknown') {
    const file = path.join(dataPaths(ctx.dataDir).runDir, 'maintenance-switch.pid');
    const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age < SWITCH_MAX_MS) return pid;
  }
  return undefined;
}

async function waitSwitch(ctx: CliContext, prog: string): Promise<boolean> {
  const limitS = seconds(ctx.env, 'ECR_LOCK_WAIT_S', 60);
  const deadline = Date.now() + limitS * 1000;
  let told = false;
  for (;;) {
    const pid = switchBusy(ctx);
    if (pid === undefined) return true;
    if (Date.now() >= deadline) {
      ctx.err(`${prog}: the daily maintenance is still switching releases (pid ${pid}) after ${limitS} s: try again later`);
      return false;
    }
    if (!told) ctx.out(`${prog}: the daily maintenance is switching releases (pid ${pid}): waiting for it`);
    told = true;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function takeLock(ctx: CliContext, prog: string, lock: LauncherLock): Promise<boolean> {
  const limitS = seconds(ctx.env, 'ECR_LOCK_WAIT_S', 60);
  if (await lock.take(limitS * 1000)) return true;
  const holder = lock.holder();
  ctx.err(
    `${prog}: another launch, stop or always-up${holder ? ` (pid ${holder.pid})` : ''} still holds ${lock.file} after ${limitS} s` +
      (holder ? '' : '; if none runs, delete that file'),
  );
  return false;
}

function cannotTell(name: string, pid: number, why: string, ctx: CliContext): string {
  return `${name}: cannot tell whether pid ${pid} is still ${name} (${why}): leaving it alone; if it is not running, delete ${dataPaths(ctx.dataDir).pidFile(name)}`;
}

async function startAll(ctx: CliContext, names: ProgramName[], by: string, say: (line: string) => void): Promise<boolean> {
  const root = programRoot(ctx.dataDir, ctx.deliveryRoot);
  const started: StartedProgram[] = [];
  let ok = true;
  for (const name of names) {
    const result = startProgram({ root, name, dataDir: ctx.dataDir, env: ctx.env, by });
    if ('error' in result) {
      say(`${name}: could not be started: ${result.error}`);
      ok = false;
    } else started.push(result);
  }
  if (started.length === 0) return ok;
  const waited = await awaitStart(ctx.dataDir, started, seconds(ctx.env, 'ECR_START_WAIT_S', 20) * 1000, say);
  return ok && !waited.failed;
}

function stopText(outcome: StopOutcome, graceS: number): string {
  if (outcome === 'stopped') return 'stopped';
  if (outcome === 'killed') return `killed (no clean stop within ${graceS} s)`;
  return 'could not be stopped';
}

export async function launch(ctx: CliContext, only?: ProgramName): Promise<number> {
  if (!prepareDataDir(ctx, 'launch')) return 1;
  const lock = lockFor(ctx);
  if (!(await takeLock(ctx, 'launch', lock))) return 1;
  try {
    if (!(await waitSwitch(ctx, 'launch'))) return 1;
    let status = 0;
    const toStart: ProgramName[] = [];
    for (const name of only ? [only] : [...PROGRAM_NAMES]) {
      const state = programState(ctx.dataDir, name, seen(ctx));
      if (state.state === 'running') {
        ctx.out(`${name}: already running (pid ${state.pid}): not starting a second copy (${script(ctx, 'stop')} ${name} stops it)`);
      } else if (state.state === 'unknown') {
        ctx.out(cannotTell(name, state.pid, state.why, ctx));
        status = 1;
      } else toStart.push(name);
    }
    if (toStart.length === 0) return status;
    if (!(await startAll(ctx, toStart, 'launch', ctx.out))) status = 1;
    ctx.out(`logs: ${dataPaths(ctx.dataDir).logsDir}`);
    return status;
  } finally {
    lock.release();
  }
}

export async function stop(ctx: CliContext, only?: ProgramName): Promise<number> {
  if (!prepareDataDir(ctx, 'stop')) return 1;
  const lock = lockFor(ctx);
  if (!(await takeLock(ctx, 'stop', lock))) return 1;
  try {
    if (!(await waitSwitch(ctx, 'stop'))) return 1;
    const graceS = seconds(ctx.env, 'ECR_STOP_WAIT_S', 8);
    let status = 0;
    // The supervisor first: it would otherwise log that tp-manager went away.
    for (const name of only ? [only] : [...PROGRAM_NAMES].reverse()) {
      const state = programState(ctx.dataDir, name, seen(ctx));
      if (state.state === 'stopped') {
        ctx.out(`${name}: not running`);
      } else if (state.state === 'unknown') {
        ctx.out(cannotTell(name, state.pid, state.why, ctx));
        status = 1;
      } else {
        const outcome = await stopProgram({ name, pid: state.pid, dataDir: ctx.dataDir, graceMs: graceS * 1000 }, ctx.platform);
        ctx.out(`${name}: ${stopText(outcome, graceS)} (pid ${state.pid})`);
        if (outcome === 'still-running') status = 1;
      }
    }
    return status;
  } finally {
    lock.release();
  }
}

/**
 * The watchdog: starts whichever program is missing, restarts a supervisor that no longer answers GET /health.
 * Silent when all is well; each action is one line, also appended to logs/always-up.log.
 */
export async function alwaysUp(ctx: CliContext): Promise<number> {
  if (!prepareDataDir(ctx, 'always-up')) return 1;
  const trace = path.join(dataPaths(ctx.dataDir).logsDir, 'always-up.log');
  const say = (line: string) => {
    ctx.out(line);
    try {
      fs.appendFileSync(trace, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the console line is what is left
    }
  };
  const lock = lockFor(ctx);
  // Another run (or a technician's launch) is busy: it does the work.
  if (!lock.tryTake()) return 0;
  try {
    // The daily maintenance is restarting the programs itself: not ours to judge now.
    if (switchBusy(ctx) !== undefined) return 0;
    const graceS = seconds(ctx.env, 'ECR_HEALTH_GRACE_S', 30);
    const stopGraceS = seconds(ctx.env, 'ECR_STOP_WAIT_S', 8);
    const missing: ProgramName[] = [];
    for (const name of PROGRAM_NAMES) {
      trimOut(path.join(dataPaths(ctx.dataDir).logsDir, `${name}.out`), seconds(ctx.env, 'ECR_OUT_MAX_BYTES', 10 * 1024 * 1024));
      const state = programState(ctx.dataDir, name, seen(ctx));
      if (state.state === 'stopped') {
        missing.push(name);
        continue;
      }
      if (state.state === 'unknown') {
        say(`always-up: ${cannotTell(name, state.pid, state.why, ctx)}`);
        continue;
      }
      if (name !== 'supervisor') continue; // tp-manager: alive by its pid
      if (state.startedAtMs !== undefined && Date.now() - state.startedAtMs < graceS * 1000) continue; // may still be opening its port
      const health = await safeProbe(ctx);
      if (health.state === 'answering') continue;
      if (health.state === 'unknown') {
        say(`always-up: cannot check the supervisor's health: ${health.reason}`);
        continue;
      }
      const outcome = await stopProgram({ name, pid: state.pid, dataDir: ctx.dataDir, graceMs: stopGraceS * 1000 }, ctx.platform);
      say(`always-up: supervisor (pid ${state.pid}) ${health.reason}: ${stopText(outcome, stopGraceS)}`);
      if (outcome !== 'still-running') missing.push(name);
    }
    if (missing.length === 0 || switchBusy(ctx) !== undefined) return 0;
    return (await startAll(ctx, missing, 'always-up', (line) => say(`always-up: ${line}`))) ? 0 : 1;
  } finally {
    lock.release();
  }
}

/** A probe that fails in itself (a crash, a broken install) says "cannot tell", never "not answering". */
async function safeProbe(ctx: CliContext): Promise<ProbeVerdict> {
  try {
    return await (ctx.probe ?? probeHealth)(ctx.dataDir, seconds(ctx.env, 'ECR_HEALTH_TIMEOUT_MS', 5000));
  } catch (err) {
    return { state: 'unknown', reason: `the health probe failed: ${(err as Error).message}` };
  }
}

/** What runs, for a technician: one line per program, and the release switch when one is under way. */
export async function status(ctx: CliContext): Promise<number> {
  const paths = dataPaths(ctx.dataDir);
  if (!fs.existsSync(paths.dataDir)) {
    ctx.err(`status: data directory ${paths.dataDir} does not exist: create it with a config.txt, or set ECR_DATA_DIR`);
    return 1;
  }
  let allRunning = true;
  for (const name of PROGRAM_NAMES) {
    const state = programState(ctx.dataDir, name, seen(ctx));
    if (state.state === 'running') {
      const since = state.startedAtMs === undefined ? '' : `, since ${new Date(state.startedAtMs).toISOString()}`;
      ctx.out(`${name}: running (pid ${state.pid}${since})`);
    } else {
      allRunning = false;
      ctx.out(state.state === 'stopped' ? `${name}: not running` : cannotTell(name, state.pid, state.why, ctx));
    }
  }
  const switching = switchBusy(ctx);
  if (switching !== undefined) ctx.out(`the daily maintenance is switching releases (pid ${switching})`);
  ctx.out(`programs run from: ${programRoot(ctx.dataDir, ctx.deliveryRoot)}`);
  ctx.out(`data directory: ${paths.dataDir}; logs: ${paths.logsDir}`);
  return allRunning ? 0 : 3;
}
