/**
 * The connector as production runs it, for the bench: compiled JavaScript started with node, the simulator's
 * CLI (delay 0) as the terminal, on a socat pty pair (a serial line) or listening on a loopback TCP port (an
 * IP terminal: Concert V3 as raw TLV), the HiPay sandbox as its own HTTP server (in this process, timed from
 * the server side), a temporary data directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { HASH_KEY, HIPAY_LOGIN, HIPAY_PASSWORD, LOGIN, PASSWORD, testConfig, writeConfig } from '../test-support/connector';
import { freePort } from '../test-support/net';
import { openPtyPair, type PtyPair } from '../test-support/pty';
import { HipayTiming } from './hipay-timing';
import { firstSuccess, Kiosk } from './kiosk';
import { spawnCompiled, type Ready, type Spawned } from './proc';

export type ProcessName = 'tp-manager' | 'supervisor';

export interface RigOptions {
  protocol: 'concert-v2' | 'concert-v3';
  /** 'pty': SERIAL_PORT is the pty's end; 'tcp': SERIAL_PORT=tcp://127.0.0.1:PORT, the simulator listening there. */
  line: 'pty' | 'tcp';
  logLevel: string;
  /** Extra node flags for tp-manager and the supervisor (e.g. --cpu-prof). */
  nodeFlags: string[];
  /** The tree tp-manager and the supervisor run from (default: this repository). */
  root?: string;
}

export interface StartTimes {
  tpManager: Ready;
  supervisor: Ready;
  /** Spawn of the supervisor to its first 200 (GET /openapi.json, which needs no tp-manager). */
  supervisorFirstHttpMs: number;
  /** Spawn of the supervisor to GET /check answering cr=0 (it sees tp-manager and the terminal). */
  supervisorCheckOkMs: number;
}

export interface TerminalTiming {
  receivedAt: number;
  answerReadyAt?: number;
  answerSentAt?: number;
  answeredAt?: number;
}

export interface TerminalRequest {
  amount?: number;
  reference?: string;
  outcome: string;
  timing?: TerminalTiming;
}

export interface LineCounters {
  bytesIn: number;
  bytesOut: number;
  chunksIn: number;
  chunksOut: number;
}

export class Rig {
  readonly processes = new Map<ProcessName, Spawned>();
  readonly kiosk: Kiosk;

  private constructor(
    readonly options: RigOptions,
    readonly dataDir: string,
    readonly url: string,
    readonly pty: PtyPair,
    readonly simulator: Spawned,
    readonly controlUrl: string,
    readonly sandbox: HipaySandbox,
    readonly hipay: HipayTiming,
  ) {
    this.kiosk = new Kiosk(url, LOGIN, PASSWORD);
  }

  static async open(options: RigOptions): Promise<Rig> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-bench-'));
    const hipay = new HipayTiming();
    const sandbox = await startHipaySandbox({ port: 0, login: HIPAY_LOGIN, password: HIPAY_PASSWORD, hashKey: HASH_KEY });
    // The pty pair is opened in both cases (close() removes it); over TCP nothing uses it.
    const pty = await openPtyPair(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-bench-pty-')));
    const terminal = options.line === 'tcp' ? `tcp://127.0.0.1:${await freePort()}` : pty.ecr;
    const simulator = spawnCompiled(
      'terminal-simulator',
      ['--protocol', options.protocol, ...(options.line === 'tcp' ? ['--listen', terminal] : ['--serial', pty.terminal]), '--outcome', 'approve', '--delay-ms', '0', '--control-port', '0'],
      {},
      [],
      /simulator ready: .*control (http:\/\/\S+)/,
    );
    const { match } = await simulator.ready;
    const [localPort, zmqPort] = [await freePort(), await freePort()];
    writeConfig(dataDir, testConfig({ ecrPath: terminal, protocol: options.protocol, localPort, zmqPort, hipayUrl: sandbox.url, logLevel: options.logLevel }));
    return new Rig(options, dataDir, `http://127.0.0.1:${localPort}`, pty, simulator, match[1]!, sandbox, hipay);
  }

  /** Starts tp-manager, then the supervisor, timing each; resolves once GET /check answers cr=0. */
  async startConnector(): Promise<StartTimes> {
    const tp = this.spawn('tp-manager');
    const tpManager = await tp.ready;
    const sup = this.spawn('supervisor');
    const probe = new Kiosk(this.url, LOGIN, PASSWORD);
    try {
      const firstHttpAt = await firstSuccess(async () => (await probe.get('/openapi.json', 2000)).status === 200, 20_000, 'the supervisor to answer GET /openapi.json');
      const checkOkAt = await firstSuccess(
        async () => {
          const check = await probe.get('/check', 5000);
          return check.status === 200 && (JSON.parse(check.text) as { cr: string }[])[0]?.cr === '0';
        },
        20_000,
        'GET /check to answer cr=0',
      );
      const supervisor = await sup.ready;
      return { tpManager, supervisor, supervisorFirstHttpMs: firstHttpAt - sup.spawnedAt, supervisorCheckOkMs: checkOkAt - sup.spawnedAt };
    } finally {
      probe.close();
    }
  }

  /** SIGTERM to the supervisor then tp-manager; resolves once both have exited. */
  async stopConnector(): Promise<void> {
    for (const name of ['supervisor', 'tp-manager'] as const) {
      const p = this.processes.get(name);
      if (p) {
        const code = await p.running.kill('SIGTERM');
        if (code !== 0) throw new Error(`${name} exited with ${code} on SIGTERM; output:\n${p.running.output().slice(-2000)}`);
      }
      this.processes.delete(name);
    }
  }

  pid(name: ProcessName | 'terminal-simulator'): number {
    if (name === 'terminal-simulator') return this.simulator.pid;
    const p = this.processes.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p.pid;
  }

  async terminalRequests(): Promise<TerminalRequest[]> {
    return (await (await fetch(`${this.controlUrl}/requests`)).json()) as TerminalRequest[];
  }

  async lineCounters(): Promise<LineCounters> {
    const res = await fetch(`${this.controlUrl}/counters`);
    if (res.status !== 200) throw new Error(`the simulator has no GET /counters (${res.status}): rebuild packages/terminal-simulator`);
    return (await res.json()) as LineCounters;
  }

  logs(): string {
    return [...this.processes.values(), this.simulator].map((p) => `--- ${p.name}\n${p.running.output().slice(-3000)}`).join('\n');
  }

  async close(): Promise<void> {
    this.kiosk.close();
    await Promise.allSettled([...this.processes.values()].map((p) => p.running.kill('SIGTERM')));
    await this.simulator.running.kill('SIGTERM');
    await this.pty.close();
    fs.rmSync(path.dirname(this.pty.terminal), { recursive: true, force: true });
    await this.sandbox.close();
    this.hipay.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private spawn(name: ProcessName): Spawned {
    const spawned = spawnCompiled(name, [], { ECR_DATA_DIR: this.dataDir }, this.options.nodeFlags, undefined, this.options.root);
    this.processes.set(name, spawned);
    return spawned;
  }
}
