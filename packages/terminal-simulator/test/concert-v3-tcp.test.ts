/**
 * Concert V3 over TCP as IP terminals speak it: raw TLV, no framing, messages split across reads.
 */
import { connect, type Socket } from 'node:net';
import { decodeV3Answer, encodeV3Request, parseTlv, type V3Answer, type V3Request } from '@ecr/protocol';
import { serveTcp, TerminalSimulator, type ServedTcp } from '../src';

const REQUEST: V3Request = {
  version: '0300',
  ecrId: '012345678901',
  posNumber: '01',
  amount: 1234,
  action: 'debit',
  currencyNumeric: '978',
  privateData: 'ORDER-TCP',
};

let simulator: TerminalSimulator | undefined;
let served: ServedTcp | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  simulator?.close();
  await served?.close();
  simulator = undefined;
  served = undefined;
});

async function start(outcome: 'approve' | 'decline' | 'abandon' = 'approve'): Promise<number> {
  simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome, delayMs: 50, rawSettleMs: 200 });
  served = await serveTcp('127.0.0.1', 0, simulator);
  return served.port;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Reads until the bytes form a complete answer (the ECR's rule over raw TCP). */
function readAnswer(socket: Socket, timeoutMs = 5000): Promise<V3Answer> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(buffer.toString('latin1'))}`));
    }, timeoutMs);
    const onData = (bytes: Buffer): void => {
      buffer = Buffer.concat([buffer, bytes]);
      const parsed = parseTlv(buffer);
      if (parsed.status !== 'complete') return;
      const answer = decodeV3Answer(parsed.fields);
      if (!answer.ok) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(answer.value);
    };
    socket.on('data', onData);
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an approved payment over raw TLV, with the request split inside a field and at a field boundary', async () => {
  const socket = await open(await start('approve'));
  const bytes = encodeV3Request(REQUEST);
  const answerPromise = readAnswer(socket);
  // "CZ0040300CJ01201234" | "5678901CA00201" | rest: cut inside CJ, then exactly after CA.
  socket.write(bytes.subarray(0, 19));
  await pause(30);
  socket.write(bytes.subarray(19, 33));
  await pause(30);
  socket.write(bytes.subarray(33));
  const answer = await answerPromise;
  expect(answer).toMatchObject({ status: '10', amount: 1234, privateData: 'ORDER-TCP', pan: '497010XXXXXX0014' });
  expect(answer.ticket).toContain('MONTANT REEL:12,34 EUR');
  expect(simulator?.requests).toMatchObject([{ framing: 'raw', amount: 1234, reference: 'ORDER-TCP', outcome: 'approve' }]);
});

test('declined and abandoned payments over raw TLV', async () => {
  const port = await start('decline');
  const socket = await open(port);
  const declined = readAnswer(socket);
  socket.write(encodeV3Request(REQUEST));
  expect(await declined).toMatchObject({ status: '01', reason: '04' });

  simulator?.setBehaviour({ outcome: 'abandon' });
  const abandoned = readAnswer(socket);
  socket.write(encodeV3Request({ ...REQUEST, privateData: 'ORDER-2' }));
  expect(await abandoned).toMatchObject({ status: '01', reason: '11', privateData: 'ORDER-2' });
});

test('bytes that are not TLV get AE=01 AF=09 at once', async () => {
  const socket = await open(await start());
  const answer = readAnswer(socket);
  socket.write('CZ0040300hello');
  expect(await answer).toMatchObject({ status: '01', reason: '09', version: '0300' });
  expect(simulator?.requests[0]).toMatchObject({ outcome: 'bad-request' });
});

test('a new connection replaces the old one, as a terminal serves one cash register', async () => {
  const port = await start();
  const first = await open(port);
  const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
  first.write(encodeV3Request(REQUEST).subarray(0, 20)); // half a request, then the register reconnects
  const second = await open(port);
  await firstClosed;
  const answer = readAnswer(second);
  second.write(encodeV3Request(REQUEST));
  expect(await answer).toMatchObject({ status: '10', amount: 1234 });
  expect(simulator?.requests).toHaveLength(1);
});

test('a late answer goes to the register connected when it is ready, after a reconnection (issue 9 case 4)', async () => {
  simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 400, answers: { answerReference: 'desk5000' } });
  served = await serveTcp('127.0.0.1', 0, simulator);
  const first = await open(served.port);
  const taken = new Promise<void>((resolve) => simulator!.once('request', () => resolve()));
  first.write(encodeV3Request(REQUEST));
  await taken;
  first.destroy(); // the connector restarts and connects again before the customer has paid
  const second = await open(served.port);
  expect(await readAnswer(second)).toMatchObject({ status: '10', amount: 1234, privateData: '1010000000' });
  expect(simulator.answers).toEqual([expect.objectContaining({ outcome: 'approve', delivered: true, reference: '1010000000' })]);
});

test('an answer ready while no register is connected is in the ledger as not delivered', async () => {
  simulator = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 100 });
  served = await serveTcp('127.0.0.1', 0, simulator);
  const first = await open(served.port);
  const taken = new Promise<void>((resolve) => simulator!.once('request', () => resolve()));
  first.write(encodeV3Request(REQUEST));
  await taken;
  first.destroy();
  await new Promise<void>((resolve) => simulator!.once('answered', () => resolve()));
  expect(simulator.answers).toEqual([expect.objectContaining({ outcome: 'approve', delivered: false, reason: 'no cash register connected' })]);
});

test('two answers in one TCP write: a foreign approval then the real answer (issue 9 cases 2 and 10)', async () => {
  simulator = new TerminalSimulator({
    protocol: 'concert-v3', framing: 'raw', outcome: 'decline', delayMs: 20,
    answers: { extraAnswer: { ref: '0000009999', outcome: 'approve', position: 'before' }, oneWrite: true },
  });
  served = await serveTcp('127.0.0.1', 0, simulator);
  const socket = await open(served.port);
  const before = simulator.lineCounters.chunksOut;
  const bytes: Buffer[] = [];
  socket.on('data', (b: Buffer) => bytes.push(b));
  const two = new Promise<void>((resolve) => {
    let n = 0;
    simulator!.on('answered', () => ++n === 2 && resolve());
  });
  socket.write(encodeV3Request(REQUEST));
  await two;
  expect(simulator.lineCounters.chunksOut - before).toBe(1);
  const text = await new Promise<string>((resolve) => {
    const check = (): void => {
      const all = Buffer.concat(bytes).toString('latin1');
      if ((all.match(/CZ004/g) ?? []).length === 2 && parseTlv(Buffer.from(all, 'latin1')).status === 'complete') resolve(all);
      else socket.once('data', check);
    };
    check();
  });
  const second = text.indexOf('CZ004', 1);
  expect(decodeV3Answer(Buffer.from(text.slice(0, second), 'latin1'))).toMatchObject({ ok: true, value: { status: '10', privateData: '0000009999' } });
  expect(decodeV3Answer(Buffer.from(text.slice(second), 'latin1'))).toMatchObject({ ok: true, value: { status: '01', reason: '04', privateData: 'ORDER-TCP' } });
});
