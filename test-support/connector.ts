/**
 * The whole connector as a kiosk and a technician meet it, for end-to-end tests: a real pseudo-terminal
 * pair (socat), the terminal simulator's CLI on one end, tp-manager and the supervisor as real child
 * processes on a temporary data directory, and the HiPay sandbox as a separate real HTTP server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { ORDER_EXAMPLE } from '../packages/supervisor/src/http/openapi';
import { freePort, waitUntil } from './net';
import { runTs, type Running } from './processes';
import { openPtyPair, type PtyPair } from './pty';

export const LOGIN = 'kiosk';
export const PASSWORD = 'kiosk-secret-7431';
export const HIPAY_LOGIN = '94654727.stage-secure-gateway.hipay-tpp.com';
export const HIPAY_PASSWORD = 'Test_hipay-secret-9917';
export const HASH_KEY = 'hash-key-for-tests-5521';

/** config.txt of a connector under test or bench: the terminal on a pty, HiPay at a local sandbox. */
export function testConfig(o: {
  ecrPath: string;
  protocol: TestProtocol;
  localPort: number;
  zmqPort: number;
  hipayUrl: string;
  logLevel: string;
}): Record<string, string> {
  return {
    SERIAL_PORT: o.ecrPath,
    TERMINAL_PROTOCOL: o.protocol,
    LOCAL_PORT: String(o.localPort),
    TERMINAL_MANAGER_LOGIN: LOGIN,
    TERMINAL_MANAGER_PWD: PASSWORD,
    HIPAY_LOGIN,
    HIPAY_PWD: HIPAY_PASSWORD,
    HIPAY_URL: o.hipayUrl,
    HIPAY_HASHKEY: HASH_KEY,
    HIPAY_MID: '00001340',
    HIPAY_ACQUIRER_ID: '1234567',
    UPDATE_TIME: '04:00',
    TP_MANAGER_ENDPOINT: `tcp://127.0.0.1:${o.zmqPort}`,
    PAYMENT_TIMEOUT_S: '20',
    LOG_LEVEL: o.logLevel,
  };
}

export function writeConfig(dataDir: string, config: Record<string, string>): void {
  fs.writeFileSync(path.join(dataDir, 'config.txt'), Object.entries(config).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
}

export type ProcessName = 'tp-manager' | 'supervisor';

export type TestProtocol = 'concert-v2' | 'concert-v3' | 'zvt';

export interface ConnectorOptions {
  protocol?: TestProtocol;
  /**
   * How the terminal is reached: 'pty' (default) a socat pseudo-terminal pair, SERIAL_PORT=<its end>;
   * 'tcp' the simulator listening on a free loopback port, SERIAL_PORT=tcp://127.0.0.1:PORT (an IP terminal).
   */
  line?: 'pty' | 'tcp';
  outcome?: 'approve' | 'decline' | 'abandon' | 'timeout';
  delayMs?: number;
  /** Extra or overriding config.txt keys. */
  config?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  auth?: string | null;
  contentType?: string;
  rawBody?: string;
  timeoutMs?: number;
}

export class ConnectorUnderTest {
  readonly processes = new Map<ProcessName, Running>();

  /** pty, simulator and controlUrl change when the line is pulled and plugged again (replugLine). */
  constructor(
    readonly dataDir: string,
    readonly url: string,
    public pty: PtyPair,
    public simulator: Running,
    public controlUrl: string,
    readonly requestLog: string,
    public sandbox: HipaySandbox,
    readonly protocol: TestProtocol = 'concert-v3',
    /** SERIAL_PORT as tp-manager has it: the pty's end, or tcp://127.0.0.1:PORT. */
    readonly terminalAddress: string = pty.ecr,
  ) {}

  /** HiPay unreachable: nothing listens on its port any more. */
  async stopSandbox(): Promise<void> {
    await this.sandbox.close();
  }

  /** HiPay back on the same address, with an empty order store (counts start again from 0). */
  async startSandbox(): Promise<void> {
    this.sandbox = await startHipaySandbox({ port: this.sandbox.port, login: HIPAY_LOGIN, password: HIPAY_PASSWORD, hashKey: HASH_KEY });
  }

  static async start(options: ConnectorOptions = {}): Promise<ConnectorUnderTest> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-e2e-'));
    const protocol = options.protocol ?? 'concert-v3';
    const [localPort, zmqPort] = [await freePort(), await freePort()];
    const sandbox = await startHipaySandbox({ port: 0, login: HIPAY_LOGIN, password: HIPAY_PASSWORD, hashKey: HASH_KEY });
    const pty = await openPtyPair(fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-pty-')));
    const requestLog = path.join(dataDir, 'terminal-requests.jsonl');
    const terminalAddress = options.line === 'tcp' ? `tcp://127.0.0.1:${await freePort()}` : pty.ecr;
    const simulatorEnd = options.line === 'tcp' ? { listen: terminalAddress } : { serial: pty.terminal };
    const { simulator, controlUrl } = await startSimulator(protocol, simulatorEnd, requestLog, options.outcome ?? 'approve', options.delayMs ?? 200);
    const config = { ...testConfig({ ecrPath: terminalAddress, protocol, localPort, zmqPort, hipayUrl: sandbox.url, logLevel: 'debug' }), ...options.config };
    writeConfig(dataDir, config);
    const connector = new ConnectorUnderTest(dataDir, `http://127.0.0.1:${localPort}`, pty, simulator, controlUrl, requestLog, sandbox, protocol, terminalAddress);
    await connector.startProcess('tp-manager');
    await connector.startProcess('supervisor');
    await connector.waitReady();
    return connector;
  }

  async startProcess(name: ProcessName): Promise<Running> {
    const running = runTs(`packages/${name}/src/main.ts`, [], { ECR_DATA_DIR: this.dataDir });
    this.processes.set(name, running);
    await running.waitFor(new RegExp(`${name} ready`));
    return running;
  }

  /** Ready for a kiosk: the supervisor answers and sees tp-manager and the terminal. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    await waitUntil(
      async () => {
        const check = await this.get('/check');
        return check.status === 200 && (check.body as { cr: string }[])[0]?.cr === '0' ? true : undefined;
      },
      timeoutMs,
      'GET /check to answer cr=0',
    );
  }

  process(name: ProcessName): Running {
    return this.processes.get(name)!;
  }

  async kill9(name: ProcessName): Promise<void> {
    await this.process(name).kill('SIGKILL');
  }

  async restart(name: ProcessName): Promise<void> {
    await this.process(name).kill('SIGTERM');
    await this.startProcess(name);
  }

  get(pathname: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    return this.request('GET', pathname, undefined, options);
  }

  post(pathname: string, body: unknown, options: RequestOptions = {}): Promise<HttpAnswer> {
    return this.request('POST', pathname, body, options);
  }

  async request(method: string, pathname: string, body?: unknown, options: RequestOptions = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}` : options.auth;
    if (auth !== null) headers.authorization = auth;
    let payload: string | undefined = options.rawBody;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(this.url + pathname, { method, headers, body: payload, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  /** Every request the terminal received (its own log file). */
  terminalRequests(): { amount?: number; reference?: string; outcome: string }[] {
    if (!fs.existsSync(this.requestLog)) return [];
    return fs
      .readFileSync(this.requestLog, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { amount?: number; reference?: string; outcome: string });
  }

  /**
   * Changes what the terminal does next: outcome, delay, faults, and how it shapes answers to play a real
   * terminal (answer forms, e.g. `{ answerReference: 'desk5000' }`; packages/terminal-simulator/README.md).
   */
  async setTerminal(behaviour: { outcome?: string; delayMs?: number; faults?: Record<string, unknown>; answers?: Record<string, unknown> } & Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.controlUrl}/behaviour`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(behaviour) });
    if (res.status !== 200) throw new Error(`simulator control answered ${res.status}: ${await res.text()}`);
  }

  /** The terminal's own ledger: every answer it gave or could not give (its --answer-log file). */
  terminalAnswers(): { kind: string; outcome: string; requestAmount?: number; amount?: number; reference?: string; delivered: boolean }[] {
    const file = path.join(this.dataDir, ANSWER_LOG);
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { kind: string; outcome: string; requestAmount?: number; amount?: number; reference?: string; delivered: boolean });
  }

  /** What the simulator does now: outcome, delay and faults (its control interface). */
  async terminalBehaviour(): Promise<{ outcome: string; delayMs: number; faults: Record<string, unknown> }> {
    const res = await fetch(`${this.controlUrl}/behaviour`);
    return (await res.json()) as { outcome: string; delayMs: number; faults: Record<string, unknown> };
  }

  /**
   * The cable pulled: the pseudo-terminal pair disappears (socat ends and removes its links), so tp-manager's
   * serial device is gone and the simulator, which cannot follow a device that vanished, is stopped too.
   */
  async pullLine(): Promise<void> {
    await this.pty.close();
    await this.simulator.kill('SIGTERM');
  }

  /**
   * The cable plugged back: a new pseudo-terminal pair on the same paths, and a simulator on its terminal
   * end with the given behaviour, logging requests to the same file. tp-manager must find the line by itself.
   */
  async replugLine(behaviour: { outcome?: ConnectorOptions['outcome']; delayMs?: number } = {}): Promise<void> {
    this.pty = await openPtyPair(path.dirname(this.pty.terminal));
    const started = await startSimulator(this.protocol, { serial: this.pty.terminal }, this.requestLog, behaviour.outcome ?? 'approve', behaviour.delayMs ?? 200);
    this.simulator = started.simulator;
    this.controlUrl = started.controlUrl;
  }

  logs(): string {
    return [...this.processes.entries()].map(([n, p]) => `--- ${n}\n${p.output()}`).join('\n') + `\n--- simulator\n${this.simulator.output()}`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.kill('SIGTERM')));
    await this.simulator.kill('SIGTERM');
    await this.pty.close();
    await this.sandbox.close();
  }
}

/** The simulator's answer ledger, beside its request log in the data directory. */
const ANSWER_LOG = 'terminal-answers.jsonl';

/** The simulator CLI on the terminal's end of the line, with its control interface on a free port. */
async function startSimulator(
  protocol: TestProtocol,
  end: { serial: string } | { listen: string },
  requestLog: string,
  outcome: NonNullable<ConnectorOptions['outcome']>,
  delayMs: number,
): Promise<{ simulator: Running; controlUrl: string }> {
  const simulator = runTs('packages/terminal-simulator/src/main.ts', [
    '--protocol', protocol,
    ...('serial' in end ? ['--serial', end.serial] : ['--listen', end.listen]),
    '--outcome', outcome,
    '--delay-ms', String(delayMs),
    '--control-port', '0',
    '--request-log', requestLog,
    '--answer-log', path.join(path.dirname(requestLog), ANSWER_LOG),
  ]);
  const [, controlUrl] = await simulator.waitFor(/control (http:\/\/\S+)/);
  return { simulator, controlUrl: controlUrl! };
}

/** The seed's example request (the one the OpenAPI description shows), with its own orderId. */
export function seedOrder(orderId: string): Record<string, unknown> {
  return { ...structuredClone(ORDER_EXAMPLE), orderId };
}
