/**
 * Concert V3 (Caisse-AP TLV) in the Concert link layer over a real pseudo-terminal.
 */
import { decodeV3Answer, encodeV3Request, v3AnswerToResult, type V3Answer, type V3Request } from '@ecr/protocol';
import { openSerialRig, type SerialRig } from './helpers/serial-rig';

const REQUEST: V3Request = {
  version: '0320',
  ecrId: '000000000001',
  posNumber: '01',
  amount: 899,
  action: 'debit',
  currencyNumeric: '978',
  privateData: 'ORDER-7',
  askTicket: true,
};

let rig: SerialRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function pay(r: SerialRig, request: V3Request = REQUEST): Promise<V3Answer> {
  await r.ecr.send(encodeV3Request(request));
  const answer = decodeV3Answer(await r.ecr.nextMessage());
  if (!answer.ok) throw new Error(answer.error);
  return answer.value;
}

test('an approved payment echoes the request and carries masked card data and a CB customer ticket', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', outcome: 'approve' });
  const answer = await pay(rig);
  expect(answer).toMatchObject({
    status: '10',
    version: '0320',
    ecrId: '000000000001',
    amount: 899,
    currencyNumeric: '978',
    privateData: 'ORDER-7',
    pan: '497010XXXXXX0014',
    aid: 'A0000000421010',
    application: '001',
  });
  expect(answer.authorisationNumber).toMatch(/^\d{6}$/);
  expect(answer.cardExpiry).toMatch(/^\d{2}(0[1-9]|1[0-2])$/);
  const ticket = answer.ticket ?? [];
  expect(ticket[0]).toBe('CARTE BANCAIRE');
  expect(ticket).toContain('497010XXXXXX0014');
  expect(ticket).toContain(`NO AUTO:${answer.authorisationNumber}`);
  expect(ticket).toContain('MONTANT REEL:8,99 EUR');
  expect(ticket).toContain('DEBIT');
  expect(ticket).toContain('TICKET CLIENT A CONSERVER');
  expect(ticket.some((l) => /^LE \d\d\/\d\d\/\d\d A \d\d:\d\d:\d\d$/.test(l))).toBe(true);
  // No line of the ticket holds a full card number.
  expect(ticket.join('\n')).not.toContain('4970100000000014');

  const result = v3AnswerToResult(answer);
  expect(result).toMatchObject({ outcome: 'approved', amount: 899, maskedPan: '497010XXXXXX0014', applicationLabel: 'CB' });
});

test('the ticket formats the amount with the currency exponent (JPY has none)', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3' });
  const answer = await pay(rig, { ...REQUEST, amount: 1500, currencyNumeric: '392' });
  expect(answer.ticket).toContain('MONTANT REEL:1500 JPY');
});

test('a declined payment gets AE=01 AF=04', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', outcome: 'decline' });
  const answer = await pay(rig);
  expect(answer).toMatchObject({ status: '01', reason: '04', amount: 899 });
  expect(answer.pan).toBeUndefined();
  expect(v3AnswerToResult(answer).outcome).toBe('declined');
});

test('an abandoned payment gets AE=01 AF=11', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', outcome: 'abandon' });
  const answer = await pay(rig);
  expect(answer).toMatchObject({ status: '01', reason: '11' });
  expect(v3AnswerToResult(answer).outcome).toBe('abandoned');
});

test('BA=1 (answer at once) gets AE=11 without waiting for the customer', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', delayMs: 60_000 });
  const answer = await pay(rig, { ...REQUEST, answerAtOnce: true });
  expect(answer.status).toBe('11');
  expect(rig.simulator.requests[0].outcome).toBe('immediate');
});

test('an answer first sent with a bad LRC (garbageAnswer) is NAKed by the cash register and sent again', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', faults: { garbageAnswer: true } });
  const answer = await pay(rig);
  expect(answer.status).toBe('10');
  expect(rig.ecr.noise()[0]).toBe(0x02);
  expect(rig.ecr.events.filter((e) => e.type === 'message')).toHaveLength(1);
});

test('a request NAKed by the terminal is sent again, and noise before the answer is ignored', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', faults: { nakNext: 1, noiseBeforeAnswer: '00ff2a2a2a' } });
  const answer = await pay(rig);
  expect(answer.status).toBe('10');
  expect(rig.simulatorNoise).toHaveLength(1);
  expect(rig.ecr.noise().toString('latin1')).toContain('***');
});

test('a request the terminal cannot read gets AE=01 AF=09 and is logged as such', async () => {
  rig = await openSerialRig({ protocol: 'concert-v3' });
  await rig.ecr.send(Buffer.from('CZ0040320CA00201CB003899'));
  const answer = decodeV3Answer(await rig.ecr.nextMessage());
  expect(answer.ok && answer.value).toMatchObject({ status: '01', reason: '09', version: '0320' });
  expect(rig.simulator.requests).toMatchObject([{ outcome: 'bad-request', fields: { CZ: '0320', CB: '899' } }]);
  expect(rig.simulator.requests[0].error).toMatch(/missing CJ/);
});

test("a late answer still goes out after the cash register stopped waiting for it, and the ledger says it was taken (issue 9 case 4)", async () => {
  rig = await openSerialRig({ protocol: 'concert-v3', outcome: 'approve', delayMs: 800 });
  await rig.ecr.send(encodeV3Request(REQUEST));
  // The register's own wait ends first (a connector's payment time-out), with nothing received.
  await expect(rig.ecr.nextMessage(100)).rejects.toThrow();
  const late = decodeV3Answer(await rig.ecr.nextMessage(5000));
  expect(late.ok && late.value).toMatchObject({ status: '10', amount: 899 });
  await new Promise<void>((resolve) => (rig!.simulator.answers.length > 0 ? resolve() : rig!.simulator.once('answered', () => resolve())));
  expect(rig.simulator.answers).toEqual([expect.objectContaining({ kind: 'answer', outcome: 'approve', amount: 899, delivered: true })]);
});
