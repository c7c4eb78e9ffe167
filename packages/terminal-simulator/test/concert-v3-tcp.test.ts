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
