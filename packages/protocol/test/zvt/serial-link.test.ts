/** ZvtSerialLink: ACK/NAK, resends after NAK only, never after silence (money rule 2), and two links wired together. */
import { zvt } from '../../src';

const ACK = Buffer.from([0x06]);
const NAK = Buffer.from([0x15]);
const REG = Buffer.from('0600061234' + '56ba0978', 'hex'); // ecrterm test_Anmeldung

describe('ZvtSerialLink sending', () => {
  it('writes the frame and reports sent on ACK', () => {
    const link = new zvt.ZvtSerialLink({ role: 'ecr' });
    const step = link.send(REG, 0);
    expect(step.write).toEqual([Buffer.from('1002060006123456ba0978100324c3', 'hex')]);
    expect(link.receive(ACK, 10).events).toEqual([{ type: 'sent' }]);
    expect(link.idle).toBe(true);
  });

  it('sends the same frame again after a NAK, and gives up after the limit', () => {
    const link = new zvt.ZvtSerialLink({ role: 'ecr', maxNakRetries: 2 });
    const frame = link.send(REG, 0).write[0];
    expect(link.receive(NAK, 1).write).toEqual([frame]);
    expect(link.receive(NAK, 2).write).toEqual([frame]);
    const last = link.receive(NAK, 3);
    expect(last.write).toEqual([]);
    expect(last.events).toEqual([{ type: 'send-failed', reason: 'nak-limit' }]);
  });

  it('money rule 2: a frame neither ACKed nor NAKed in time is reported failed and never written again', () => {
    const link = new zvt.ZvtSerialLink({ role: 'ecr', ackTimeoutMs: 1000 });
    link.send(REG, 0);
    expect(link.deadline).toBe(1000);
    expect(link.tick(999).events).toEqual([]);
    const late = link.tick(1000);
    expect(late.events).toEqual([{ type: 'send-failed', reason: 'no-answer' }]);
    expect(late.write).toEqual([]);
    // A late ACK is not taken for the next frame.
    const next = link.send(zvt.encodeAck(), 1001);
    expect(next.write).toHaveLength(1);
    expect(link.tick(5000).write).toEqual([]);
  });

  it('queues a second frame until the first is answered', () => {
    const link = new zvt.ZvtSerialLink({ role: 'terminal' });
    link.send(zvt.encodeAck(), 0);
    expect(link.send(zvt.encodeCompletion(), 1).write).toEqual([]);
    const step = link.receive(ACK, 2);
    expect(step.events).toEqual([{ type: 'sent' }]);
    expect(step.write).toEqual([zvt.frameZvtSerial(zvt.encodeCompletion())]);
  });
});

describe('ZvtSerialLink receiving', () => {
  it('NAKs a frame with a bad CRC, reports it as noise, and ACKs the good resend', () => {
    const link = new zvt.ZvtSerialLink({ role: 'ecr' });
    const good = zvt.frameZvtSerial(zvt.encodeCompletion());
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    const first = link.receive(bad, 0);
    expect(first.write).toEqual([NAK]);
    expect(first.events).toEqual([{ type: 'noise', bytes: bad }]);
    const second = link.receive(good, 1);
    expect(second.write).toEqual([ACK]);
    expect(second.events).toEqual([{ type: 'message', apdu: zvt.encodeCompletion() }]);
  });

  it('drops a frame cut short after the inter-byte time-out', () => {
    const link = new zvt.ZvtSerialLink({ role: 'ecr', interByteTimeoutMs: 200 });
    const frame = zvt.frameZvtSerial(zvt.encodeCompletion());
    link.receive(frame.subarray(0, 4), 0);
    expect(link.deadline).toBe(200);
    expect(link.tick(200).events).toEqual([{ type: 'noise', bytes: frame.subarray(0, 4) }]);
    expect(link.receive(frame, 300).events).toEqual([{ type: 'message', apdu: zvt.encodeCompletion() }]);
  });
});

describe('two ZvtSerialLinks wired back to back', () => {
  it('carry APDUs both ways, DLE bytes included', () => {
    const ecr = new zvt.ZvtSerialLink({ role: 'ecr' });
    const pt = new zvt.ZvtSerialLink({ role: 'terminal' });
    const got: { ecr: Buffer[]; pt: Buffer[] } = { ecr: [], pt: [] };
    const pump = (from: zvt.ZvtSerialLink, step: zvt.ZvtLinkStep) => {
      const to = from === ecr ? pt : ecr;
      for (const e of step.events) if (e.type === 'message') (from === ecr ? got.ecr : got.pt).push(e.apdu);
      for (const w of step.write) pump(to, to.receive(w, 0));
    };
    const pay = zvt.encodeAuthorisation({ amount: 11000, currencyNumeric: '978' });
    pump(ecr, ecr.send(pay, 0));
    pump(pt, pt.send(zvt.encodeAck(), 0));
    pump(pt, pt.send(zvt.encodeIntermediateStatus(0x10), 0));
    expect(got.pt).toEqual([pay]);
    expect(got.ecr).toEqual([zvt.encodeAck(), zvt.encodeIntermediateStatus(0x10)]);
    expect(ecr.idle && pt.idle).toBe(true);
  });
});
