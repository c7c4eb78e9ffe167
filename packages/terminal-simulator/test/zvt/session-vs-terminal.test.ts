/**
 * The ECR session of @ecr/protocol against the simulator's ZVT terminal core, wired in memory: payment
 * approved, declined, abandoned, aborted in the middle, silent; end of day, status enquiry, diagnosis, reset.
 */
import { TEST_CARD } from '../../src/test-card';
import { WiredZvt, type Framing } from './wired';

const ACK = '800000';

let framing: Framing = 'tcp';

function registered(outcome: 'approve' | 'decline' | 'abandon' | 'timeout', delayMs = 2000, session = {}) {
  const w = new WiredZvt({ outcome, delayMs }, session, framing);
  wired.push(w);
  w.ecr(w.session.register(w.now));
  w.runUntil(() => w.has('command-result'));
  w.events.length = 0;
  w.wire.length = 0;
  return w;
}

/** Every terminal message but 80 00 00 is answered by the ECR's 80 00 00, and the reverse. */
function expectEveryMessageAcked(w: WiredZvt) {
  for (let i = 0; i < w.wire.length; i++) {
    const m = w.wire[i];
    if (m.hex.startsWith('8000') || m.hex.startsWith('84')) continue;
    const answer = w.wire.slice(i + 1).find((x) => x.from !== m.from);
    expect({ message: m.hex, answer: answer?.hex }).toEqual({ message: m.hex, answer: ACK });
  }
}

afterEach(() => {
  // A clean line: nothing resent, nothing dropped.
  expect(wired.flatMap((w) => w.linkTrouble)).toEqual([]);
  wired.length = 0;
});
const wired: WiredZvt[] = [];

describe.each<Framing>(['tcp', 'serial'])('ZVT session against the simulated terminal over %s framing', (f) => {
  beforeAll(() => {
    framing = f;
  });

  it('registers: the terminal id and currency come from the terminal', () => {
    const w = new WiredZvt({ outcome: 'approve', delayMs: 0 }, {}, framing);
    wired.push(w);
    w.ecr(w.session.register(w.now));
    w.runUntil(() => w.has('command-result'));
    expect(w.last('command-result')!.result).toMatchObject({ command: 'registration', outcome: 'ok', terminalId: w.terminal.terminalId, currencyNumeric: '978' });
    expectEveryMessageAcked(w);
  });

  it('money rule 4: an approved payment carries the amount and currency asked, the masked card, the receipt', () => {
    const w = registered('approve', 3000);
    const asked = w.now;
    w.ecr(w.session.pay({ amount: 1250, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('payment-result'));
    const r = w.last('payment-result')!.result;
    expect(r).toMatchObject({ outcome: 'approved', amount: 1250, currencyNumeric: '978', requestedAmount: 1250, maskedPan: '497010XXXXXX0014', terminalId: w.terminal.terminalId, aid: 'A0000000421010' });
    expect(r.authorisationNumber).toMatch(/^\d{6}$/);
    expect(r.receiptLines).toContain('Card: 497010XXXXXX0014');
    expect(r.receiptLines.join('\n')).not.toContain(TEST_CARD.pan);
    // The customer took delayMs; the intermediate status came first.
    expect(w.now - asked).toBeGreaterThanOrEqual(3000);
    expect(w.events.find((e) => e.type === 'intermediate')).toEqual({ type: 'intermediate', code: 0x0a, text: 'insert card' });
    expectEveryMessageAcked(w);
  });

  it('money rule 1: a declined payment is a failure the terminal gave', () => {
    const w = registered('decline');
    w.ecr(w.session.pay({ amount: 500, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('payment-result'));
    expect(w.last('payment-result')!.result).toMatchObject({ outcome: 'declined', resultCode: 0x05 });
  });

  it('money rule 1: a payment the customer abandons ends with the terminal\'s 06 1E 6C', () => {
    const w = registered('abandon');
    w.ecr(w.session.pay({ amount: 500, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('payment-result'));
    expect(w.last('payment-result')!.result).toMatchObject({ outcome: 'aborted', resultCode: 0x6c, abortRequested: false });
    expect(w.wire.map((m) => m.hex)).toContain('061e016c');
  });

  it('money rule 1: 06 B0 in the middle of a payment: the terminal ends it with 06 1E, cancelled at the kiosk\'s request', () => {
    const w = registered('approve', 60_000);
    const started = w.now;
    w.ecr(w.session.pay({ amount: 700, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('intermediate'));
    w.now += 1000;
    w.ecr(w.session.abort(w.now));
    w.runUntil(() => w.has('payment-result'));
    const r = w.last('payment-result')!.result;
    expect(r).toMatchObject({ outcome: 'aborted', abortRequested: true, resultCode: 0x6c });
    expect(r.reason).toMatch(/kiosk's request/);
    expect(w.has('abort-acknowledged')).toBe(true);
    expect(w.now - started).toBeLessThan(60_000);
    expect(w.terminalEvents).toContainEqual(expect.objectContaining({ type: 'payment-done', outcome: 'aborted' }));
    expect(w.terminal.isBusy).toBe(false);
  });

  it('money rule 1: a terminal that goes silent gives "not known" after T4, and stays open until 06 B0', () => {
    const w = registered('timeout', 1000, { answerTimeoutMs: 30_000 });
    w.ecr(w.session.pay({ amount: 700, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('payment-result'));
    expect(w.last('payment-result')!.result.outcome).toBe('unknown');
    expect(w.terminal.isBusy).toBe(true);
  });

  it('money rule 2: a second payment while one runs is never written to the terminal', () => {
    const w = registered('approve', 5000);
    w.ecr(w.session.pay({ amount: 100, currencyNumeric: '978' }, w.now));
    w.runUntil(() => w.has('intermediate'));
    const second = w.ecr(w.session.pay({ amount: 100, currencyNumeric: '978' }, w.now));
    expect(second.write).toEqual([]);
    w.runUntil(() => w.has('payment-result'));
    expect(w.wire.filter((m) => m.from === 'ecr' && m.hex.startsWith('0601'))).toHaveLength(1);
    expect(w.terminalEvents.filter((e) => e.type === 'command' && e.command.type === 'authorisation')).toHaveLength(1);
  });

  it('end of day: print lines and the totals of the approved payments', () => {
    const w = registered('approve', 0);
    for (const amount of [1250, 480]) {
      w.events.length = 0;
      w.ecr(w.session.pay({ amount, currencyNumeric: '978' }, w.now));
      w.runUntil(() => w.has('payment-result'));
    }
    w.events.length = 0;
    w.ecr(w.session.endOfDay(w.now));
    w.runUntil(() => w.has('command-result'));
    const r = w.last('command-result')!.result;
    expect(r).toMatchObject({ command: 'end-of-day', outcome: 'ok', total: 1730 });
    expect(r.totals!.byCard.find((c) => c.card === 'others')).toEqual({ card: 'others', count: 2, amount: 1730 });
    expect(r.lines).toContain('** END OF DAY **');
    expectEveryMessageAcked(w);
  });

  it('status enquiry: terminal status ready, its software version and terminal id', () => {
    const w = registered('approve');
    w.ecr(w.session.statusEnquiry(w.now));
    w.runUntil(() => w.has('command-result'));
    expect(w.last('command-result')!.result).toMatchObject({ command: 'status-enquiry', outcome: 'ok', terminalStatus: 0, terminalStatusText: 'ready', terminalId: w.terminal.terminalId, softwareVersion: 'ECR-SIMULATOR-ZVT 1.0' });
  });

  it('diagnosis and reset complete', () => {
    const w = registered('approve');
    w.ecr(w.session.diagnosis(w.now));
    w.runUntil(() => w.has('command-result'));
    expect(w.last('command-result')!.result).toMatchObject({ command: 'diagnosis', outcome: 'ok' });
    expect(w.last('command-result')!.result.lines).toContain('** DIAGNOSIS **');
    w.events.length = 0;
    w.ecr(w.session.reset(w.now));
    w.runUntil(() => w.has('command-result'));
    expect(w.last('command-result')!.result).toMatchObject({ command: 'reset', outcome: 'ok' });
  });
});
