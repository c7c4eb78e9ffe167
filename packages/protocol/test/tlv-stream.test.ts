/**
 * The raw TLV stream deframer (Concert V3 over TCP): whole answers out of reads cut anyhow, none lost.
 * Money rule 3 depends on it: an answer lost or glued to another one cannot be credited to its payment.
 */
import fc from 'fast-check';
import { TlvStreamDeframer, encodeTlv, parseTlv, v3AnswerIsComplete, type TlvField, type TlvStreamEvent } from '../src';
import { ascii, v3Exchanges } from './helpers/vectors';

const messages = (events: TlvStreamEvent[]) => events.filter((e) => e.type === 'message').map((e) => e.bytes.toString('latin1'));
const skippedBytes = (events: TlvStreamEvent[]) => events.filter((e) => e.type === 'skipped').map((e) => e.bytes.toString('latin1'));

const approved = v3Exchanges[0]!;
const abandoned = v3Exchanges[2]!;
const requestFields = (text: string) => parseTlv(ascii(text)).fields;
/** The deframer as tp-manager uses it after sending `request`. */
const afterRequest = (request: string, quietMs = 200) =>
  new TlvStreamDeframer({ quietMs, isComplete: (f) => v3AnswerIsComplete(f, requestFields(request)) });

describe('TLV stream deframer', () => {
  it('gives a whole answer at once, with no silence waited, when it echoes the request and has AE', () => {
    const d = afterRequest(approved.request);
    const events = d.receive(ascii(approved.answer), 0);
    expect(messages(events)).toEqual([approved.answer]);
    expect(events[0]).toMatchObject({ complete: true });
    expect(d.deadline).toBeUndefined();
  });

  it('money rule 3: two answers in one read are two messages (no "tag CZ appears twice")', () => {
    const d = afterRequest(approved.request);
    expect(messages(d.receive(ascii(approved.answer + abandoned.answer), 0))).toEqual([approved.answer, abandoned.answer]);
  });

  it('an answer split over reads is taken when its last byte arrives, not before', () => {
    const d = afterRequest(approved.request);
    const cut = approved.answer.indexOf('AE002');
    expect(d.receive(ascii(approved.answer.slice(0, cut + 3)), 0)).toEqual([]);
    expect(d.deadline).toBeDefined(); // cut inside a field: waits, bounded
    expect(messages(d.receive(ascii(approved.answer.slice(cut + 3)), 5))).toEqual([approved.answer]);
  });

  it('an answer missing an echoed tag waits the quiet time, then is given as it is', () => {
    const d = afterRequest(approved.request, 100);
    const partial = 'CZ0040300AE00210';
    expect(d.receive(ascii(partial), 1000)).toEqual([]);
    expect(d.deadline).toBe(1100);
    expect(d.tick(1099)).toEqual([]);
    const events = d.tick(1100);
    expect(messages(events)).toEqual([partial]);
    expect(events[0]).toMatchObject({ complete: false });
  });

  it('an approval asked with a ticket (CK) is whole only with its ZT container', () => {
    const request = 'CZ0040320CB003899CE003978CK003100';
    const d = afterRequest(request);
    const zt = encodeTlv([{ tag: 'CK', value: '100' }, { tag: 'AK', value: 'MERCI' }]).toString('latin1');
    expect(d.receive(ascii('CZ0040320CB003899CE003978AE00210'), 0)).toEqual([]);
    expect(messages(d.receive(ascii(`ZT${String(zt.length).padStart(3, '0')}${zt}`), 1))).toHaveLength(1);
  });

  it('skips and reports leftovers before CZ; CR/LF and separators between messages are reported as separators', () => {
    const d = afterRequest(approved.request);
    const events = d.receive(ascii(`AE00210AF00211${approved.answer}\r\n\x00${abandoned.answer}\r\n`), 0);
    expect(messages(events)).toEqual([approved.answer, abandoned.answer]);
    expect(skippedBytes(events)).toEqual(['AE00210AF00211', '\r\n\x00', '\r\n']);
    expect(events.filter((e) => e.type === 'skipped').map((e) => e.type === 'skipped' && e.separatorsOnly)).toEqual([false, true, true]);
  });

  it('a CR/LF after an answer that does not look whole ends it at once (HiPay Nepting terminals end lines so)', () => {
    const d = new TlvStreamDeframer();
    const events = d.receive(ascii('CZ0040320AE00210CF0100000000042\r\n'), 0);
    expect(messages(events)).toEqual(['CZ0040320AE00210CF0100000000042']);
    expect(d.deadline).toBeUndefined();
  });

  it('a message cut inside a field and then silent: its whole fields are given, the cut tail reported', () => {
    const d = new TlvStreamDeframer({ staleMs: 50 });
    d.receive(ascii('CZ0040320AE00210AA016293540'), 0);
    const events = d.tick(50);
    expect(messages(events)).toEqual(['CZ0040320AE00210']);
    expect(skippedBytes(events)).toEqual(['AA016293540']);
  });

  it('drops a message longer than the cap', () => {
    const d = new TlvStreamDeframer({ maxBytes: 100 });
    const events = d.receive(ascii('CZ0040320' + 'AK999' + 'x'.repeat(200)), 0);
    expect(skippedBytes(events)).toHaveLength(1);
    expect(d.deadline).toBeUndefined();
  });

  it('the quiet time may depend on the fields so far (the simulator waits longer for a request lacking a tag)', () => {
    const d = new TlvStreamDeframer({ quietMs: (fields) => (fields.some((f) => f.tag === 'CB') ? 50 : 500) });
    d.receive(ascii('CZ0040320'), 0);
    expect(d.deadline).toBe(500);
    d.receive(ascii('CB003899'), 10);
    expect(d.deadline).toBe(60);
    expect(messages(d.tick(60))).toEqual(['CZ0040320CB003899']);
  });

  it('an endless quiet or stale time arms no deadline: the bytes wait for more, then a stray byte ends the message', () => {
    const d = new TlvStreamDeframer({ quietMs: Infinity, staleMs: Infinity });
    expect(d.receive(ascii('CZ0040320CB003'), 0)).toEqual([]);
    expect(d.deadline).toBeUndefined();
    expect(d.receive(ascii('899'), 1)).toEqual([]);
    expect(d.deadline).toBeUndefined();
    expect(d.tick(Number.MAX_SAFE_INTEGER)).toEqual([]);
    const events = d.receive(ascii('\r\n'), 2);
    expect(messages(events)).toEqual(['CZ0040320CB003899']);
    expect(skippedBytes(events)).toEqual(['\r\n']);
  });

  it('a CZ cut between reads is found', () => {
    const d = afterRequest(approved.request);
    expect(d.receive(ascii('\r\nC'), 0).filter((e) => e.type === 'message')).toEqual([]);
    expect(messages(d.receive(ascii(approved.answer.slice(1)), 1))).toEqual([approved.answer]);
  });

  // ---- properties

  const value = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 30 });
  const tag = fc.string({ unit: fc.constantFrom(...'ABDEFGKZ'), minLength: 2, maxLength: 2 }).filter((t) => t !== 'CZ');
  const messageArb = fc
    .tuple(fc.constantFrom('0300', '0320'), fc.array(fc.record({ tag, value }), { minLength: 1, maxLength: 6 }))
    .map(([version, rest]) => encodeTlv([{ tag: 'CZ', value: version } as TlvField, ...rest]).toString('latin1'));
  const separators = fc.constantFrom('', '', '\r\n', '\n', '\x00');

  it('any split of a stream of N messages (with separators between) gives the same N messages', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(messageArb, separators), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const stream = ascii(parts.map(([m, s]) => m + s).join(''));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const d = new TlvStreamDeframer();
        const events: TlvStreamEvent[] = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          events.push(...d.receive(stream.subarray(from, p), 0));
          from = p;
        }
        events.push(...d.tick(Number.MAX_SAFE_INTEGER));
        expect(messages(events)).toEqual(parts.map(([m]) => m));
        expect(skippedBytes(events).every((b) => /^[\r\n\x00]*$/.test(b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw, and every byte fed is given back in a message or reported skipped', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 6 }), (chunks) => {
        const d = new TlvStreamDeframer({ maxBytes: 200 });
        const events: TlvStreamEvent[] = [];
        chunks.forEach((c, i) => {
          events.push(...d.receive(c, i));
        });
        events.push(...d.tick(Number.MAX_SAFE_INTEGER));
        events.push(...d.reset());
        expect(Buffer.concat(events.map((e) => e.bytes))).toEqual(Buffer.concat(chunks));
      }),
      { numRuns: 300 },
    );
  });
});
