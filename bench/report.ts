/** The bench's tables on the console. */
import * as path from 'node:path';
import type { Results } from './results';
import type { Summary } from './stats';

export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

export function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function latencyRow(name: string, s: Summary): (string | number)[] {
  return [name, String(s.n), s.p50, s.p90, s.p99, s.max, s.mean];
}

export const LATENCY_HEADER = ['ms', 'n', 'p50', 'p90', 'p99', 'max', 'mean'];

/** Every table of a run, as printed. */
export function render(r: Results): string {
  const out: string[] = [];
  const l = r.latency;
  out.push(
    table(`Latency (${r.options.protocol} over ${r.options.line === 'tcp' ? 'TCP' : 'a pty'}, simulator delay 0, from the kiosk over HTTP with Basic auth)`, LATENCY_HEADER, [
      latencyRow('POST /order end to end', l.paymentEndToEnd),
      latencyRow('  connector (e2e - terminal)', l.paymentConnector),
      latencyRow('  connector excl. HiPay sandbox', l.paymentConnectorExclHipay),
      latencyRow('  terminal simulator own', l.paymentTerminalOwn),
      latencyRow('  HiPay sandbox own', l.paymentHipayOwn),
      latencyRow('GET /check', l.check),
      latencyRow('GET /version', l.version),
    ]),
  );
  const s = r.stages;
  out.push(
    table('Payment stages (where the end to end goes)', LATENCY_HEADER, [
      latencyRow('kiosk -> terminal has request', s.toTerminal),
      latencyRow('terminal own (delay 0, encode)', s.terminalOwn),
      latencyRow('answer waits for link free', s.waitLinkFree),
      latencyRow('answer exchange on the link', s.answerExchange),
      latencyRow('answer taken -> HiPay call', s.toHipay),
      latencyRow('HiPay sandbox own', s.hipayOwn),
      latencyRow('HiPay answered -> kiosk', s.afterHipay),
    ]),
  );
  out.push(
    table('CPU time per payment (ms, user + system, over the measured payments; fsync waits are not CPU)', ['process', 'ms'], Object.entries(r.cpuPerPaymentMs).map(([k, v]) => [k, v])),
  );
  const m = r.memory;
  out.push(
    table('Memory (MB; VmRSS, and of it RssAnon: the process\'s own, the rest is shared code such as the node binary)', ['process', 'RSS idle', 'RSS after run', `after ${m.settleS} s idle`, 'own (anon) after', 'peak (HWM)'], [
      ...(['tp-manager', 'supervisor', 'terminal-simulator'] as const).map((n) => [n, m.idle[n].rssMb, m.after[n].rssMb, m.settled[n].rssMb, m.after[n].anonMb, m.settled[n].hwmMb]),
      ['tp-manager + supervisor', m.bothIdleMb, m.bothAfterMb, m.bothSettledMb, m.after['tp-manager'].anonMb + m.after.supervisor.anonMb, m.settled['tp-manager'].hwmMb + m.settled.supervisor.hwmMb],
    ]),
    `both with the node binary counted once: ${fmt(m.bothAfterSharedOnceMb, 1)} MB after the run (own memory of each + the larger shared part)`,
    m.liveHeapAfterFullGcMb
      ? `live heap after a full GC (gc-probe): tp-manager ${fmt(m.liveHeapAfterFullGcMb['tp-manager'], 1)} MB, supervisor ${fmt(m.liveHeapAfterFullGcMb.supervisor, 1)} MB`
      : '',
  );
  const st = r.startup;
  out.push(
    table(`Start-up from compiled JavaScript (ms, median of ${st.starts})`, ['process', 'spawn -> ready line', '"ready in N ms"', 'spawn -> first HTTP 200', 'spawn -> /check cr=0'], [
      ['tp-manager', st.tpManager.spawnToReadyLineMs, st.tpManager.reportedReadyMs, '-', '-'],
      ['supervisor', st.supervisor.spawnToReadyLineMs, st.supervisor.reportedReadyMs, st.supervisor.spawnToFirstHttpMs, st.supervisor.spawnToCheckOkMs],
    ].map((row) => row.map((c) => (typeof c === 'number' ? fmt(c, 0) : c)))),
  );
  const w = r.wire;
  // The line figures price a serial link (ENQ/ACK round trips, 9600 baud, the pty's hop): not a TCP run's.
  if (r.options.line === 'tcp') {
    out.push(
      table('Wire (one payment, raw TLV over TCP)', ['', 'value'], [
        ['bytes cash register -> terminal', String(w.bytesToTerminal)],
        ['bytes terminal -> cash register', String(w.bytesFromTerminal)],
        ['terminal socket reads / writes', `${w.terminalReads} / ${w.terminalWrites}`],
        ['bytes per payment over the run', fmt(w.bytesPerPaymentOverRun, 1)],
      ]),
    );
  } else out.push(
    table('Wire (one payment)', ['', 'value'], [
      ['bytes cash register -> terminal', String(w.bytesToTerminal)],
      ['bytes terminal -> cash register', String(w.bytesFromTerminal)],
      ['terminal port reads / writes', `${w.terminalReads} / ${w.terminalWrites}`],
      ['bytes per payment over the run', fmt(w.bytesPerPaymentOverRun, 1)],
      ['floor at 9600 baud 8N1 (ms)', fmt(w.floorMsAt9600, 1)],
      ['pty hop, idle rig, p50 / p99 (ms)', `${fmt(w.ptyHopMs.p50, 3)} / ${fmt(w.ptyHopMs.p99, 3)}`],
      ['line round trip in the rig: /check - /version p50 (ms)', fmt(w.lineRoundTripMs, 2)],
      ['line share of a payment, est. 3 round trips (ms)', fmt(w.lineShareOfPaymentMs, 2)],
      ['connector p50 without the line share, est. (ms)', fmt(w.connectorP50WithoutLineMs, 2)],
      ['connector p50 as share of the floor', `${fmt(w.connectorP50ShareOfFloor * 100, 1)} %`],
    ]),
  );
  const g = r.goals;
  out.push(
    table('Goals (figures, not thresholds)', ['goal', 'target', 'got', ''], [
      ['connector overhead p50', `< ${g.connectorP50.goalMs} ms`, `${fmt(g.connectorP50.got)} ms`, g.connectorP50.met ? 'met' : 'MISSED'],
      ['connector overhead p99', `< ${g.connectorP99.goalMs} ms`, `${fmt(g.connectorP99.got)} ms`, g.connectorP99.met ? 'met' : 'MISSED'],
      ['RSS tp-manager + supervisor', `< ${g.rssBoth.goalMb} MB`, `${fmt(g.rssBoth.got, 1)} MB`, g.rssBoth.met ? 'met' : 'MISSED'],
      ['tp-manager ready', `< ${g.tpManagerReady.goalMs} ms`, `${fmt(g.tpManagerReady.got, 0)} ms`, g.tpManagerReady.met ? 'met' : 'MISSED'],
      ['supervisor answering', `< ${g.supervisorReady.goalMs} ms`, `${fmt(g.supervisorReady.got, 0)} ms`, g.supervisorReady.met ? 'met' : 'MISSED'],
    ]),
  );
  for (const prof of r.profiles) {
    out.push(
      table(
        `CPU profile of ${prof.process} (${path.basename(prof.file)}): main thread busy ${fmt(prof.busyMs, 0)} ms of ${fmt(prof.windowMs, 0)} ms, ${fmt(prof.busyMs / r.options.payments, 2)} ms per payment (by activity)`,
        ['activity', 'ms', 'share'],
        prof.byActivity.map((h) => [h.name, h.ms, `${fmt(h.share * 100, 1)} %`]),
      ),
      table('  self time by module', ['module', 'ms', 'share'], prof.byModule.map((h) => [h.name, h.ms, `${fmt(h.share * 100, 1)} %`])),
      table('  top functions (self time)', ['function', 'ms', 'share'], prof.byFunction.map((h) => [h.name, h.ms, `${fmt(h.share * 100, 1)} %`])),
    );
  }
  out.push(`\nload average before ${r.machine.load.before.map((x) => x.toFixed(2)).join(' ')}, after ${r.machine.load.after.map((x) => x.toFixed(2)).join(' ')} (${r.machine.cpus} cores)`);
  return out.filter((block) => block !== '').join('\n');
}
