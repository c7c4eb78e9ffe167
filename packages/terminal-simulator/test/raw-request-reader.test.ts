/**
 * How the simulated IP terminal reads raw TLV requests (raw-request-reader.ts), fed bytes and virtual time:
 * lenient where the shared deframer is lenient for the cash register, strict where a terminal is strict.
 * Sources: akretion caisse-ap-ip `caisse_ap_ip_server.py` (a broken tag is refused, CR/LF alone gets no
 * answer), HiPay "Local API for Nepting" (CR/LF after each request).
 */
import fc from 'fast-check';
import { encodeV3Request, type V3Request } from '@ecr/protocol';
import type { TerminalProfile } from '../src';
import { RawRequestReader, type RawReading } from '../src/raw-request-reader';

const V3: V3Request = { version: '0320', ecrId: 'KIOSK0000001', posNumber: '01', amount: 4200, action: 'debit', currencyNumeric: '978', privateData: '0000000042' };
const REQUEST = encodeV3Request(V3);
const QUIET = 50;
const SETTLE = 500;

function reader(profile: TerminalProfile = 'generic'): RawRequestReader {
  return new RawRequestReader({ profile: () => profile, quietMs: QUIET, settleMs: SETTLE });
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
const kinds = (readings: RawReading[]) => readings.map((r) => r.type);

describe('generic profile', () => {
  it('a request cut into reads anywhere is taken once, a quiet time after its last byte, with that byte\'s time', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: REQUEST.length - 1 }), { maxLength: 10 }), (cuts) => {
        const r = reader();
        const readings: RawReading[] = [];
        let from = 0;
        let now = 0;
        for (const p of [...[...cuts].sort((a, b) => a - b), REQUEST.length]) {
          readings.push(...r.receive(REQUEST.subarray(from, p), ++now));
          from = p;
        }
        expect(readings).toEqual([]);
        expect(r.deadline).toBe(now + QUIET);
        expect(r.tick(now + QUIET - 1)).toEqual([]);
        const taken = r.tick(now + QUIET);
        expect(taken).toEqual([{ type: 'request', request: expect.objectContaining({ amount: 4200, privateData: '0000000042' }), receivedAt: now }]);
        expect(r.deadline).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it('bytes that lack a required tag wait the longer settle time, then are refused echoing the tags they hold (AF=09)', () => {
    const r = reader();
    expect(r.receive(bytes('CZ0040320CJ012KIOSK0000001'), 0)).toEqual([]);
    expect(r.deadline).toBe(SETTLE);
    const [refused] = r.tick(SETTLE);
    expect(refused).toMatchObject({ type: 'refused', error: expect.stringMatching(/missing/), fields: [{ tag: 'CZ' }, { tag: 'CJ' }] });
  });

  it('money rule 1: CR/LF right after a request breaks it (a broken tag, akretion and Ingenico): refused at once, the rest of the read dropped', () => {
    const r = reader();
    const readings = r.receive(Buffer.concat([REQUEST, bytes('\r\n'), REQUEST]), 7);
    expect(readings).toEqual([{ type: 'refused', error: expect.stringMatching(/^Concert V3 request: TLV: byte \d+ is/), fields: expect.arrayContaining([{ tag: 'CF', value: '0000000042' }]), receivedAt: 7 }]);
    expect(r.deadline).toBeUndefined();
  });

  it('CR/LF in a later read, before the quiet time ended, breaks the request too', () => {
    const r = reader();
    r.receive(REQUEST, 0);
    expect(kinds(r.receive(bytes('\r\n'), 10))).toEqual(['refused']);
  });

  it('CR/LF alone while no request is in progress is noise (akretion gives no answer), also after a request was taken', () => {
    const r = reader();
    expect(r.receive(bytes('\r\n'), 0)).toEqual([{ type: 'noise', bytes: bytes('\r\n') }]);
    r.receive(REQUEST, 1);
    expect(kinds(r.tick(1 + QUIET))).toEqual(['request']);
    expect(kinds(r.receive(bytes('\n'), 100))).toEqual(['noise']);
  });

  it('bytes that are not TLV are refused at once, with the fields read before them', () => {
    expect(reader().receive(bytes('CZ0040300hello'), 0)).toEqual([
      { type: 'refused', error: expect.stringMatching(/tag \(two upper-case letters\)/), fields: [{ tag: 'CZ', value: '0300' }], receivedAt: 0 },
    ]);
    expect(reader().receive(bytes('hello'), 0)).toMatchObject([{ type: 'refused', fields: [] }]);
    expect(reader().receive(bytes('\r\nCZ0040320'), 0)).toMatchObject([{ type: 'refused', fields: [] }]);
  });

  it('a request cut inside a field waits for its bytes, with no deadline', () => {
    const r = reader();
    expect(r.receive(REQUEST.subarray(0, 12), 0)).toEqual([]);
    expect(r.deadline).toBeUndefined();
    expect(r.receive(REQUEST.subarray(12), 60_000)).toEqual([]);
    expect(kinds(r.tick(60_000 + QUIET))).toEqual(['request']);
  });

  it('two requests in one read are two requests (the shared deframer cuts at CZ)', () => {
    const r = reader();
    expect(kinds(r.receive(Buffer.concat([REQUEST, REQUEST]), 0))).toEqual(['request']);
    expect(kinds(r.tick(QUIET))).toEqual(['request']);
  });

  it('reset forgets a half-received request', () => {
    const r = reader();
    r.receive(REQUEST.subarray(0, 20), 0);
    r.reset();
    expect(r.deadline).toBeUndefined();
    expect(r.receive(bytes('\r\n'), 1)).toEqual([{ type: 'noise', bytes: bytes('\r\n') }]);
  });
});

describe('hipay-nepting profile (HiPay Local API for Nepting: CR/LF after each request)', () => {
  it('a request is taken only once CR/LF follows it, at that time; no quiet-time guess', () => {
    const r = reader('hipay-nepting');
    expect(r.receive(REQUEST, 0)).toEqual([]);
    expect(r.deadline).toBeUndefined();
    expect(r.receive(bytes('\r\n'), 9)).toEqual([{ type: 'request', request: expect.objectContaining({ amount: 4200 }), receivedAt: 9 }]);
  });

  it('a line cut inside a field is refused; empty lines are ignored', () => {
    const r = reader('hipay-nepting');
    expect(r.receive(bytes('\r\nCZ0040320CB00\r\n\r\n'), 0)).toEqual([
      { type: 'refused', error: 'Concert V3 request: cut inside a field before CR/LF', fields: [{ tag: 'CZ', value: '0320' }], receivedAt: 0 },
    ]);
    expect(kinds(reader('hipay-nepting').receive(bytes('CZ0040320CB0\r\n'), 0))).toEqual(['refused']);
  });
});

it('random bytes in random reads never throw, under either profile', () => {
  fc.assert(
    fc.property(fc.constantFrom<TerminalProfile>('generic', 'hipay-nepting'), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), (profile, chunks) => {
      const r = reader(profile);
      chunks.forEach((c, i) => {
        r.receive(c, i);
      });
      r.tick(Number.MAX_SAFE_INTEGER);
      expect(r.deadline).toBeUndefined();
    }),
  );
});
