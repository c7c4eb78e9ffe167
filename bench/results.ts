/** What a run found, as bench/results.json holds it: summaries, goals, and every payment's sample. */
import * as os from 'node:os';
import type { PaymentSample, WireCount } from './measure';
import type { Memory } from './proc';
import type { ProfileSummary } from './profile-summary';
import type { Line, Options } from './options';
import type { ProcessName, StartTimes } from './rig';
import { median, summarize, type Summary } from './stats';

export type Mem = Record<ProcessName | 'terminal-simulator', Memory>;
export type Cpu = Record<ProcessName | 'terminal-simulator' | 'bench (kiosk + HiPay sandbox)', number>;

/** The goals of the issue: figures to report, not thresholds. */
export const GOALS = { connectorP50Ms: 2, connectorP99Ms: 10, rssBothMb: 150, readyMs: 1000 };

export interface Raw {
  starts: StartTimes[];
  idle: Mem;
  after: Mem;
  settled: Mem;
  liveHeap?: Record<ProcessName, number>;
  payments: PaymentSample[];
  check: number[];
  version: number[];
  wire: WireCount;
  runBytes: { toTerminal: number; fromTerminal: number };
  cpuPerPaymentMs: Cpu;
  ptyHop: Summary;
  profiles: (ProfileSummary & { process: ProcessName })[];
  load: { before: number[]; after: number[] };
  durationS: number;
}

export function buildResults(options: Options & { line: Line }, raw: Raw) {
  const p = raw.payments;
  const stageNames = Object.keys(p[0]!.stages) as (keyof PaymentSample['stages'])[];
  const latency = {
    paymentEndToEnd: summarize(p.map((s) => s.e2eMs)),
    paymentConnector: summarize(p.map((s) => s.connectorMs)),
    paymentConnectorExclHipay: summarize(p.map((s) => s.connectorExclHipayMs)),
    paymentTerminalOwn: summarize(p.map((s) => s.terminalOwnMs)),
    paymentHipayOwn: summarize(p.map((s) => s.hipayOwnMs)),
    check: summarize(raw.check),
    version: summarize(raw.version),
  };
  const stages = Object.fromEntries(stageNames.map((n) => [n, summarize(p.map((s) => s.stages[n]))])) as Record<keyof PaymentSample['stages'], Summary>;
  const startup = {
    starts: raw.starts.length,
    tpManager: {
      spawnToReadyLineMs: median(raw.starts.map((s) => s.tpManager.spawnToLineMs)),
      reportedReadyMs: median(raw.starts.map((s) => s.tpManager.reportedMs)),
    },
    supervisor: {
      spawnToReadyLineMs: median(raw.starts.map((s) => s.supervisor.spawnToLineMs)),
      reportedReadyMs: median(raw.starts.map((s) => s.supervisor.reportedMs)),
      spawnToFirstHttpMs: median(raw.starts.map((s) => s.supervisorFirstHttpMs)),
      spawnToCheckOkMs: median(raw.starts.map((s) => s.supervisorCheckOkMs)),
    },
    each: raw.starts.map((s) => ({
      tpManager: { spawnToReadyLineMs: s.tpManager.spawnToLineMs, reportedReadyMs: s.tpManager.reportedMs },
      supervisor: { spawnToReadyLineMs: s.supervisor.spawnToLineMs, reportedReadyMs: s.supervisor.reportedMs, spawnToFirstHttpMs: s.supervisorFirstHttpMs, spawnToCheckOkMs: s.supervisorCheckOkMs },
    })),
  };
  const pair = (m: Mem): number => m['tp-manager'].rssMb + m.supervisor.rssMb;
  // GET /check is GET /version plus one ENQ/ACK round trip on the line (tp-manager's probe): their difference
  // prices a round trip on this pty, link-layer handling at both ends included. A payment's critical path
  // crosses the line 6 times (ENQ, ACK, request frame; then ENQ, ACK, answer frame): 3 round trips.
  const lineRoundTripMs = latency.check.p50 - latency.version.p50;
  const wire = {
    ...raw.wire,
    bytesPerPaymentOverRun: (raw.runBytes.toTerminal + raw.runBytes.fromTerminal) / p.length,
    ptyHopMs: raw.ptyHop,
    lineRoundTripMs,
    lineShareOfPaymentMs: 3 * lineRoundTripMs,
    connectorP50WithoutLineMs: latency.paymentConnector.p50 - 3 * lineRoundTripMs,
    connectorP50ShareOfFloor: latency.paymentConnector.p50 / raw.wire.floorMsAt9600,
  };
  const goals = {
    connectorP50: { goalMs: GOALS.connectorP50Ms, got: latency.paymentConnector.p50, met: latency.paymentConnector.p50 < GOALS.connectorP50Ms },
    connectorP99: { goalMs: GOALS.connectorP99Ms, got: latency.paymentConnector.p99, met: latency.paymentConnector.p99 < GOALS.connectorP99Ms },
    rssBoth: { goalMb: GOALS.rssBothMb, got: Math.max(pair(raw.idle), pair(raw.after)), met: Math.max(pair(raw.idle), pair(raw.after)) < GOALS.rssBothMb },
    tpManagerReady: { goalMs: GOALS.readyMs, got: startup.tpManager.spawnToReadyLineMs, met: startup.tpManager.spawnToReadyLineMs < GOALS.readyMs },
    supervisorReady: { goalMs: GOALS.readyMs, got: startup.supervisor.spawnToFirstHttpMs, met: startup.supervisor.spawnToFirstHttpMs < GOALS.readyMs },
  };
  return {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', load: raw.load },
    options: { ...options, out: undefined },
    latency,
    stages,
    cpuPerPaymentMs: raw.cpuPerPaymentMs,
    startup,
    memory: {
      idle: raw.idle,
      after: raw.after,
      settled: raw.settled,
      settleS: options.settle,
      bothIdleMb: pair(raw.idle),
      bothAfterMb: pair(raw.after),
      bothSettledMb: pair(raw.settled),
      bothAfterSharedOnceMb: raw.after['tp-manager'].anonMb + raw.after.supervisor.anonMb + Math.max(raw.after['tp-manager'].fileMb, raw.after.supervisor.fileMb),
      liveHeapAfterFullGcMb: raw.liveHeap,
    },
    wire,
    goals,
    profiles: raw.profiles,
    durationS: raw.durationS,
    samples: p.map((s) => ({
      e2e: round(s.e2eMs),
      terminal: round(s.terminalOwnMs),
      hipay: round(s.hipayOwnMs),
      ...Object.fromEntries(Object.entries(s.stages).map(([k, v]) => [k, round(v)])),
      at: Object.fromEntries(Object.entries(s.at).map(([k, v]) => [k, round(v)])),
    })),
  };
}

export type Results = ReturnType<typeof buildResults>;

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
