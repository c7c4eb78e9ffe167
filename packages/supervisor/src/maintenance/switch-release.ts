/**
 * The switch, run by the detached switch runner (the supervisor cannot restart itself and wait): stop both
 * processes, point releases/current at the new release, start both from it, and wait for them to answer as
 * healthy. If they do not, the previous release comes back by itself: link restored, its processes started,
 * the reason (the new process's last words) recorded. The outcome goes to maintenance/last-run.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '@ecr/common';
import { healthProblem, localApi, terminalBusy, type LocalApi } from './health-probe';
import { readLastRun, writeLastRun } from './last-run';
import {
  isAlive,
  lastReason,
  PROCESS_NAMES,
  readPid,
  startProcess,
  stopPid,
  stopProcess,
  preferredRuntime,
  type Runtime,
  type Started,
} from './process-control';
import { releaseLayout, setCurrentLink, type ReleaseLayout } from './release-layout';
import type { UpdateStep } from './update-step';

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

export interface SwitchDeps {
  config: Pick<Config, 'bindAddress' | 'localPort' | 'terminalManagerLogin' | 'terminalManagerPwd'>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function switchRelease(job: SwitchJob, deps: SwitchDeps): Promise<UpdateStep> {
  const layout = releaseLayout(job.dataDir);
  const api = localApi(deps.config);
  const env = deps.env ?? process.env;
  const timeoutMs = job.healthTimeoutMs ?? 30_000;
  const runtime = job.runtime ?? preferredRuntime(env);
  const { from, to } = job;
  const { log } = deps;
  fs.mkdirSync(path.dirname(layout.switchPidFile), { recursive: true });
  fs.writeFileSync(layout.switchPidFile, `${process.pid}\n`);
  let step: UpdateStep;
  try {
    // The supervisor waited for its own payments; this also covers one that began since (never cut a payment).
    const busyFor = await waitTerminalIdle(api, job.idleTimeoutMs ?? 300_000, log);
    if (busyFor !== undefined) {
      const message = `${to.version} not switched to: the terminal was still busy after ${Math.round(busyFor / 1000)} s; the next run tries again`;
      step = { outcome: 'failed', message, from: from.version, to: to.version };
      log('warn', `update ${message}`);
      return finishRecord(layout, step);
    }
    log('info', `switching from ${from.version} to ${to.version}: stopping the supervisor and tp-manager`);
    await stopBoth(layout);
    setCurrentLink(layout, to.root);
    log('info', `releases/current -> ${to.root}; starting ${to.version}`);
    const problem = await startAndWait(layout, to.root, to.version, { api, env, runtime, timeoutMs });
    if (problem === undefined) {
      pruneReleases(layout, [to.root, from.root], log);
      step = { outcome: 'installed', message: `${to.version} installed and healthy (was ${from.version})`, from: from.version, to: to.version };
      log('info', `update ${step.message}`);
    } else {
      log('error', `update ${to.version} did not become healthy: ${problem}; rolling back to ${from.version}`);
      await stopBoth(layout);
      fs.writeFileSync(layout.rolledBackMarker(to.version), `${problem}\nrolled back ${new Date().toISOString()}\n`);
      setCurrentLink(layout, from.link);
      const again = await startAndWait(layout, from.root, from.version, { api, env, runtime, timeoutMs });
      const after = again === undefined ? `${from.version} answers again` : `but ${from.version} did not become healthy either: ${again}`;
      step = {
        outcome: 'rolled-back',
        message: `${to.version} did not become healthy (${problem}); rolled back to ${from.version}, ${after}`,
        from: from.version,
        to: to.version,
      };
      log(again === undefined ? 'warn' : 'error', `update ${step.message}`);
    }
  } catch (err) {
    step = { outcome: 'failed', message: `the switch to ${to.version} failed: ${(err as Error).message}`, from: from.version, to: to.version };
    log('error', `update ${step.message}`);
  } finally {
    fs.rmSync(layout.switchPidFile, { force: true });
  }
  return finishRecord(layout, step);
}

/** Waits while tp-manager reports a transaction in progress; the time waited if it still is after maxMs. */
async function waitTerminalIdle(api: LocalApi, maxMs: number, log: SwitchDeps['log']): Promise<number | undefined> {
  const startedAt = Date.now();
  let told = false;
  while ((await terminalBusy(api)) === true) {
    if (Date.now() - startedAt >= maxMs) return Date.now() - startedAt;
    if (!told) log('info', 'a payment is in progress on the terminal: the switch waits for it to end');
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/** The supervisor first (the kiosk stops being answered), then tp-manager (which owns the terminal). */
async function stopBoth(layout: ReleaseLayout): Promise<void> {
  for (const name of [...PROCESS_NAMES].reverse()) await stopProcess(layout.pidFile(name));
}

interface StartOptions {
  api: LocalApi;
  env: NodeJS.ProcessEnv;
  runtime: Runtime;
  timeoutMs: number;
}

/** Starts tp-manager then the supervisor from `root`; undefined once healthy, else why not. */
async function startAndWait(layout: ReleaseLayout, root: string, version: string, o: StartOptions): Promise<string | undefined> {
  const started = PROCESS_NAMES.map((name) => startProcess(root, name, layout.dataDir, o.env, o.runtime));
  const problem = await waitHealthy(layout, started, o.api, version, o.timeoutMs);
  if (problem !== undefined) {
    // Stop what this start left running, even a process that has not written its pid file yet.
    for (const s of [...started].reverse()) await stopPid(s.pid);
  }
  return problem;
}

async function waitHealthy(layout: ReleaseLayout, started: Started[], api: LocalApi, version: string, timeoutMs: number): Promise<string | undefined> {
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
    const problem = await healthProblem(api, version);
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
      log('info', `removed old release ${dir}`);
    } catch (err) {
      log('warn', `cannot remove old release ${dir}: ${(err as Error).message}`);
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
