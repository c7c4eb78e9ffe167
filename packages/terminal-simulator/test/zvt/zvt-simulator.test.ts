/**
 * The ZVT simulator as the CLI serves it: its command line, and the terminal over real time with the ECR
 * session of @ecr/protocol on the other end of its byte stream (bare APDUs, and the DLE/CRC serial link),
 * writing the request log and the answer ledger a soak compares with the connector's books.
 */
import { performance } from 'node:perf_hooks';
import { zvt } from '@ecr/protocol';
import { parseCliArgs } from '../../src/cli-args';
import { ZvtSimulator } from '../../src/zvt/zvt-simulator';

describe('ZVT simulator command line', () => {
  test('--protocol zvt over TCP is bare APDUs (raw), over a serial line the DLE/CRC link', () => {
    expect(parseCliArgs(['--protocol', 'zvt', '--listen', 'tcp://127.0.0.1:20007'])).toMatchObject({ ok: true, value: { protocol: 'zvt', framing: 'raw' } });
    expect(parseCliArgs(['--protocol', 'zvt', '--serial', '/dev/pts/9'])).toMatchObject({ ok: true, value: { protocol: 'zvt', framing: 'link' } });
    expect(parseCliArgs(['--protocol', 'zvt', '--listen', 'tcp://127.0.0.1:20007', '--profile', 'hipay-nepting'])).toMatchObject({ ok: false });
  });

  test('a Concert fault or answer form is refused in one line, never silently ignored', () => {
    expect(() => new ZvtSimulator({ framing: 'raw', outcome: 'approve', delayMs: 0, faults: { nakNext: 1 } })).toThrow('the ZVT simulator plays the fault deaf only, not nakNext');
    const sim = new ZvtSimulator({ framing: 'raw', outcome: 'approve', delayMs: 0 });
    expect(() => sim.setBehaviour({ answerReference: 'desk5000' })).toThrow(/Concert answer form/);
    sim.setBehaviour({ outcome: 'decline', delayMs: 5 });
    expect(sim.behaviour).toMatchObject({ outcome: 'decline', delayMs: 5 });
    sim.close();
  });
});

describe.each(['raw', 'link'] as const)('ZVT simulator over %s framing, against the ECR session', (framing) => {
  test('a payment is logged once with its amount, and its answer is in the ledger as delivered', async () => {
    const sim = new ZvtSimulator({ framing, outcome: 'approve', delayMs: 20 });
    const session = new zvt.ZvtEcrSession({ password: '000000' });
    const ecrLink = framing === 'link' ? new zvt.ZvtSerialLink({ role: 'ecr' }) : undefined;
    const deframer = new zvt.ZvtTcpDeframer();
    const events: zvt.ZvtSessionEvent[] = [];
    const take = (step: zvt.ZvtSessionStep) => {
      events.push(...step.events);
      for (const apdu of step.write) {
        if (!ecrLink) sim.input(apdu);
        else for (const bytes of ecrLink.send(apdu, performance.now()).write) sim.input(bytes);
      }
    };
    sim.on('output', (bytes: Buffer) => {
      if (!ecrLink) {
        for (const apdu of deframer.push(bytes)) take(session.receive(apdu, performance.now()));
        return;
      }
      const step = ecrLink.receive(bytes, performance.now());
      for (const w of step.write) sim.input(w);
      for (const e of step.events) if (e.type === 'message') take(session.receive(wholeApdu(e.apdu), performance.now()));
    });
    const until = async (ok: () => boolean) => {
      const end = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > end) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    take(session.register(performance.now()));
    await until(() => events.some((e) => e.type === 'command-result'));
    take(session.pay({ amount: 1234, currencyNumeric: '978' }, performance.now()));
    await until(() => events.some((e) => e.type === 'payment-result'));
    expect(events.find((e) => e.type === 'payment-result')).toMatchObject({ result: { outcome: 'approved', amount: 1234 } });
    expect(sim.requests.filter((r) => r.amount === 1234)).toEqual([expect.objectContaining({ protocol: 'zvt', framing, currencyNumeric: '978', outcome: 'approve' })]);
    expect(sim.answers).toEqual([expect.objectContaining({ kind: 'answer', outcome: 'approve', requestAmount: 1234, amount: 1234, delivered: true })]);
    sim.close();
  });
});

function wholeApdu(bytes: Buffer): zvt.Apdu {
  const parsed = zvt.parseApdu(bytes);
  if (parsed.kind !== 'apdu') throw new Error(`the link delivered an incomplete APDU ${bytes.toString('hex')}`);
  return parsed.apdu;
}
