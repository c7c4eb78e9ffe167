/**
 * What a benchmark reads from the simulator: when each request arrived and its answer left (the terminal's
 * own time), and how many bytes crossed the line both ways.
 */
import { ConcertLink, encodeV3Request, type LinkStep, type V3Request } from '@ecr/protocol';
import { TerminalSimulator } from '../src';

const V3: V3Request = {
  version: '0320',
  ecrId: 'KIOSK0000001',
  posNumber: '01',
  amount: 4200,
  action: 'debit',
  currencyNumeric: '978',
  privateData: 'ORDER-TIMING',
};

const simulators: TerminalSimulator[] = [];
afterEach(() => {
  for (const s of simulators.splice(0)) s.close();
});

/** One payment over an in-memory Concert link; resolves with the answer and every byte each side sent. */
async function payOverLink(simulator: TerminalSimulator): Promise<{ answer: Buffer; ecrBytes: number; terminalBytes: number }> {
  const ecr = new ConcertLink({ role: 'ecr' });
  let ecrBytes = 0;
  let terminalBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error('no answer within 3 s')), 3000);
    const fromEcr = (step: LinkStep): void => {
      for (const chunk of step.write) {
        ecrBytes += chunk.length;
        simulator.input(chunk);
      }
      for (const e of step.events) {
        if (e.type !== 'message') continue;
        // The terminal's EOT follows our ACK of its answer: let it arrive before counting.
        setTimeout(() => {
          clearTimeout(giveUp);
          if (timer) clearTimeout(timer);
          resolve({ answer: e.payload, ecrBytes, terminalBytes });
        }, 50);
      }
      if (timer) clearTimeout(timer);
      const deadline = ecr.deadline;
      timer = deadline === undefined ? undefined : setTimeout(() => fromEcr(ecr.tick(performance.now())), deadline - performance.now());
    };
    simulator.on('output', (bytes) => {
      terminalBytes += bytes.length;
      setImmediate(() => fromEcr(ecr.receive(bytes, performance.now())));
    });
    fromEcr(ecr.send(encodeV3Request(V3), performance.now()));
  });
}

test('a request record tells when it arrived, when the answer was ready, sent and taken, in that order', async () => {
  const simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'link', outcome: 'approve', delayMs: 40 });
  simulators.push(simulator);
  const before = performance.timeOrigin + performance.now();
  await payOverLink(simulator);
  const after = performance.timeOrigin + performance.now();
  const [record] = simulator.requests;
  const t = record!.timing!;
  expect(t.receivedAt).toBeGreaterThanOrEqual(before);
  // The customer's 40 ms (timers may fire a little early on some platforms: allow 2 ms).
  expect(t.answerReadyAt! - t.receivedAt).toBeGreaterThanOrEqual(38);
  expect(t.answerSentAt!).toBeGreaterThanOrEqual(t.answerReadyAt!);
  expect(t.answeredAt!).toBeGreaterThan(t.answerSentAt!);
  expect(t.answeredAt!).toBeLessThanOrEqual(after);
  // Sub-millisecond precision, the whole point of these fields next to the ISO `at`.
  expect(Math.abs(Date.parse(record!.at) - t.receivedAt)).toBeLessThan(5);
});

test('line counters hold every byte both ways, the same as each side put on the line', async () => {
  const simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'link', outcome: 'approve', delayMs: 0 });
  simulators.push(simulator);
  expect(simulator.lineCounters).toEqual({ bytesIn: 0, bytesOut: 0, chunksIn: 0, chunksOut: 0 });
  const { ecrBytes, terminalBytes } = await payOverLink(simulator);
  const counters = simulator.lineCounters;
  expect(counters.bytesIn).toBe(ecrBytes);
  expect(counters.bytesOut).toBe(terminalBytes);
  // ENQ, the request frame, EOT, then ACK and ACK of the answer: the ECR's side of one Concert exchange each way.
  expect(counters.chunksIn).toBe(5);
  // ACK, ACK, then ENQ, the answer frame, EOT.
  expect(counters.chunksOut).toBe(5);
  const request = encodeV3Request(V3);
  // STX + payload + ETX + LRC, with ENQ and EOT around it and two ACKs of the answer.
  expect(counters.bytesIn).toBe(request.length + 3 + 2 + 2);
});

test('a raw TLV answer is sent and taken at once: its timing has all four times', async () => {
  const simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 0, rawQuietMs: 1 });
  simulators.push(simulator);
  const answered = new Promise<void>((resolve) => simulator.once('answered', () => resolve()));
  simulator.input(encodeV3Request(V3));
  await answered;
  const t = simulator.requests[0]!.timing!;
  expect(t.answerReadyAt! >= t.receivedAt && t.answerSentAt! >= t.answerReadyAt! && t.answeredAt! >= t.answerSentAt!).toBe(true);
  expect(simulator.lineCounters.bytesOut).toBeGreaterThan(0);
});

test('raw TCP: a request counts as received when its last byte came; the quiet time that ends it is the terminal\'s own', async () => {
  const simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 0 });
  simulators.push(simulator);
  const taken = new Promise<number>((resolve) => simulator.once('request', () => resolve(performance.timeOrigin + performance.now())));
  const before = performance.timeOrigin + performance.now();
  simulator.input(encodeV3Request(V3));
  const after = performance.timeOrigin + performance.now();
  const takenAt = await taken;
  const receivedAt = simulator.requests[0]!.timing!.receivedAt;
  expect(receivedAt).toBeGreaterThanOrEqual(before);
  expect(receivedAt).toBeLessThanOrEqual(after);
  expect(takenAt).toBeGreaterThan(after); // taken after the quiet time, not on the last byte
});
