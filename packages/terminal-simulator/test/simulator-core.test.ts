/**
 * The simulator core without a transport: the way the connector embeds it (an in-memory link), and the raw
 * TLV reader fed bytes split anywhere.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ConcertLink,
  decodeV3Answer,
  encodeV2Request,
  encodeV3Request,
  parseTlv,
  type LinkStep,
  type V3Request,
} from '@ecr/protocol';
import { TerminalSimulator } from '../src';

const V3: V3Request = {
  version: '0320',
  ecrId: 'KIOSK0000001',
  posNumber: '01',
  amount: 4200,
  action: 'debit',
  currencyNumeric: '978',
  privateData: 'ORDER-CORE',
};

const simulators: TerminalSimulator[] = [];
afterEach(() => {
  for (const s of simulators.splice(0)) s.close();
});

function make(options: Partial<ConstructorParameters<typeof TerminalSimulator>[0]> = {}): TerminalSimulator {
  const s = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 0, ...options });
  simulators.push(s);
  return s;
}

function nextRequest(simulator: TerminalSimulator): Promise<void> {
  return new Promise((resolve) => simulator.once('request', () => resolve()));
}

/** Collects the simulator's output until it parses as a complete V3 answer. */
function rawAnswer(simulator: TerminalSimulator, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(text)}`)), timeoutMs);
    simulator.on('output', (bytes) => {
      text += bytes.toString('latin1');
      const parsed = parseTlv(Buffer.from(text, 'latin1'));
      if (parsed.status === 'complete' && decodeV3Answer(parsed.fields).ok) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

test('raw TLV split at any points gives exactly one request and one approved answer', async () => {
  const bytes = encodeV3Request(V3);
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
      const simulator = make({ rawQuietMs: 1 });
      const answer = rawAnswer(simulator);
      let start = 0;
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        simulator.input(bytes.subarray(start, cut));
        start = cut;
      }
      simulator.input(bytes.subarray(start));
      const decoded = decodeV3Answer(Buffer.from(await answer, 'latin1'));
      expect(decoded.ok && decoded.value).toMatchObject({ status: '10', amount: 4200, privateData: 'ORDER-CORE' });
      expect(simulator.requests).toHaveLength(1);
      simulator.close();
    }),
    { numRuns: 60 },
  );
});

test('embedded over an in-memory Concert link, with the ECR bytes arriving one at a time', async () => {
  const simulator = make({ protocol: 'concert-v2', framing: 'link', outcome: 'decline', delayMs: 20 });
  const ecr = new ConcertLink({ role: 'ecr' });
  const messages: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fromEcr = (step: LinkStep): void => {
    for (const chunk of step.write) for (const b of chunk) simulator.input(Buffer.from([b]));
    for (const e of step.events) if (e.type === 'message') messages.push(e.payload);
    if (timer) clearTimeout(timer);
    const deadline = ecr.deadline;
    timer = deadline === undefined ? undefined : setTimeout(() => fromEcr(ecr.tick(performance.now())), deadline - performance.now());
  };
  // The terminal's bytes reach the ECR on the next turn, as they would from a port.
  simulator.on('output', (bytes) => setImmediate(() => fromEcr(ecr.receive(bytes, performance.now()))));
  fromEcr(ecr.send(encodeV2Request({
    posNumber: '01', amount: 100, fullAnswer: false, paymentMeans: '1', transactionType: 'debit',
    currencyNumeric: '978', privateField: 'MEM', answerAtEnd: true, forcedAuthorisation: false,
  }), performance.now()));

  const deadline = Date.now() + 3000;
  while (messages.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (timer) clearTimeout(timer);
  expect(messages.map((m) => m.toString('latin1'))).toEqual(['017000001001978MEM       ']);
});

test('close() cancels an answer still waiting for the customer', async () => {
  const simulator = make({ delayMs: 100 });
  const output: Buffer[] = [];
  simulator.on('output', (b) => output.push(b));
  const received = nextRequest(simulator);
  simulator.input(encodeV3Request(V3));
  await received;
  simulator.close();
  await new Promise((r) => setTimeout(r, 200));
  expect(output).toEqual([]);
  expect(simulator.requests).toHaveLength(1);
});

test('requests are appended to the request log as JSON lines; an unwritable log is a warning, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-log-'));
  try {
    const logPath = join(dir, 'requests.jsonl');
    const simulator = make({ requestLogPath: logPath, outcome: 'timeout' });
    for (const amount of [4200, 1]) {
      const received = nextRequest(simulator);
      simulator.input(encodeV3Request({ ...V3, amount }));
      await received;
    }
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { amount: number; protocol: string });
    expect(lines).toMatchObject([{ amount: 4200, protocol: 'concert-v3' }, { amount: 1 }]);

    const broken = make({ requestLogPath: join(dir, 'missing-dir', 'r.jsonl'), outcome: 'timeout' });
    const warnings: string[] = [];
    broken.on('warning', (w) => warnings.push(w));
    const received = nextRequest(broken);
    broken.input(encodeV3Request(V3));
    await received;
    expect(warnings).toEqual([expect.stringMatching(/cannot append to the request log .*missing-dir/)]);
    expect(broken.requests).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad option or behaviour is a RangeError naming it', () => {
  expect(() => make({ protocol: 'concert-v2', framing: 'raw' })).toThrow(/raw framing .* concert-v3 only/);
  expect(() => make({ delayMs: -5 })).toThrow(RangeError);
  const simulator = make();
  expect(() => simulator.setBehaviour({ outcome: 'maybe' as never })).toThrow(/outcome must be one of/);
  simulator.setBehaviour({ outcome: 'abandon', faults: { garbageAnswer: true } });
  expect(simulator.behaviour).toMatchObject({ outcome: 'abandon', delayMs: 0, faults: { garbageAnswer: true, nakNext: 0 } });
});
