/** Properties of one receiving ConcertLink over arbitrary input: split anywhere, noise, random bytes. */
import fc from 'fast-check';
import { ACK, ConcertLink, ENQ, EOT, ETX, NAK, STX, frame, lrc, type LinkEvent } from '../src';

const CONTROL = [STX, ETX, EOT, ENQ, ACK, NAK];
const noiseByte = fc.integer({ min: 0, max: 255 }).filter((b) => !CONTROL.includes(b));
const noiseArb = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a.filter((b) => !CONTROL.includes(b))));
const payloadArb = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 90 }).map((s) => Buffer.from(s, 'latin1'));

interface Segment {
  noise: Buffer;
  payload: Buffer;
  /** Send a corrupted copy first (the link NAKs it; it counts as noise). */
  corruptFirst: boolean;
  corruptAt: number;
}

const segmentArb: fc.Arbitrary<Segment> = fc.record({ noise: noiseArb, payload: payloadArb, corruptFirst: fc.boolean(), corruptAt: fc.nat() });

/** What the peer sends for each segment: noise, ENQ, [bad frame], frame, EOT. */
function streamOf(segments: Segment[]): { bytes: Buffer; noise: Buffer } {
  const parts: Buffer[] = [];
  const noise: Buffer[] = [];
  for (const s of segments) {
    const good = frame(s.payload);
    parts.push(s.noise, Buffer.from([ENQ]));
    noise.push(s.noise);
    if (s.corruptFirst) {
      // Change one payload byte to another printable byte: the frame keeps its shape, the LRC is now wrong.
      const bad = Buffer.from(good);
      if (s.payload.length > 0) {
        const i = 1 + (s.corruptAt % s.payload.length);
        bad[i] = bad[i] === 0x41 ? 0x42 : 0x41;
      } else {
        bad[bad.length - 1] ^= 0x01;
      }
      parts.push(bad);
      noise.push(bad);
    }
    parts.push(good, Buffer.from([EOT]));
  }
  return { bytes: Buffer.concat(parts), noise: Buffer.concat(noise) };
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

function feed(link: ConcertLink, chunks: Buffer[], now = 0): { events: LinkEvent[]; written: Buffer } {
  const events: LinkEvent[] = [];
  const written: Buffer[] = [];
  for (const chunk of chunks) {
    const step = link.receive(chunk, now);
    events.push(...step.events);
    written.push(...step.write);
  }
  return { events, written: Buffer.concat(written) };
}

describe('ConcertLink over any split of a valid stream', () => {
  it('gives the same messages, the same noise and the same answers however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(segmentArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.constantFrom<'ecr' | 'terminal'>('ecr', 'terminal'),
        (segments, cuts, role) => {
          const { bytes, noise } = streamOf(segments);
          const whole = feed(new ConcertLink({ role }), [bytes]);
          const split = feed(new ConcertLink({ role }), splitAt(bytes, cuts));

          const messages = (events: LinkEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.payload.toString('latin1')] : []));
          const noiseOf = (events: LinkEvent[]) => Buffer.concat(events.flatMap((e) => (e.type === 'noise' ? [e.bytes] : [])));
          const expected = segments.map((s) => s.payload.toString('latin1'));

          expect(messages(split.events)).toEqual(expected);
          expect(messages(whole.events)).toEqual(expected);
          expect(noiseOf(split.events)).toEqual(noise);
          expect(split.written).toEqual(whole.written);
          // One ACK for each ENQ and each good frame, one NAK for each corrupted frame.
          const naks = segments.filter((s) => s.corruptFirst).length;
          expect([...split.written].filter((b) => b === NAK)).toHaveLength(naks);
          expect([...split.written].filter((b) => b === ACK)).toHaveLength(2 * segments.length);
          expect(split.events.every((e) => e.type === 'message' || e.type === 'noise')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ConcertLink over random bytes', () => {
  /** Bytes rich in control characters, so that exchanges really start and frames really complete. */
  const byteArb = fc.oneof(fc.constantFrom(...CONTROL), noiseByte, fc.integer({ min: 0, max: 255 }));
  const inputArb = fc.array(fc.record({ bytes: fc.array(byteArb, { maxLength: 40 }), waitMs: fc.integer({ min: 0, max: 4000 }) }), { maxLength: 20 });

  /** Is `payload` framed with its good LRC somewhere in `input`? */
  function framedIn(input: Buffer, payload: Buffer): boolean {
    const framed = Buffer.concat([Buffer.from([STX]), payload, Buffer.from([ETX])]);
    const whole = Buffer.concat([framed, Buffer.from([lrc(framed.subarray(1))])]);
    return input.includes(whole);
  }

  it('never throws, keeps its deadline consistent, and gives only messages of frames with a good LRC', () => {
    fc.assert(
      fc.property(inputArb, fc.constantFrom<'ecr' | 'terminal'>('ecr', 'terminal'), fc.boolean(), (input, role, sending) => {
        const link = new ConcertLink({ role, ackTimeoutMs: 1000, frameTimeoutMs: 1000, enqRetryPauseMs: 100 });
        let now = 0;
        const all = Buffer.concat(input.map((i) => Buffer.from(i.bytes)));
        const events: LinkEvent[] = [];
        if (sending) events.push(...link.send(Buffer.from('PAYMENT', 'latin1'), now).events);
        for (const { bytes, waitMs } of input) {
          events.push(...link.receive(Buffer.from(bytes), now).events);
          now += waitMs;
          if (link.deadline !== undefined && now >= link.deadline) events.push(...link.tick(now).events);
          expect(link.deadline === undefined).toBe(link.stateName === 'idle');
        }
        for (const e of events) {
          if (e.type === 'message') expect(framedIn(all, e.payload)).toBe(true);
        }
        // A send ends exactly once, or is still in progress.
        const endings = events.filter((e) => e.type === 'sent' || e.type === 'send-failed').length;
        expect(endings).toBeLessThanOrEqual(sending ? 1 : 0);
        // Left alone long enough, the link always comes back to idle.
        for (let i = 0; i < 20 && link.deadline !== undefined; i++) link.tick(link.deadline);
        expect(link.idle).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never gives a message for a frame whose LRC is wrong, however it is split', () => {
    fc.assert(
      fc.property(payloadArb, fc.integer({ min: 1, max: 255 }), fc.array(fc.nat(), { maxLength: 10 }), (payload, flip, cuts) => {
        const bad = frame(payload);
        bad[bad.length - 1] ^= flip;
        const link = new ConcertLink({ role: 'ecr' });
        const out = feed(link, splitAt(Buffer.concat([Buffer.from([ENQ]), bad, Buffer.from([EOT])]), cuts));
        expect(out.events.filter((e) => e.type === 'message')).toEqual([]);
        expect(out.written).toEqual(Buffer.from([ACK, NAK]));
      }),
      { numRuns: 300 },
    );
  });
});
