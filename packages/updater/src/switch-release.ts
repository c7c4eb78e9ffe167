/**
 * The switch, run by the detached switch runner (the supervisor cannot restart itself and wait): stop both
 * processes, point releases/current at the new release, start both from it, and wait for them to answer as
 * healthy. If they do not, the previous release comes back by itself: link restored, its processes started,
 * the reason (the new process's last words) recorded. The outcome goes to maintenance/last-run.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLastRun, writeLastRun } from './last-run';
import {
  isAlive,
  lastReason,
  PROCESS_NAMES,
  readPid,
  startProcess,
  stopStarted,
  stopProcess,
  preferredRuntime,
  type Runtime,
  type Started,
} from './process-control';
import { identityFile, writePidFile } from '@ecr/cli';
import { ownProcessIdentity } from '@ecr/common';
import { releaseLayout, setCurrentLink, type LinkOptions, type ReleaseLayout } from './release-layout';
import type { UpdateStep } from './update-step';
import type { Logger } from '@ecr/common';

export interface SwitchJob {
  dataDir: string;
  /** The release running before the switch, and where `current` pointed then (null: no link). */
  from: { version: string; root: string; link: string | null };
  to: { version: string; root: string };
  /** How long a started release has to become healthy. Default 30 s. */
  healthTimeoutMs?: number;
  /** How the programs run (as the supervisor that asked for the switch). Default: preferredRuntime(). */
  runtime?: Runtime;
  /** Longest wait for a terminal transaction to end before stopping the processes. Default 5 min. */
  idleTimeoutMs?: number;
}

/**
 * How the switch asks the running programs about themselves (the supervisor's GET /health and GET /version):
 * the updater knows no HTTP contract, the program that runs the switch brings it.
 */
export interface ReleaseProbe {
  /** undefined when the programs answer as healthy at `version`, else what is missing. */
  healthProblem(version: string): Promise<string | undefined>;
  /** Whether the terminal has a transaction in progress; undefined when nobody answers. */
  terminalBusy(): Promise<boolean | undefined>;
}

export interface SwitchDeps {
  probe: ReleaseProbe;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  env?: NodeJS.ProcessEnv;
  /** How `current` is changed (tests: a file system that acts like Windows). */
  link?: LinkOptions;
  /** Stopping and starting the programs (tests: stand-ins that record what was asked). */
  programs?: Programs;
}

/** What the switch does to the programs. */
export interface Programs {
  stopBoth(layout: ReleaseLayout): Promise<void>;
  /** Starts both from `root`; undefined once healthy at `version`, else why not. */
  startAndWait(layout: ReleaseLayout, root: string, version: string, o: StartOptions): Promise<string | undefined>;
}

export async function switchRelease(job: SwitchJob, deps: SwitchDeps): Promise<UpdateStep> {
  const layout = releaseLayout(job.dataDir);
  const probe = deps.probe;
  const env = deps.env ?? process.env;
  const timeoutMs = job.healthTimeoutMs ?? 30_000;
  const runtime = job.runtime ?? preferredRuntime(env);
  const { from, to } = job;
  const { log } = deps;
  const programs = deps.programs ?? realPrograms;
  const startOptions: StartOptions = { probe, env, runtime, timeoutMs };
  fs.mkdirSync(path.dirname(layout.switchPidFile), { recursive: true });
  // With its identity: the launcher and the watchdog trust this pid only while it is this very process.
  writePidFile(layout.switchPidFile, ownProcessIdentity());
  let step: UpdateStep;
  /** Set once the programs were stopped: from then on, any failure must start the previous release again. */
  let stopped = false;
  try {
    // The supervisor waited for its own payments; this also covers one that began since (never cut a payment).
    const busyFor = await waitTerminalIdle(probe, job.idleTimeoutMs ?? 300_000, log);
    if (busyFor !== undefined) {
      const message = `${to.version} not switched to: the terminal was still busy after ${Math.round(busyFor / 1000)} s; the next run tries again`;
      step = { outcome: 'failed', message, from: from.version, to: to.version };
      log.warn(`update ${message}`);
      return finishRecord(layout, step);
    }
    log.info(`switching from ${from.version} to ${to.version}: stopping the supervisor and tp-manager`);
    stopped = true;
    await programs.stopBoth(layout);
    await setCurrentLink(layout, to.root, deps.link);
    log.info(`releases/current -> ${to.root}; starting ${to.version}`);
    const problem = await programs.startAndWait(layout, to.root, to.version, startOptions);
    if (problem === undefined) {
      pruneReleases(layout, [to.root, from.root], log);
      step = { outcome: 'installed', message: `${to.version} installed and healthy (was ${from.version})`, from: from.version, to: to.version };
      log.info(`update ${step.message}`);
    } else {
      log.error(`update ${to.version} did not become healthy: ${problem}; rolling back to ${from.version}`);
      await programs.stopBoth(layout);
      fs.writeFileSync(layout.rolledBackMarker(to.version), `${problem}\nrolled back ${new Date().toISOString()}\n`);
      await setCurrentLink(layout, from.link, deps.link);
      const again = await programs.startAndWait(layout, from.root, from.version, startOptions);
      const after = again === undefined ? `${from.version} answers again` : `but ${from.version} did not become healthy either: ${again}`;
      step = {
        outcome: 'rolled-back',
        message: `${to.version} did not become healthy (${problem}); rolled back to ${from.version}, ${after}`,
        from: from.version,
        to: to.version,
      };
      log[again === undefined ? 'warn' : 'error'](`update ${step.message}`);
    }
  } catch (err) {
    let message = `the switch to ${to.version} failed: ${(err as Error).message}`;
    // The programs were stopped: never leave the kiosk down until the next watchdog run (issue 14 defect 1).
    if (stopped) message += `; ${await restartPrevious(layout, job, programs, startOptions, deps)}`;
    step = { outcome: 'failed', message, from: from.version, to: to.version };
    log.error(`update ${step.message}`);
  } finally {
    fs.rmSync(layout.switchPidFile, { force: true });
    fs.rmSync(identityFile(layout.switchPidFile), { force: true });
  }
  return finishRecord(layout, step);
}

/** Waits while tp-manager reports a transaction in progress; the time waited if it still is after maxMs. */
async function waitTerminalIdle(probe: ReleaseProbe, maxMs: number, log: SwitchDeps['log']): Promise<number | undefined> {
  const startedAt = Date.now();
  let told = false;
  while ((await probe.terminalBusy()) === true) {
    if (Date.now() - startedAt >= maxMs) return Date.now() - startedAt;
    if (!told) log.info('a payment is in progress on the terminal: the switch waits for it to end');
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/** After a failure with the programs stopped: `current` back to what it was, the previous release started. */
async function restartPrevious(layout: ReleaseLayout, job: SwitchJob, programs: Programs, o: StartOptions, deps: SwitchDeps): Promise<string> {
  const { from } = job;
  let linkProblem = '';
  try {
    await programs.stopBoth(layout); // whatever of the new release may run
    try {
      await setCurrentLink(layout, from.link, deps.link);
    } catch (err) {
      linkProblem = ` (releases/current could not be set back: ${(err as Error).message})`;
    }
    const again = await programs.startAndWait(layout, from.root, from.version, o);
    return (again === undefined ? `${from.version} runs again` : `${from.version} was started again but is not healthy: ${again}`) + linkProblem;
  } catch (err) {
    return `and ${from.version} could not be started again (${(err as Error).message}): the watchdog starts it at its next run`;
  }
}

/** The supervisor first (the kiosk stops being answered), then tp-manager (which owns the terminal). */
async function stopBoth(layout: ReleaseLayout): Promise<void> {
  for (const name of [...PROCESS_NAMES].reverse()) await stopProcess(layout.pidFile(name));
}

const realPrograms: Programs = { stopBoth, startAndWait };

export interface StartOptions {
  probe: ReleaseProbe;
  env: NodeJS.ProcessEnv;
  runtime: Runtime;
  timeoutMs: number;
}

/** Starts tp-manager then the supervisor from `root`; undefined once healthy, else why not. */
async function startAndWait(layout: ReleaseLayout, root: string, version: string, o: StartOptions): Promise<string | undefined> {
  const started = PROCESS_NAMES.map((name) => startProcess(root, name, layout.dataDir, o.env, o.runtime));
  const problem = await waitHealthy(layout, started, o.probe, version, o.timeoutMs);
  if (problem !== undefined) {
    // Stop what this start left running, even a process that has not written its pid file yet.
    for (const s of [...started].reverse()) await stopStarted(s, layout.dataDir);
  }
  return problem;
}

async function waitHealthy(layout: ReleaseLayout, started: Started[], probe: ReleaseProbe, version: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not started yet';
  for (;;) {
    for (const s of started) {
      if (s.exit === undefined) continue;
      // Another starter (the watchdog) may have won the race; that process counts if it runs.
      const other = readPid(layout.pidFile(s.name));
      if (other !== undefined && other !== s.pid && isAlive(other)) continue;
      return `${s.name} stopped at start (${s.exit}): ${lastReason(s.outFile, s.outStart)}`;
    }
    const problem = await probe.healthProblem(version);
    if (problem === undefined) return undefined;
    last = problem;
    if (Date.now() >= deadline) {
      const reasons = started.map((s) => `${s.name}: ${lastReason(s.outFile, s.outStart)}`).join('; ');
      return `not healthy after ${Math.round(timeoutMs / 1000)} s (${last}; last output ${reasons})`;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Keeps the new release and the one before it (for a manual way back); older ones go. */
function pruneReleases(layout: ReleaseLayout, keep: string[], log: SwitchDeps['log']): void {
  const kept = new Set(keep.map((dir) => realpath(dir)));
  for (const entry of fs.readdirSync(layout.releasesDir)) {
    if (entry === 'current' || entry.startsWith('.')) continue;
    const dir = path.join(layout.releasesDir, entry);
    if (kept.has(realpath(dir))) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      log.info(`removed old release ${dir}`);
    } catch (err) {
      log.warn(`cannot remove old release ${dir}: ${(err as Error).message}`);
    }
  }
}

function realpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

function finishRecord(layout: ReleaseLayout, step: UpdateStep): UpdateStep {
  const now = new Date().toISOString();
  const record = readLastRun(layout.lastRunFile) ?? { trigger: 'technician' as const, dueAt: now, state: 'done' as const };
  delete record.runnerPid;
  writeLastRun(layout.lastRunFile, { ...record, state: 'done', update: step, finishedAt: now });
  return step;
}
