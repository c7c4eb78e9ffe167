/**
 * ZvtEcrSession fed terminal APDUs by hand: the shapes of real terminals and of other public terminal
 * implementations, and what the kiosk may be told for each (money rules 1-4).
 */
import { zvt } from '../../src';

const hex = (h: string): zvt.Apdu => {
  const p = zvt.parseApdu(Buffer.from(h.replace(/\s/g, ''), 'hex'));
  if (p.kind !== 'apdu') throw new Error('not an APDU');
  return p.apdu;
};
const apdu = (b: Buffer): zvt.Apdu => hex(b.toString('hex'));
const ACK = zvt.encodeAck();

function session(options: Partial<zvt.ZvtSessionOptions> = {}) {
  const s = new zvt.ZvtEcrSession({ password: '000000', ackTimeoutMs: 5000, answerTimeoutMs: 180_000, ...options });
  const events: zvt.ZvtSessionEvent[] = [];
  const written: Buffer[] = [];
  const take = (step: zvt.ZvtSessionStep) => {
    events.push(...step.events);
    written.push(...step.write);
    return step;
  };
  return { s, events, written, take, feed: (h: string | Buffer, now = 1) => take(s.receive(typeof h === 'string' ? hex(h) : apdu(h), now)) };
}

const paymentResult = (events: zvt.ZvtSessionEvent[]) => {
  const e = events.find((x) => x.type === 'payment-result');
  if (e?.type !== 'payment-result') throw new Error('no payment result');
  return e.result;
};

describe('payment (06 01)', () => {
  it('money rule 4: approved when 04 0F says 27 00 for the amount and currency asked, then 06 0F', () => {
    const t = session();
    t.take(t.s.pay({ amount: 2500, currencyNumeric: '978' }, 0));
    expect(t.written[0].toString('hex')).toBe('06010a040000000025004909 78'.replace(/ /g, ''));
    t.feed('800000');
    expect(t.events).toContainEqual({ type: 'command-accepted', command: 'payment' });
    t.feed('04ff0117');
    // EVerest's real capture of an approved MasterCard payment of 25.00 EUR.
    t.feed('040f5a2700040000000025004909780c2255580d040522f0f8559883eeeeee80748702313b37353030373100000b000975196029525235350e24058a068c018bf1f14d617374657243617264002a383034303131393236202020202020');
    t.feed('060f00');
    const r = paymentResult(t.events);
    expect(r).toMatchObject({ outcome: 'approved', amount: 2500, currencyNumeric: '978', maskedPan: '559883XXXXXX8074', authorisationNumber: '750071', terminalId: '52523535', cardName: 'MasterCard' });
    // Every terminal message (not its 80 00 00) was acknowledged with 80 00 00.
    expect(t.written.slice(1)).toEqual([ACK, ACK, ACK]);
    expect(t.s.current).toBeUndefined();
  });

  it('money rule 4: an approval of another amount is not a success (outcome unknown, kept for reconciliation)', () => {
    const t = session();
    t.take(t.s.pay({ amount: 2400, currencyNumeric: '978' }, 0));
    t.feed('800000');
    t.feed(zvt.encodeStatusInformation({ resultCode: 0, amount: 2500, currencyNumeric: '978' }));
    t.feed('060f00');
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'unknown', amount: 2500, requestedAmount: 2400 });
  });

  it('money rule 1: a result code other than 00 is a failure even if 06 0F follows (decline, real capture 27 05)', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100, currencyNumeric: '978' }, 0));
    t.feed('800000');
    t.feed('040f31270529290010063cf0f1f54b6172746520616267656c65686e748a0d06132411070f4b6172746520616267656c65686e74');
    t.feed('060f00');
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'declined', resultCode: 5 });
  });

  it('money rule 1: 06 1E 6C after the customer gave up is a failure the terminal gave (real captures)', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    t.feed('040f07276c2929001006');
    t.feed('061e016c');
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'aborted', resultCode: 0x6c, abortRequested: false });
  });

  it('money rule 1: 06 0F without any status information or result code is not known, not a failure', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    t.feed('060f00');
    expect(paymentResult(t.events).outcome).toBe('unknown');
  });

  it('money rule 1: an approval followed by 06 1E is not known (the card may have been charged)', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    t.feed(zvt.encodeStatusInformation({ resultCode: 0, amount: 100 }));
    t.feed('061e01ff');
    expect(paymentResult(t.events).outcome).toBe('unknown');
  });

  it('money rule 1: 84 xx for the request is a failure the terminal gave: nothing started', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('848300');
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'refused', resultCode: 0x83 });
  });

  it('money rule 1: no 80 00 00 within T3 is not known (the request may have arrived)', () => {
    const t = session({ ackTimeoutMs: 5000 });
    t.take(t.s.pay({ amount: 100 }, 0));
    expect(t.s.deadline).toBe(5000);
    t.take(t.s.tick(5000));
    expect(paymentResult(t.events).outcome).toBe('unknown');
  });

  it('money rule 1: silence for T4 after the last terminal message is not known; T4 restarts on each message', () => {
    const t = session({ answerTimeoutMs: 1000 });
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000', 10);
    t.feed('04ff010a', 900);
    expect(t.s.deadline).toBe(1900);
    t.take(t.s.tick(1500));
    expect(t.events.some((e) => e.type === 'payment-result')).toBe(false);
    t.take(t.s.tick(1900));
    expect(paymentResult(t.events).outcome).toBe('unknown');
  });

  it('money rule 2: a second command while a payment runs is rejected and nothing is written', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    const before = t.written.length;
    const again = t.take(t.s.pay({ amount: 100 }, 2));
    expect(again.write).toEqual([]);
    expect(again.events).toEqual([{ type: 'rejected', command: 'payment', reason: 'the terminal is busy with payment' }]);
    expect(t.take(t.s.endOfDay(3)).write).toEqual([]);
    expect(t.written.length).toBe(before);
  });

  it('money rule 3: a terminal message outside a command is acknowledged and reported unsolicited, never credited', () => {
    const t = session();
    t.feed(zvt.encodeStatusInformation({ resultCode: 0, amount: 100 }));
    expect(t.written).toEqual([ACK]);
    expect(t.events[0].type).toBe('unsolicited');
    t.take(t.s.pay({ amount: 100 }, 2));
    // Before the request's 80 00 00, a status information cannot be its answer.
    t.feed(zvt.encodeStatusInformation({ resultCode: 0, amount: 100 }), 3);
    t.feed('800000', 4);
    t.feed('061e016c', 5);
    expect(paymentResult(t.events).outcome).toBe('aborted');
  });

  it('06 B0 in the middle: the payment ends with the terminal\'s own 06 1E, cancelled at the kiosk\'s request', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    t.feed('04ff010a');
    const abort = t.take(t.s.abort(2));
    expect(abort.write).toEqual([Buffer.from('06b000', 'hex')]);
    t.feed('800000', 3);
    expect(t.events).toContainEqual({ type: 'abort-acknowledged' });
    t.feed('040f07276c2929001006', 4);
    t.feed('061e016c', 5);
    const r = paymentResult(t.events);
    expect(r).toMatchObject({ outcome: 'aborted', abortRequested: true });
    expect(r.reason).toMatch(/kiosk's request/);
  });

  it('the Kotlin simulator answers 06 B0 with 06 0F: without a status information the outcome is not known', () => {
    const t = session();
    t.take(t.s.pay({ amount: 100 }, 0));
    t.feed('800000');
    t.take(t.s.abort(2));
    t.feed('060f00', 3);
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'unknown', abortRequested: true });
  });

  it('print lines and text blocks become the receipt lines, in order', () => {
    const t = session();
    t.take(t.s.pay({ amount: 1 }, 0));
    t.feed('800000');
    t.feed(zvt.encodePrintLine('LINE 1'));
    t.feed(zvt.encodePrintTextBlock(['LINE 2', 'LINE 3']));
    t.feed(zvt.encodeStatusInformation({ resultCode: 0, amount: 1 }));
    t.feed('060f00');
    expect(paymentResult(t.events)).toMatchObject({ outcome: 'approved', receiptLines: ['LINE 1', 'LINE 2', 'LINE 3'] });
  });
});

describe('registration and administration', () => {
  it('registration: 06 00 with the password and config byte BE; the real answer gives the terminal id', () => {
    const t = session({ password: '123456' });
    t.take(t.s.register(0));
    expect(t.written[0].toString('hex')).toBe('060004123456be');
    t.feed('800000');
    t.feed('060f0a19102952523535490978');
    const e = t.events.find((x) => x.type === 'command-result');
    expect(e).toEqual({ type: 'command-result', result: { command: 'registration', outcome: 'ok', lines: [], terminalId: '52523535', currencyNumeric: '978' } });
  });

  it('registration answered the Kotlin simulator\'s way (04 0F then an empty 06 0F) is ok too', () => {
    const t = session();
    t.take(t.s.register(0));
    t.feed('800000');
    t.feed(zvt.encodeStatusInformation({ resultCode: 0 }));
    t.feed('060f00');
    expect(t.events.find((x) => x.type === 'command-result')).toMatchObject({ result: { command: 'registration', outcome: 'ok' } });
  });

  it('status enquiry: the terminal status byte, never invented (real capture 06 0F 01 DC: card inserted)', () => {
    const t = session();
    t.take(t.s.statusEnquiry(0));
    expect(t.written[0].toString('hex')).toBe('050103000000');
    t.feed('800000');
    t.feed('060f01dc');
    expect(t.events.find((x) => x.type === 'command-result')).toMatchObject({ result: { command: 'status-enquiry', outcome: 'ok', terminalStatus: 0xdc, terminalStatusText: 'card inserted' } });
  });

  it('end of day: total and totals by card family from the real capture; a 06 1E is a failure', () => {
    const t = session();
    t.take(t.s.endOfDay(0));
    expect(t.written[0].toString('hex')).toBe('065003000000');
    t.feed('800000');
    t.feed('040f4d2700040000000009580b0009820d04060c08170660f0f5f30233023400000000000000000000000000000200000000095800000000000000000000000000000000000000000000000000000000');
    t.feed('060f00');
    const e = t.events.find((x) => x.type === 'command-result');
    expect(e).toMatchObject({ result: { command: 'end-of-day', outcome: 'ok', total: 958, totals: { receiptFrom: '0233', receiptTo: '0234' } } });

    const f = session();
    f.take(f.s.endOfDay(0));
    f.feed('800000');
    f.feed('061e0177');
    expect(f.events.find((x) => x.type === 'command-result')).toMatchObject({ result: { outcome: 'failed', resultCode: 0x77 } });
  });

  it('abort with nothing running is rejected, nothing written', () => {
    const t = session();
    expect(t.take(t.s.abort(0))).toEqual({ write: [], events: [{ type: 'rejected', command: 'abort', reason: 'no command is running' }] });
  });

  it('refuses a bad password at construction with a one-line error', () => {
    expect(() => new zvt.ZvtEcrSession({ password: 'abc' })).toThrow('ZVT password must be 6 digits (ZVT_PASSWORD)');
  });
});
