/**
 * Is the process a pid file names still the program that wrote it? A bare pid proves nothing: Windows reuses
 * pids within minutes, and a pid file outlives every power cut. A pid is trusted only with the image name
 * (`node`, `node.exe`) and start time recorded next to it; what cannot be read is "cannot tell", which never
 * deletes a pid file nor starts a second copy (issue 14, defects 2 and 9).
 */

import type { ProcessIdentity } from '@ecr/common';

export type { ProcessIdentity };

/** What the OS says about a pid right now. Any field may be missing when it could not be read. */
export type Observation =
  | { state: 'gone' }
  | { state: 'unknown'; why: string }
  | { state: 'alive'; image?: string; startedAtMs?: number; commandLine?: string };

export type Verdict = { is: 'ours' } | { is: 'not-ours'; why: string } | { is: 'gone' } | { is: 'unknown'; why: string };

/**
 * Start times read twice differ by rounding (Linux counts clock ticks from a boot time in whole seconds; a
 * program that records itself uses its own uptime). A reused pid belongs to a process started after ours
 * ended, so long after ours started: a tolerance of a few seconds cannot confuse them.
 */
export const START_TOLERANCE_MS = 3000;

export interface JudgeOptions {
  /** The identity stored next to the pid file (absent for programs started by npm start or systemd). */
  recorded?: ProcessIdentity;
  /** Without a usable identity, the command line decides when it is readable. */
  matchesCommandLine?: (line: string) => boolean;
  /** A process recorded as started before the last boot cannot be running, whatever has its pid now. */
  bootTimeMs?: number;
}

/** The verdict on a pid. Pure: the platform's observation is an input. */
export function judgeProcess(observed: Observation, o: JudgeOptions = {}): Verdict {
  const { recorded, matchesCommandLine } = o;
  if (recorded && o.bootTimeMs !== undefined && recorded.startedAtMs < o.bootTimeMs - START_TOLERANCE_MS) {
    return observed.state === 'alive' || observed.state === 'unknown' ? { is: 'not-ours', why: `pid ${recorded.pid} was recorded before the last boot` } : { is: 'gone' };
  }
  if (observed.state === 'gone') return { is: 'gone' };
  if (observed.state === 'unknown') return { is: 'unknown', why: observed.why };
  if (recorded) {
    if (observed.image !== undefined && observed.startedAtMs !== undefined) {
      if (observed.image.toLowerCase() !== recorded.image.toLowerCase()) return { is: 'not-ours', why: `pid ${recorded.pid} is now ${observed.image}` };
      if (Math.abs(observed.startedAtMs - recorded.startedAtMs) > START_TOLERANCE_MS) {
        return { is: 'not-ours', why: `pid ${recorded.pid} was started at ${new Date(observed.startedAtMs).toISOString()}, not ours` };
      }
      return { is: 'ours' };
    }
    // A different image is proof enough even without a start time.
    if (observed.image !== undefined && observed.image.toLowerCase() !== recorded.image.toLowerCase()) {
      return { is: 'not-ours', why: `pid ${recorded.pid} is now ${observed.image}` };
    }
  }
  if (observed.commandLine !== undefined && matchesCommandLine) {
    return matchesCommandLine(observed.commandLine) ? { is: 'ours' } : { is: 'not-ours', why: 'another program has that pid' };
  }
  return { is: 'unknown', why: 'neither its start time nor its command line could be read' };
}

/** A matcher for program `name`'s command line: its entry (compiled or source), from any release. */
export function runsProgram(name: string): (commandLine: string) => boolean {
  return (commandLine) => {
    const line = commandLine.replace(/\\/g, '/');
    return line.includes(`packages/${name}/dist/main.js`) || line.includes(`packages/${name}/src/main.ts`);
  };
}

/** The verdict as a word a technician reads in `ecr status`. */
export function describeVerdict(verdict: Verdict): string {
  switch (verdict.is) {
    case 'ours':
      return 'running';
    case 'gone':
      return 'not running';
    case 'not-ours':
      return `not running (${verdict.why})`;
    case 'unknown':
      return `cannot tell (${verdict.why})`;
  }
}
