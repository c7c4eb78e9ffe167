/**
 * Concert V2 over a real pseudo-terminal: the cash register (real SerialPort + ConcertLink('ecr')) pays,
 * the simulator answers as a V2 terminal would.
 */
import { luhnValid } from '@ecr/common';
import { decodeV2Answer, encodeV2Request, v2AnswerToResult, type V2Answer, type V2Request } from '@ecr/protocol';
import { openSerialRig, type SerialRig } from './helpers/serial-rig';

const REQUEST: V2Request = {
  posNumber: '01',
  amount: 899,
  fullAnswer: true,
  paymentMeans: '1',
  transactionType: 'debit',
  currencyNumeric: '978',
  privateField: 'ORDER-42',
  answerAtEnd: true,
  forcedAuthorisation: false,
};

let rig: SerialRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function pay(r: SerialRig, request: V2Request = REQUEST): Promise<V2Answer> {
  await r.ecr.send(encodeV2Request(request));
  const answer = decodeV2Answer(await r.ecr.nextMessage());
  if (!answer.ok) throw new Error(answer.error);
  return answer.value;
}

test('an approved payment gets status 0 and a full report that begins with a Luhn-valid test card number', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', outcome: 'approve' });
  const answer = await pay(rig);
  expect(answer).toMatchObject({ status: '0', amount: 899, currencyNumeric: '978', privateField: 'ORDER-42  ', posNumber: '01' });
  expect(answer.report).toHaveLength(55);
  const pan = /^\d+/.exec(answer.report ?? '')?.[0] ?? '';
  expect(pan).toBe('4970100000000014');
  expect(luhnValid(pan)).toBe(true);
  expect(answer.report).toContain('A0000000421010');
  expect(answer.report).toContain('CB');
  const result = v2AnswerToResult(answer);
  expect(result).toMatchObject({ outcome: 'approved', amount: 899, maskedPan: '497010XXXXXX0014' });
});

test('a declined payment gets status 7', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', outcome: 'decline' });
  const answer = await pay(rig);
  expect(answer.status).toBe('7');
  expect(v2AnswerToResult(answer).outcome).toBe('declined');
});

test('an abandoned payment gets status 9, and a short answer when the request asked for one', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', outcome: 'abandon' });
  const answer = await pay(rig, { ...REQUEST, fullAnswer: false });
  expect(answer.status).toBe('9');
  expect(answer.report).toBeUndefined();
  expect(v2AnswerToResult(answer).outcome).toBe('abandoned');
});

test('"is the terminal there": ENQ is answered by ACK, and a deaf terminal does not answer', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2' });
  expect(await rig.ecr.probe()).toBe(true);
  rig.simulator.setBehaviour({ deaf: true });
  expect(await rig.ecr.probe()).toBe(false);
  expect(rig.simulator.requests).toHaveLength(0);
});

test('the silent terminal ACKs the request, logs it, and never answers', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', outcome: 'timeout', delayMs: 10 });
  await rig.ecr.send(encodeV2Request(REQUEST));
  await rig.ecr.expectSilence(500);
  expect(rig.simulator.requests).toMatchObject([{ protocol: 'concert-v2', amount: 899, reference: 'ORDER-42', outcome: 'timeout' }]);
});

test('a request frame NAKed by the terminal (nakNext) is sent again and the payment goes through', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', faults: { nakNext: 2 } });
  const answer = await pay(rig);
  expect(answer.status).toBe('0');
  expect(rig.simulator.behaviour.faults.nakNext).toBe(0);
  // Both spoiled copies were NAKed (reported as noise: whole frames, from STX), the third one taken.
  expect(rig.simulatorNoise.map((b) => b[0])).toEqual([0x02, 0x02]);
  expect(rig.simulator.requests).toHaveLength(1);
});

test('an answer frame the cash register NAKs is sent again', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2' });
  rig.ecr.nakNextFrames = 1;
  const answer = await pay(rig);
  expect(answer.status).toBe('0');
  // The spoiled first copy was reported as noise by the ECR's link layer, the second one delivered.
  expect(rig.ecr.noise()[0]).toBe(0x02);
  expect(rig.ecr.noise().length).toBe(83);
});

test('noise on the line before the answer is ignored by the cash register', async () => {
  rig = await openSerialRig({ protocol: 'concert-v2', faults: { noiseBeforeAnswer: '41ff4e4f495345' } });
  const answer = await pay(rig);
  expect(answer.status).toBe('0');
  expect(rig.ecr.noise().toString('latin1')).toContain('NOISE');
});
