import fc from 'fast-check';
import { ETX, STX, frame, lrc, unframe } from '../src';
import { ascii, hex, v2Answers, v2Requests } from './helpers/vectors';

describe('LRC and framing', () => {
  it.each(v2Requests.map((v) => [v.payload, v.frame_hex, v.lrc_hex]))('frames request %s exactly as the reference', (payload, frameHex, lrcHex) => {
    const framed = frame(ascii(payload));
    expect(framed.toString('hex')).toBe(frameHex);
    expect(framed[framed.length - 1]).toBe(parseInt(lrcHex, 16));
  });

  it.each(v2Answers.map((v) => [v.payload, v.frame_hex, v.length]))('frames answer %s exactly as the reference', (payload, frameHex, length) => {
    const framed = frame(ascii(payload));
    expect(framed.toString('hex')).toBe(frameHex);
    expect(framed.length).toBe(length);
  });

  it('computes the LRC over the payload and ETX, not STX', () => {
    // Hand-computed: '0' ^ '1' = 0x01, ^ ETX (0x03) = 0x02.
    expect(frame(ascii('01'))).toEqual(Buffer.from([STX, 0x30, 0x31, ETX, 0x02]));
    expect(lrc(Buffer.from([0x30, 0x31, ETX]))).toBe(0x02);
    expect(frame(Buffer.alloc(0))).toEqual(Buffer.from([STX, ETX, ETX]));
  });

  it('unframes a good frame and names what is wrong with a bad one', () => {
    const good = hex(v2Requests[0]!.frame_hex);
    const r = unframe(good);
    expect(r).toEqual({ ok: true, value: ascii(v2Requests[0]!.payload) });

    const badLrc = Buffer.from(good);
    badLrc[badLrc.length - 1] ^= 0x01;
    expect(unframe(badLrc)).toEqual({ ok: false, error: expect.stringMatching(/^bad LRC/) });
    expect(unframe(good.subarray(1))).toEqual({ ok: false, error: expect.stringContaining('starts with STX') });
    expect(unframe(good.subarray(0, good.length - 1))).toEqual({ ok: false, error: expect.stringContaining('ends with ETX') });
    expect(unframe(Buffer.from([STX]))).toEqual({ ok: false, error: expect.stringContaining('at least 3 bytes') });
  });

  it('refuses to frame a payload holding STX or ETX', () => {
    expect(() => frame(Buffer.from([0x30, ETX, 0x31]))).toThrow(RangeError);
    expect(() => frame(Buffer.from([STX]))).toThrow(/STX or ETX/);
  });

  it('unframe(frame(p)) is p for any payload without STX/ETX', () => {
    const payload = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a.filter((b) => b !== STX && b !== ETX)));
    fc.assert(
      fc.property(payload, (p) => {
        expect(unframe(frame(p))).toEqual({ ok: true, value: p });
      }),
      { numRuns: 300 },
    );
  });

  it('any single corrupted byte of a frame is caught', () => {
    const payload = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 255 }), (p, at, flip) => {
        const framed = frame(ascii(p));
        const i = at % framed.length;
        framed[i] ^= flip;
        expect(unframe(framed).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
