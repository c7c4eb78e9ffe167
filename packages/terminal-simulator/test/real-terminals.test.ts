/**
 * The answer forms that play real terminals (answer-forms.ts), on the simulator core: raw V3 TLV and the
 * in-memory Concert link for V2. Each test names the source of the behaviour and the money rule it serves.
 */
import { ConcertLink, encodeV2Request, encodeV3Request, type LinkStep, type V3Request } from '@ecr/protocol';
import { readRawTlv, TerminalSimulator, type SimulatorOptions } from '../src';

const V3: V3Request = { version: '0320', ecrId: 'KIOSK0000001', posNumber: '01', amount: 4200, action: 'debit', currencyNumeric: '978', privateData: '0000000042', askTicket: true };

const simulators: TerminalSimulator[] = [];
afterEach(() => {
  for (const s of simulators.splice(0)) s.close();
});

function make(options: Partial<SimulatorOptions> = {}): TerminalSimulator {
  const s = new TerminalSimulator({ protocol: 'concert-v3', framing: 'raw', outcome: 'approve', delayMs: 0, rawQuietMs: 1, ...options });
  simulators.push(s);
  return s;
}

/** Sends the bytes and resolves with every output chunk once `count` answers were written. */
function exchange(simulator: TerminalSimulator, bytes: Buffer, count = 1): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  simulator.on('output', (b) => chunks.push(b));
  return new Promise((resolve) => {
    let answered = 0;
    simulator.on('answered', () => {
      if (++answered === count) resolve(chunks);
    });
    simulator.input(bytes);
  });
}

/** Every TLV message in the output, split where a CZ starts one. */
function messages(chunks: Buffer[]): Record<string, string>[] {
  const { fields, rest } = readRawTlv(Buffer.concat(chunks));
  expect(rest.length).toBe(0);
  const out: Record<string, string>[] = [];
  for (const f of fields) {
    if (f.tag === 'CZ') out.push({});
    out[out.length - 1][f.tag] = f.value;
  }
  return out;
}

test('desk5000: CF is 1010000000 on an approval whatever was sent, echoed otherwise (akretion caisse_ap_ip_server.py; money rule 3)', async () => {
  const approve = make({ answers: { answerReference: 'desk5000' } });
  expect(messages(await exchange(approve, encodeV3Request(V3)))).toMatchObject([{ AE: '10', CF: '1010000000' }]);
  const decline = make({ outcome: 'decline', answers: { answerReference: 'desk5000' } });
  expect(messages(await exchange(decline, encodeV3Request(V3)))).toMatchObject([{ AE: '01', CF: '0000000042' }]);
  const absent = make({ answers: { answerReference: 'absent' } });
  expect(messages(await exchange(absent, encodeV3Request(V3)))[0]).not.toHaveProperty('CF');
});

test('zt-container: the ticket is ZT holding CK=100 and AK with the ticket text (HiPay Local API for Nepting)', async () => {
  const [answer] = messages(await exchange(make({ answers: { ticketForm: 'zt-container' } }), encodeV3Request(V3)));
  expect(answer).not.toHaveProperty('AK');
  const inner = readRawTlv(Buffer.from(answer.ZT, 'latin1'));
  expect(inner.rest.length).toBe(0);
  expect(inner.fields.map((f) => f.tag)).toEqual(['CK', 'AK']);
  expect(inner.fields[0].value).toBe('100');
  expect(inner.fields[1].value).toMatch(/^CARTE BANCAIRE\n[\s\S]*MONTANT REEL:42,00 EUR\n/);
  expect(inner.fields[1].value).toContain('497010XXXXXX0014');
  const none = messages(await exchange(make({ answers: { ticketForm: 'none' } }), encodeV3Request(V3)))[0];
  expect(none).not.toHaveProperty('ZT');
  expect(none).not.toHaveProperty('AK');
});

test('a long AF: the code then the acquirer text, and a separator byte inside CF (terminal-protocols.md; HiPay Nepting)', async () => {
  const simulator = make({ outcome: 'decline', answers: { reasonText: ' HOLDER INVALID', cfSeparator: '1d' } });
  const [answer] = messages(await exchange(simulator, encodeV3Request(V3)));
  expect(answer.AF).toBe('04 HOLDER INVALID');
  expect(answer.CF).toBe('0000000042\x1d');
});

test('partial approval: CB is the amount really paid, and the ledgers say so (money rule 4)', async () => {
  const simulator = make({ answers: { partialPercent: 50 } });
  const [answer] = messages(await exchange(simulator, encodeV3Request(V3)));
  expect(answer).toMatchObject({ AE: '10', CB: '2100' });
  expect(simulator.requests[0]).toMatchObject({ amount: 4200, approvedAmount: 2100 });
  expect(simulator.answers).toEqual([expect.objectContaining({ kind: 'answer', outcome: 'approve', requestAmount: 4200, amount: 2100, delivered: true })]);
  const fixed = make({ answers: { approvedAmount: 1000 } });
  expect(messages(await exchange(fixed, encodeV3Request(V3)))[0].CB).toBe('1000');
});

test('the red key on a Desk/5000: zero or empty CB on abandon (OCA/l10n-france issues 669-672; money rule 1)', async () => {
  const zero = make({ outcome: 'abandon', answers: { abandonAmount: 'zero' } });
  expect(messages(await exchange(zero, encodeV3Request(V3)))).toMatchObject([{ AE: '01', AF: '11', CB: '0' }]);
  const empty = make({ outcome: 'abandon', answers: { abandonAmount: 'empty' } });
  const bytes = Buffer.concat(await exchange(empty, encodeV3Request(V3))).toString('latin1');
  expect(bytes).toContain('CB000');
});

test('two answers back to back in one write: the answer repeated (money rule 2)', async () => {
  const simulator = make({ answers: { repeatAnswer: true, oneWrite: true } });
  const chunks = await exchange(simulator, encodeV3Request(V3), 2);
  expect(chunks).toHaveLength(1);
  expect(messages(chunks)).toMatchObject([{ AE: '10', CB: '4200' }, { AE: '10', CB: '4200' }]);
  expect(simulator.answers.map((a) => a.kind)).toEqual(['answer', 'repeat']);
});

test('a foreign answer with another reference before the real one (issue 9 case 10; money rule 3)', async () => {
  const simulator = make({ outcome: 'decline', answers: { extraAnswer: { ref: '0000009999', outcome: 'approve', position: 'before' } } });
  const found = messages(await exchange(simulator, encodeV3Request(V3), 2));
  expect(found).toMatchObject([{ AE: '10', CF: '0000009999', CB: '4200' }, { AE: '01', AF: '04', CF: '0000000042' }]);
  expect(simulator.answers).toMatchObject([
    { kind: 'extra', outcome: 'approve', reference: '0000009999', requestReference: '0000000042' },
    { kind: 'answer', outcome: 'decline', reference: '0000000042' },
  ]);
});

test('generic profile: CR/LF right after a request is a broken tag (AF=09); CR/LF on its own is ignored (akretion, Ingenico)', async () => {
  const simulator = make();
  const answer = messages(await exchange(simulator, Buffer.concat([encodeV3Request(V3), Buffer.from('\r\n')])));
  expect(answer).toMatchObject([{ AE: '01', AF: '09', CF: '0000000042' }]);
  expect(simulator.requests).toMatchObject([{ outcome: 'bad-request' }]);
  const noise: Buffer[] = [];
  simulator.on('noise', (b) => noise.push(b));
  simulator.input(Buffer.from('\r\n'));
  expect(noise).toEqual([Buffer.from('\r\n')]);
});

test('hipay-nepting profile: a request is taken only once CR/LF follows it (HiPay Local API for Nepting)', async () => {
  const nepting = make({ answers: { profile: 'hipay-nepting' } });
  const generic = make();
  const bytes = encodeV3Request(V3);
  nepting.input(bytes);
  // The generic terminal, fed the same bytes afterwards with the same quiet time, takes its request first.
  await new Promise<void>((resolve) => {
    generic.once('request', () => resolve());
    generic.input(bytes);
  });
  expect(nepting.requests).toHaveLength(0);
  const answer = messages(await exchange(nepting, Buffer.from('\r\n')));
  expect(answer).toMatchObject([{ AE: '10', CB: '4200' }]);
  expect(nepting.requests).toMatchObject([{ outcome: 'approve', amount: 4200 }]);
});

test('close() before the customer finished: the approval is in the ledger as not delivered', async () => {
  const simulator = make({ delayMs: 60_000 });
  await new Promise<void>((resolve) => {
    simulator.once('request', () => resolve());
    simulator.input(encodeV3Request(V3));
  });
  simulator.close();
  expect(simulator.answers).toEqual([expect.objectContaining({ kind: 'answer', outcome: 'approve', amount: 4200, delivered: false })]);
});

test('V3-only forms are refused on V2 and the reverse, so a test cannot believe it played them', () => {
  expect(() => make({ protocol: 'concert-v2', framing: 'link', answers: { answerReference: 'desk5000' } })).toThrow(/Concert V3 behaviour/);
  expect(() => make({ answers: { answerReference: 'zeros' } })).toThrow(/Concert V2 behaviour/);
  expect(() => make().setBehaviour({ reportPadding: 'zeros' })).toThrow(/Concert V2 behaviour/);
});

test('V2 like a real Telium: private field 0000000000 and the card number padded with zeros (pyTeliumManager README; money rule 3)', async () => {
  const simulator = make({ protocol: 'concert-v2', framing: 'link', answers: { answerReference: 'zeros', reportPadding: 'zeros', extraAnswer: { ref: '0000009999', outcome: 'approve', position: 'after' } } });
  const ecr = new ConcertLink({ role: 'ecr' });
  const got: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fromEcr = (step: LinkStep): void => {
    for (const chunk of step.write) simulator.input(Buffer.from(chunk));
    for (const e of step.events) if (e.type === 'message') got.push(e.payload.toString('latin1'));
    if (timer) clearTimeout(timer);
    const deadline = ecr.deadline;
    timer = deadline === undefined ? undefined : setTimeout(() => fromEcr(ecr.tick(performance.now())), deadline - performance.now());
  };
  simulator.on('output', (bytes) => setImmediate(() => fromEcr(ecr.receive(bytes, performance.now()))));
  const twoAnswered = new Promise<void>((resolve) => {
    let n = 0;
    simulator.on('answered', () => ++n === 2 && resolve());
  });
  fromEcr(ecr.send(encodeV2Request({
    posNumber: '01', amount: 1250, fullAnswer: true, paymentMeans: '1', transactionType: 'debit',
    currencyNumeric: '978', privateField: '0000000042', answerAtEnd: true, forcedAuthorisation: false,
  }), performance.now()));
  await twoAnswered;
  if (timer) clearTimeout(timer);
  expect(got).toHaveLength(2);
  const [own, extra] = got;
  expect(own.slice(0, 11)).toBe('01000001250');
  expect(own.slice(12, 67)).toBe('4970100000000014'.padEnd(55, '0'));
  expect(own.slice(70)).toBe('0000000000');
  expect(extra.slice(70)).toBe('0000009999');
  expect(simulator.answers.map((a) => [a.kind, a.reference, a.delivered])).toEqual([['answer', '0000000000', true], ['extra', '0000009999', true]]);
});
