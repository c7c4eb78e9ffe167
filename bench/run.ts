/**
 * npm run bench: the connector's speed, memory and start-up as production runs it (see bench/README.md).
 *
 *   npm run bench -- [--payments 400] [--maintenance 200] [--warmup 30] [--starts 3] [--settle 5]
 *                    [--protocol concert-v3|concert-v2] [--line both|pty|tcp] [--no-build] [--log-level info]
 *                    [--cpu-prof] [--gc-probe] [--node-flag F]... [--root DIR] [--dump-output DIR] [--out bench/results.json]
 *
 * The options are read before anything runs (--help and a bad option have no side effect), then the build,
 * then one run per line: over a pseudo-terminal, then over TCP.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE_RUNTIME_FLAGS } from '@ecr/common';
import { countOnePayment, measureGets, measurePayments, payOnce } from './measure';
import { outFor, parseOptions, type Line, type Options } from './options';
import { cpuMsOf, memoryOf, REPO_ROOT } from './proc';
import { profileOf, summarizeProfile, type ProfileSummary } from './profile-summary';
import { measurePtyHop } from './pty-latency';
import { fmt, render } from './report';
import type { Results } from './results';
import { buildResults, type Cpu, type Mem } from './results';
import { Rig, type ProcessName, type StartTimes } from './rig';
import { epochMs, median } from './stats';

/** CPU ms used so far by each process of the rig (this one is the kiosk and HiPay). */
function cpuNow(rig: Rig): Cpu {
  const self = process.cpuUsage();
  return {
    'tp-manager': cpuMsOf(rig.pid('tp-manager')),
    supervisor: cpuMsOf(rig.pid('supervisor')),
    'terminal-simulator': cpuMsOf(rig.pid('terminal-simulator')),
    'bench (kiosk + HiPay sandbox)': (self.user + self.system) / 1000,
  };
}

function memories(rig: Rig): Mem {
  return {
    'tp-manager': memoryOf(rig.pid('tp-manager')),
    supervisor: memoryOf(rig.pid('supervisor')),
    'terminal-simulator': memoryOf(rig.pid('terminal-simulator')),
  };
}

/** SIGUSR2 to each connector process (gc-probe.cjs): its heap in use after a full collection, MB. */
async function probeLiveHeap(rig: Rig): Promise<Record<ProcessName, number>> {
  const heap = {} as Record<ProcessName, number>;
  for (const name of ['tp-manager', 'supervisor'] as const) {
    const running = rig.processes.get(name)!.running;
    const seen = (running.output().match(/gc-probe heapUsed/g) ?? []).length;
    process.kill(rig.pid(name), 'SIGUSR2');
    const pattern = new RegExp(`(?:[\\s\\S]*?gc-probe heapUsed ([\\d.]+)){${seen + 1}}`);
    heap[name] = Number((await running.waitFor(pattern, 5000))[1]);
  }
  return heap;
}

/** npm run build (tsc -b); a failure is one line naming its first error, and --no-build. */
function build(say: (line: string) => void): void {
  say('building (tsc -b)');
  const built = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsc', '-b'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) {
    const first = `${built.stdout ?? ''}${built.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '') ?? `exit ${built.status}`;
    throw new Error(`the build failed (tsc -b): ${first.trim()}; fix it, or run with --no-build to bench the JavaScript compiled already`);
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const say = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  if (options.build) build(say);
  const all: [Line, Results][] = [];
  for (const line of options.lines) {
    const results = await benchOne(options, line);
    if (!results) {
      process.exitCode = 1;
      return;
    }
    all.push([line, results]);
  }
  if (all.length > 1) {
    console.log('\nConnector overhead (end to end minus the terminal\'s own time), p50 / p99:');
    for (const [line, r] of all) console.log(`  ${line === 'pty' ? 'pseudo-terminal (serial, link layer)' : 'TCP (raw TLV)                       '}  ${fmt(r.latency.paymentConnector.p50)} / ${fmt(r.latency.paymentConnector.p99)} ms`);
  }
}

/** One run over one line; undefined when it failed (the processes' last output is printed). */
async function benchOne(options: Options, line: Line): Promise<Results | undefined> {
  const startedAt = Date.now();
  const runId = Date.now().toString(36);
  const loadBefore = os.loadavg();
  const profileDir = path.join(REPO_ROOT, 'bench', 'profiles', runId);
  const nodeFlags = [
    ...NODE_RUNTIME_FLAGS,
    ...options.nodeFlags,
    ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...(options.gcProbe ? ['--expose-gc', `--require=${path.join(__dirname, 'gc-probe.cjs')}`] : []),
  ];
  const say = (text: string): void => void process.stderr.write(`bench: ${line}: ${text}\n`);

  say(`${options.protocol}, ${options.payments} payments, ${options.maintenance} x GET /check and /version, ${options.starts} start(s); load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  if (options.root !== REPO_ROOT) say(`tp-manager and the supervisor run from ${options.root}`);
  const rig = await Rig.open({ protocol: options.protocol, line, logLevel: options.logLevel, nodeFlags, root: options.root });
  try {
    // Start-up: each start from compiled JavaScript on the same data directory (the first creates the databases).
    const starts: StartTimes[] = [];
    for (let i = 0; i < options.starts; i++) {
      starts.push(await rig.startConnector());
      if (i < options.starts - 1) await rig.stopConnector();
    }
    say(`started ${options.starts} time(s); supervisor answering in ${fmt(median(starts.map((s) => s.supervisorFirstHttpMs)), 0)} ms (median)`);

    await new Promise((r) => setTimeout(r, 2000));
    const idle = memories(rig);

    for (let i = 0; i < options.warmup; i++) await payOnce(rig, `bench-${runId}-warm-${i}`, 50 + i);
    await measureGets(rig, '/check', Math.ceil(options.warmup / 2));
    await measureGets(rig, '/version', Math.ceil(options.warmup / 2));

    const tp = rig.processes.get('tp-manager')!;
    const sup = rig.processes.get('supervisor')!;
    const runFrom = epochMs();
    const counters0 = await rig.lineCounters();
    const cpu0 = cpuNow(rig);
    const payments = await measurePayments(rig, options.payments, runId, (n) => say(`${n} payments`));
    const cpu1 = cpuNow(rig);
    const paymentsTo = epochMs();
    const counters1 = await rig.lineCounters();
    const check = await measureGets(rig, '/check', options.maintenance);
    const version = await measureGets(rig, '/version', options.maintenance);
    const wire = await countOnePayment(rig, runId);
    const after = memories(rig);
    if (options.settle > 0) say(`idle ${options.settle} s, then memory again`);
    await new Promise((r) => setTimeout(r, options.settle * 1000));
    const settled = memories(rig);
    const liveHeap = options.gcProbe ? await probeLiveHeap(rig) : undefined;

    const tpPid = tp.pid;
    const supPid = sup.pid;
    const outputs = [tp, sup, rig.simulator].map((p) => [p.name, p.running] as const);
    await rig.stopConnector(); // writes the CPU profiles
    if (options.dumpOutput) {
      fs.mkdirSync(options.dumpOutput, { recursive: true });
      for (const [name, running] of outputs) fs.writeFileSync(path.join(options.dumpOutput, `${name}.log`), running.output());
    }
    // A pty's own hop, idle (the TCP run has no pty: the figure stays the pty's, measured there).
    const ptyHop = line === 'pty' ? await measurePtyHop(200) : { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
    const loadAfter = os.loadavg();

    let profiles: (ProfileSummary & { process: ProcessName })[] = [];
    if (options.cpuProf) {
      profiles = [
        [tpPid, tp.spawnedAt],
        [supPid, sup.spawnedAt],
      ].flatMap(([pid, spawnedAt]) => {
        const file = profileOf(profileDir, pid!);
        return file ? [{ process: pid === tpPid ? 'tp-manager' : 'supervisor', ...summarizeProfile(file, runFrom - spawnedAt!, paymentsTo - spawnedAt!) }] : [];
      });
    }

    const results = buildResults({ ...options, line }, {
      starts,
      idle,
      after,
      settled,
      liveHeap,
      payments,
      check,
      version,
      wire,
      cpuPerPaymentMs: Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, (v - cpu0[k as keyof typeof cpu0]) / options.payments])) as Cpu,
      runBytes: { toTerminal: counters1.bytesIn - counters0.bytesIn, fromTerminal: counters1.bytesOut - counters0.bytesOut },
      ptyHop,
      profiles,
      load: { before: loadBefore, after: loadAfter },
      durationS: (Date.now() - startedAt) / 1000,
    });
    const out = outFor(options, line);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    console.log(`\n=== over ${line === 'pty' ? 'a pseudo-terminal (a serial line: Concert link layer)' : 'TCP (an IP terminal: Concert V3 raw TLV)'}`);
    console.log(render(results));
    console.log(`\nwritten ${path.relative(process.cwd(), out)} in ${fmt(results.durationS, 1)} s`);
    return results;
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    say(`last output of the processes:\n${rig.logs()}`);
    return undefined;
  } finally {
    await rig.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
