/**
 * The real program, as a person or a test bench runs it: a child process on one end of a socat pty pair,
 * driven by the cash register on the other end and steered through its HTTP control interface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeV2Answer, encodeV2Request, type V2Request } from '@ecr/protocol';
import { EcrSide } from './helpers/ecr-side';
import { openPtyPair, type PtyPair } from './helpers/pty-pair';

const ROOT = resolve(__dirname, '../../..');
const MAIN = 'packages/terminal-simulator/src/main.ts';

const REQUEST: V2Request = {
  posNumber: '01',
  amount: 250,
  fullAnswer: true,
  paymentMeans: '1',
  transactionType: 'debit',
  currencyNumeric: '978',
  privateField: 'KIOSK-1',
  answerAtEnd: true,
  forcedAuthorisation: false,
};

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): Running {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForLine(run: Running, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(run.stdout());
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`simulator exited with ${run.child.exitCode}: ${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${run.stdout()} ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let pty: PtyPair | undefined;
let ecr: EcrSide | undefined;
let run: Running | undefined;
let dir: string | undefined;

afterEach(async () => {
  await ecr?.close();
  if (run && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGKILL');
    await run.exited;
  }
  await pty?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  pty = ecr = run = dir = undefined;
});

test('the CLI serves concert-v2 on a pty, changes outcome through the control interface, logs every request, stops on SIGTERM', async () => {
  pty = await openPtyPair();
  dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  const logPath = join(dir, 'requests.jsonl');
  run = runCli([
    '--protocol', 'concert-v2',
    '--serial', pty.terminalPath,
    '--outcome', 'approve',
    '--delay-ms', '50',
    '--control-port', '0',
    '--request-log', logPath,
  ]);
  const ready = await waitForLine(run, /simulator ready: concert-v2 on (\S+), .*control (http:\/\/127\.0\.0\.1:\d+)/);
  expect(ready[1]).toBe(pty.terminalPath);
  const control = ready[2];

  ecr = await EcrSide.open(pty.ecrPath);
  await ecr.send(encodeV2Request(REQUEST));
  const first = decodeV2Answer(await ecr.nextMessage());
  expect(first.ok && first.value.status).toBe('0');

  const changed = await fetch(`${control}/behaviour`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'decline' }),
  });
  expect(changed.status).toBe(200);
  expect(await changed.json()).toMatchObject({ outcome: 'decline', delayMs: 50 });
  expect(await (await fetch(`${control}/behaviour`)).json()).toMatchObject({ outcome: 'decline' });

  await ecr.send(encodeV2Request({ ...REQUEST, privateField: 'KIOSK-2' }));
  const second = decodeV2Answer(await ecr.nextMessage());
  expect(second.ok && second.value.status).toBe('7');

  const bad = await fetch(`${control}/behaviour`, { method: 'POST', body: '{"outcome":"maybe"}' });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/outcome must be one of/);

  const requests = (await (await fetch(`${control}/requests`)).json()) as { reference: string; outcome: string }[];
  expect(requests.map((r) => [r.reference, r.outcome])).toEqual([
    ['KIOSK-1', 'approve'],
    ['KIOSK-2', 'decline'],
  ]);
  const counters = (await (await fetch(`${control}/counters`)).json()) as { bytesIn: number; bytesOut: number };
  // Two requests and two answers went over the line: each way at least the two frames.
  expect(counters.bytesIn).toBeGreaterThan(2 * 30);
  expect(counters.bytesOut).toBeGreaterThan(2 * 30);
  const lines = readFileSync(logPath, 'utf8').trim().split('\n');
  expect(lines.map((l) => (JSON.parse(l) as { amount: number }).amount)).toEqual([250, 250]);
  // The request log holds what the register sent, never the card number the terminal answered with.
  expect(readFileSync(logPath, 'utf8')).not.toContain('4970100000000014');

  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(run.stderr()).toBe('');
});

test.each([
  [['--protocol', 'concert-v9', '--serial', '/tmp/x'], /--protocol must be concert-v2, concert-v3 or zvt/],
  [['--protocol', 'concert-v2'], /give exactly one of --serial PATH or --listen/],
  [['--protocol', 'concert-v3', '--listen', 'tcp://127.0.0.1:0', '--outcome', 'win'], /--outcome must be one of/],
])('bad arguments %j: the reason in one line, then the usage, on stderr; exit code 2', async (args, message) => {
  run = runCli(args);
  expect(await run.exited).toBe(2);
  const [reason, ...usage] = run.stderr().trim().split('\n');
  expect(reason).toMatch(message);
  expect(usage[0]).toMatch(/^usage: /);
  expect(run.stderr()).not.toMatch(/\n\s+at /);
});

test('a serial device that does not exist: one line on stderr naming it, exit code 1', async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  const missing = join(dir, 'no-such-tty');
  run = runCli(['--protocol', 'concert-v2', '--serial', missing]);
  expect(await run.exited).toBe(1);
  expect(run.stderr().trim().split('\n')).toEqual([expect.stringContaining(`cannot open serial port ${missing}`)]);
  expect(existsSync(missing)).toBe(false);
});
