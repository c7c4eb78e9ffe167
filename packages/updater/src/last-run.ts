/**
 * maintenance/last-run.json: what the last maintenance run did, step by step. The supervisor writes it while
 * it runs; the switch runner finishes it after a switch; GET /health shows it as it is on disk.
 */
import * as fs from 'node:fs';
import type { TlcResult } from '@ecr/common';
import { writeJsonAtomic } from './release-layout';
import type { UpdateStep } from './update-step';

export interface TelecollectionStep {
  outcome: 'done' | 'incomplete' | 'not-supported' | 'failed';
  message: string;
  /** The terminal's answer, when it gave one. */
  result?: TlcResult;
}

export interface MaintenanceRecord {
  /** schedule: UPDATE_TIME came; technician: asked for with the maintenance CLI. */
  trigger: 'schedule' | 'technician';
  /** When the run was due. */
  dueAt: string;
  /** postponed: waiting for a payment to end; switching: the switch runner is restarting the processes. */
  state: 'postponed' | 'running' | 'switching' | 'done';
  postponed?: { since: string; reason: string };
  startedAt?: string;
  finishedAt?: string;
  telecollection?: TelecollectionStep;
  update?: UpdateStep;
  /** The switch runner's pid while state is "switching". */
  runnerPid?: number;
}

export function readLastRun(file: string): MaintenanceRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as MaintenanceRecord;
  } catch {
    return null;
  }
}

export function writeLastRun(file: string, record: MaintenanceRecord): void {
  writeJsonAtomic(file, record);
}
