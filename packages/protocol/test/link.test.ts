/** One ConcertLink driven byte by byte, the test playing the peer. */
import { ACK, ConcertLink, ENQ, EOT, NAK, STX, frame, type LinkStep } from '../src';
import { ascii, hex, v2Answers, v2Requests } from './helpers/vectors';

const b = (...bytes: number[]) => Buffer.from(bytes);
const writes = (step: LinkStep) => Buffer.concat(step.write);
const requestFrame = hex(v2Requests[0]!.frame_hex);
const requestPayload = ascii(v2Requests[0]!.payload);
const answerFrame = hex(v2Answers[2]!.frame_hex);

describe('ConcertLink sending', () => {
  it('sends ENQ, the frame on ACK, EOT on ACK, and says sent', () => {
    const link = new ConcertLink({ role: 'ecr' });
    expect(link.idle).toBe(true);
    expect(link.deadline).toBeUndefined();

    let step = link.send(requestPayload, 1000);
    expect(writes(step)).toEqual(b(ENQ));
    expect(step.events).toEqual([]);
    expect(link.deadline).toBe(4000);
    expect(link.idle).toBe(false);

    step = link.receive(b(ACK), 1010);
    expect(writes(step)).toEqual(requestFrame);
    expect(link.deadline).toBe(4010);

    step = link.receive(b(ACK), 1100);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'sent' }]);
    expect(link.idle).toBe(true);
    expect(link.deadline).toBeUndefined();
  });

  it('resends the frame after a NAK, up to maxNakRetries, then gives up with EOT', () => {
    const link = new ConcertLink({ role: 'ecr', maxNakRetries: 2 });
    link.send(requestPayload, 0);
    expect(writes(link.receive(b(ACK), 1))).toEqual(requestFrame);
    expect(writes(link.receive(b(NAK), 2))).toEqual(requestFrame);
    expect(writes(link.receive(b(NAK), 3))).toEqual(requestFrame);
    const step = link.receive(b(NAK), 4);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'send-failed', reason: 'nak-limit' }]);
    expect(link.idle).toBe(true);
  });

  it('recovers when the frame is ACKed after a NAK', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.send(requestPayload, 0);
    link.receive(b(ACK), 1);
    link.receive(b(NAK), 2);
    expect(link.receive(b(ACK), 3).events).toEqual([{ type: 'sent' }]);
  });

  it('retries an unanswered ENQ with EOT and a pause in between, then says no-answer', () => {
    const link = new ConcertLink({ role: 'ecr', ackTimeoutMs: 1000, enqRetryPauseMs: 200, maxEnqRetries: 3 });
    const out: Buffer[] = [];
    const events: unknown[] = [];
    const record = (s: LinkStep) => {
      out.push(...s.write);
      events.push(...s.events);
    };
    record(link.send(requestPayload, 0));
    record(link.tick(999)); // not yet
    expect(Buffer.concat(out)).toEqual(b(ENQ));
    const times: number[] = [];
    while (link.deadline !== undefined) {
      times.push(link.deadline);
      record(link.tick(link.deadline));
    }
    expect(times).toEqual([1000, 1200, 2200, 2400, 3400]);
    expect(Buffer.concat(out)).toEqual(b(ENQ, EOT, ENQ, EOT, ENQ, EOT));
    expect(events).toEqual([{ type: 'send-failed', reason: 'no-answer' }]);
    expect(link.idle).toBe(true);
  });

  it('does not resend a frame that got no answer at all (the request must not reach the terminal twice)', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.send(requestPayload, 0);
    link.receive(b(ACK), 10);
    const step = link.tick(3010);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'send-failed', reason: 'no-answer' }]);
  });

  it('applies a passed deadline before reading late bytes: a late ACK is not an ACK', () => {
    const link = new ConcertLink({ role: 'ecr', maxEnqRetries: 1 });
    link.send(requestPayload, 0);
    const step = link.receive(b(ACK), 5000);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'send-failed', reason: 'no-answer' }, { type: 'noise', bytes: b(ACK) }]);
  });

  it('probes with ENQ: ACK -> EOT and ok, silence -> EOT and not ok, without retries', () => {
    const link = new ConcertLink({ role: 'ecr' });
    expect(writes(link.probe(0))).toEqual(b(ENQ));
    let step = link.receive(b(ACK), 5);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'probe', ok: true }]);

    link.probe(100);
    step = link.tick(3100);
    expect(writes(step)).toEqual(b(EOT));
    expect(step.events).toEqual([{ type: 'probe', ok: false }]);
    expect(link.idle).toBe(true);
  });

  it('queues a second send until the first exchange is over', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.send(ascii('A'), 0);
    expect(link.send(ascii('B'), 1).write).toEqual([]);
    link.receive(b(ACK), 2);
    const step = link.receive(b(ACK), 3);
    expect(writes(step)).toEqual(b(EOT, ENQ));
    expect(step.events).toEqual([{ type: 'sent' }]);
    expect(writes(link.receive(b(ACK), 4))).toEqual(frame(ascii('B')));
  });

  it('refuses a payload it could not frame or that is too long (RangeError)', () => {
    const link = new ConcertLink({ role: 'ecr', maxPayloadBytes: 10 });
    expect(() => link.send(b(0x41, STX), 0)).toThrow(RangeError);
    expect(() => link.send(Buffer.alloc(11, 0x41), 0)).toThrow(/maxPayloadBytes/);
    expect(link.idle).toBe(true);
  });

  it('refuses bad options with a message naming the option', () => {
    expect(() => new ConcertLink({ role: 'ecr', ackTimeoutMs: 0 })).toThrow(/ackTimeoutMs must be an integer >= 1/);
    expect(() => new ConcertLink({ role: 'ecr', maxNakRetries: -1 })).toThrow(/maxNakRetries/);
    expect(() => new ConcertLink({ role: 'pos' as 'ecr' })).toThrow(/role/);
  });
});

describe('ConcertLink receiving', () => {
  it('ACKs the ENQ, ACKs a good frame and gives its payload, goes idle on EOT', () => {
    const link = new ConcertLink({ role: 'ecr' });
    let step = link.receive(b(ENQ), 0);
    expect(writes(step)).toEqual(b(ACK));
    expect(link.deadline).toBe(3000);
    step = link.receive(answerFrame, 10);
    expect(writes(step)).toEqual(b(ACK));
    expect(step.events).toEqual([{ type: 'message', payload: ascii(v2Answers[2]!.payload) }]);
    step = link.receive(b(EOT), 20);
    expect(step).toEqual({ write: [], events: [] });
    expect(link.idle).toBe(true);
    expect(link.deadline).toBeUndefined();
  });

  it('NAKs a frame with a bad LRC, reports it as noise, and takes the frame sent again', () => {
    const link = new ConcertLink({ role: 'terminal' });
    link.receive(b(ENQ), 0);
    const bad = Buffer.from(requestFrame);
    bad[5] ^= 0x01;
    let step = link.receive(bad, 1);
    expect(writes(step)).toEqual(b(NAK));
    expect(step.events).toEqual([{ type: 'noise', bytes: bad }]);
    step = link.receive(requestFrame, 2);
    expect(writes(step)).toEqual(b(ACK));
    expect(step.events).toEqual([{ type: 'message', payload: requestPayload }]);
  });

  it('reads a frame fed one byte at a time', () => {
    const link = new ConcertLink({ role: 'terminal' });
    const input = Buffer.concat([b(ENQ), requestFrame, b(EOT)]);
    const events = [];
    const out: Buffer[] = [];
    for (let i = 0; i < input.length; i++) {
      const step = link.receive(input.subarray(i, i + 1), i);
      events.push(...step.events);
      out.push(...step.write);
    }
    expect(events).toEqual([{ type: 'message', payload: requestPayload }]);
    expect(Buffer.concat(out)).toEqual(b(ACK, ACK));
  });

  it('reports bytes outside an exchange as noise and writes nothing', () => {
    const link = new ConcertLink({ role: 'ecr' });
    expect(link.receive(ascii('garbage'), 0)).toEqual({ write: [], events: [{ type: 'noise', bytes: ascii('garbage') }] });
    expect(link.receive(b(ACK, NAK, EOT), 0).events).toEqual([{ type: 'noise', bytes: b(ACK, NAK, EOT) }]);
    expect(link.idle).toBe(true);
  });

  it('drops a frame that is never finished as noise at frameTimeoutMs after its last byte', () => {
    const link = new ConcertLink({ role: 'ecr', frameTimeoutMs: 500 });
    link.receive(b(ENQ), 0);
    link.receive(answerFrame.subarray(0, 10), 100);
    expect(link.deadline).toBe(600);
    link.receive(answerFrame.subarray(10, 12), 400);
    expect(link.tick(899).events).toEqual([]);
    const step = link.tick(900);
    expect(step.write).toEqual([]);
    expect(step.events).toEqual([{ type: 'noise', bytes: answerFrame.subarray(0, 12) }]);
    expect(link.idle).toBe(true);
  });

  it('goes back to idle when the peer sends no frame after its ENQ', () => {
    const link = new ConcertLink({ role: 'ecr', frameTimeoutMs: 500 });
    link.receive(b(ENQ), 0);
    expect(link.tick(500)).toEqual({ write: [], events: [] });
    expect(link.idle).toBe(true);
  });

  it('ACKs a repeated ENQ (the peer missed our ACK)', () => {
    const link = new ConcertLink({ role: 'ecr' });
    expect(writes(link.receive(b(ENQ, ENQ), 0))).toEqual(b(ACK, ACK));
    expect(link.receive(answerFrame, 1).events).toHaveLength(1);
  });

  it('accepts an ENQ retried with EOT in between, as terminals do', () => {
    const link = new ConcertLink({ role: 'ecr' });
    expect(writes(link.receive(b(ENQ, EOT, ENQ), 0))).toEqual(b(ACK, ACK));
    expect(link.receive(answerFrame, 1).events).toEqual([{ type: 'message', payload: ascii(v2Answers[2]!.payload) }]);
  });

  it('ACKs a frame sent again because our ACK was lost, without giving it twice', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.receive(b(ENQ), 0);
    expect(link.receive(answerFrame, 1).events).toHaveLength(1);
    const step = link.receive(answerFrame, 2);
    expect(writes(step)).toEqual(b(ACK));
    expect(step.events).toEqual([]);
  });

  it('gives the same payload again in a new exchange (after EOT)', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.receive(Buffer.concat([b(ENQ), answerFrame, b(EOT)]), 0);
    expect(link.receive(Buffer.concat([b(ENQ), answerFrame, b(EOT)]), 1).events).toHaveLength(1);
  });

  it('drops a frame longer than maxPayloadBytes as noise and waits for the next', () => {
    const link = new ConcertLink({ role: 'ecr', maxPayloadBytes: 8 });
    link.receive(b(ENQ), 0);
    const long = frame(ascii('123456789'));
    const step = link.receive(Buffer.concat([long, frame(ascii('12345678'))]), 1);
    expect(step.events).toEqual([
      { type: 'noise', bytes: long },
      { type: 'message', payload: ascii('12345678') },
    ]);
  });

  it('a new STX inside a frame restarts it: the unfinished bytes are noise', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.receive(b(ENQ), 0);
    const step = link.receive(Buffer.concat([b(STX, 0x31, 0x32), answerFrame]), 1);
    expect(step.events).toEqual([
      { type: 'noise', bytes: b(STX, 0x31, 0x32) },
      { type: 'message', payload: ascii(v2Answers[2]!.payload) },
    ]);
  });

  it('stays idle between a request and an answer that comes minutes later', () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.send(requestPayload, 0);
    link.receive(b(ACK), 10);
    link.receive(b(ACK), 20);
    expect(link.idle).toBe(true);
    expect(link.deadline).toBeUndefined();
    expect(link.tick(200_000)).toEqual({ write: [], events: [] });
    expect(writes(link.receive(b(ENQ), 180_000))).toEqual(b(ACK));
    expect(link.receive(answerFrame, 180_050).events).toEqual([{ type: 'message', payload: ascii(v2Answers[2]!.payload) }]);
  });
});

describe('ConcertLink when both sides want to talk', () => {
  it('a send asked for during a receive waits for its EOT', () => {
    const link = new ConcertLink({ role: 'terminal' });
    link.receive(b(ENQ), 0);
    expect(link.send(ascii('ANSWER'), 1).write).toEqual([]);
    expect(link.idle).toBe(false);
    link.receive(requestFrame, 2);
    expect(writes(link.receive(b(EOT), 3))).toEqual(b(ENQ));
  });

  it('a send asked for during a receive starts when the receive times out', () => {
    const link = new ConcertLink({ role: 'terminal', frameTimeoutMs: 100 });
    link.receive(b(ENQ), 0);
    link.send(ascii('ANSWER'), 1);
    expect(writes(link.tick(100))).toEqual(b(ENQ));
  });

  it("the ECR gives way to the terminal's ENQ and sends afterwards", () => {
    const link = new ConcertLink({ role: 'ecr' });
    link.send(requestPayload, 0);
    expect(writes(link.receive(b(ENQ), 1))).toEqual(b(ACK));
    expect(link.receive(answerFrame, 2).events).toHaveLength(1);
    expect(writes(link.receive(b(EOT), 3))).toEqual(b(ENQ));
    expect(writes(link.receive(b(ACK), 4))).toEqual(requestFrame);
  });

  it("the terminal keeps its turn when the ECR's ENQ crosses its own", () => {
    const link = new ConcertLink({ role: 'terminal' });
    link.send(ascii('ANSWER'), 0);
    const step = link.receive(b(ENQ), 1);
    expect(step.write).toEqual([]);
    expect(step.events).toEqual([{ type: 'noise', bytes: b(ENQ) }]);
    expect(writes(link.receive(b(ACK), 2))).toEqual(frame(ascii('ANSWER')));
  });
});
